"""Site settings' donate allow-list accepts only https:// addresses (the admin form and
the model's own validation), and `/donate/` never redirects to plain HTTP."""

from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from portfolio.base.donations import NOT_SECURE, validate_destination
from portfolio.models import DonateClick, SiteSettings
from tests.helpers.donate import DEFAULT, OTHER, get_donate
from tests.portfolio.factories import SiteSettingsFactory

pytestmark = pytest.mark.usefixtures("fresh_cache")

INSECURE = [
    "http://donate.example.org/give",
    "HTTP://donate.example.org/give",
    "ftp://donate.example.org/give",
    "https:///give",  # no host
]


@pytest.mark.parametrize("url", INSECURE)
def test_the_one_check_refuses_anything_but_https(url):
    with pytest.raises(ValidationError) as raised:
        validate_destination(url)
    assert raised.value.messages == [NOT_SECURE]


def test_the_one_check_accepts_https():
    validate_destination(DEFAULT)  # no error


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/give", "http://localhost/give"])
def test_plain_http_to_this_machine_only_where_the_test_settings_allow_it(settings, url):
    """The browser tests' donation stand-in is their live server, which speaks http."""
    settings.DONATE_LOCAL_HTTP = True
    validate_destination(url)  # no error
    with pytest.raises(ValidationError):
        validate_destination("http://donate.example.org/give")
    settings.DONATE_LOCAL_HTTP = False  # as in every other settings module
    with pytest.raises(ValidationError):
        validate_destination(url)


def test_production_never_allows_plain_http():
    from portfolio.settings import base

    assert base.DONATE_LOCAL_HTTP is False


@pytest.mark.parametrize("url", INSECURE[:2])
def test_model_validation_refuses_an_http_donate_url(site_tree, url):
    settings = SiteSettingsFactory(donate_url=DEFAULT)
    settings.donate_url = url
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    assert raised.value.message_dict["donate_url"] == [NOT_SECURE]


def test_model_validation_refuses_an_http_destination(site_tree):
    settings = SiteSettingsFactory(donate_url=DEFAULT)
    settings.donate_destinations = [
        ("destination", {"label": "Fund", "url": OTHER}),
        ("destination", {"label": "Old", "url": "http://give.example.com/old"}),
    ]
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    errors = raised.value.message_dict
    assert "donate_url" not in errors
    assert any("Other donation page 2" in message for message in errors["donate_destinations"])


def _edit(admin_client, settings, donate_url, destinations=()):
    url = reverse("wagtailsettings:edit", args=["portfolio", "sitesettings", settings.site_id])
    data = nested_form_data(
        {
            "charity_name": settings.charity_name,
            "charity_number": settings.charity_number,
            "tagline": "",
            "donate_url": donate_url,
            "donate_destinations": streamfield(
                [("destination", {"label": "Fund", "url": d}) for d in destinations]
            ),
            "donate_label": "Donate",
            "contact_email": "",
            "max_reading_age": 12,
            "open_data_licence_name": settings.open_data_licence_name,
            "open_data_licence_url": settings.open_data_licence_url,
        }
    )
    return admin_client.post(url, data)


def test_admin_saves_https_addresses(site_tree, admin_client):
    settings = SiteSettingsFactory(donate_url=DEFAULT)
    response = _edit(admin_client, settings, "https://donate.example.org/new", [OTHER])
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.donate_url == "https://donate.example.org/new"


def test_admin_form_explains_an_http_donate_url(site_tree, admin_client):
    settings = SiteSettingsFactory(donate_url=DEFAULT)
    response = _edit(admin_client, settings, "http://donate.example.org/give")
    assert response.status_code == 200
    assert response.context["form"].errors["donate_url"] == [NOT_SECURE]
    assert NOT_SECURE in response.content.decode()
    settings.refresh_from_db()
    assert settings.donate_url == DEFAULT


def test_admin_form_refuses_an_http_destination(site_tree, admin_client):
    settings = SiteSettingsFactory(donate_url=DEFAULT)
    response = _edit(admin_client, settings, DEFAULT, ["http://give.example.com/research"])
    assert response.status_code == 200
    assert "donate_destinations" in response.context["form"].errors
    settings.refresh_from_db()
    assert list(settings.donate_destinations) == []


def test_donate_never_redirects_to_a_stored_http_address(site_tree, client):
    # Stored behind the editors' validation (a raw update), as an old row would be.
    settings = SiteSettingsFactory(
        donate_destinations=[("destination", {"label": "Other", "url": OTHER})]
    )
    SiteSettings.objects.filter(pk=settings.pk).update(donate_url="http://donate.example.org/give")
    response = get_donate(client, "")
    assert response.status_code == 503
    assert "Location" not in response.headers
    assert not DonateClick.objects.exists()


def test_a_stored_http_destination_is_never_chosen(site_tree, client):
    settings = SiteSettingsFactory(donate_url=DEFAULT)
    http_other = "http://give.example.com/research"
    settings.donate_destinations = [("destination", {"label": "Old", "url": http_other})]
    settings.save()  # save() does not validate: as a row saved before this rule
    response = get_donate(client, urlencode({"to": http_other}))
    assert response.status_code == 302
    assert response["Location"].startswith(DEFAULT + "?")
