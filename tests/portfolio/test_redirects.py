"""Redirects keep the visitor's query string (campaign tags, filters), and still go
only where editors pointed them (`portfolio.base.redirects`)."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.research.factories import ResearchProjectPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed_project(site_tree, django_capture_on_commit_callbacks):
    project = ResearchProjectPageFactory(title="Old name", slug="old-name")
    project.slug = "new-name"
    # Wagtail creates the redirect from the old URL once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        project.save_revision().publish()
    assert Redirect.objects.filter(redirect_page=project).exists()
    return project


def test_a_renamed_projects_old_url_keeps_both_campaign_parameters(client, renamed_project):
    response = client.get("/research/old-name/?utm_source=x&utm_medium=y")
    assert response.status_code == 301
    assert response["Location"] == "/research/new-name/?utm_source=x&utm_medium=y"
    assert client.get(response["Location"]).status_code == 200


def test_without_a_query_string_the_target_is_unchanged(client, renamed_project):
    response = client.get("/research/old-name/")
    assert response["Location"] == "/research/new-name/"


def test_the_targets_own_parameters_win_and_repeated_ones_are_kept(client, site_tree):
    Redirect.objects.create(
        old_path="/appeal",
        redirect_link="https://example.org/give?ref=site#form",
        is_permanent=False,
    )
    response = client.get("/appeal/?ref=evil&utm_source=x&theme=a&theme=b")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "example.org", "/give")
    assert location.fragment == "form"
    assert parse_qsl(location.query) == [
        ("ref", "site"),
        ("utm_source", "x"),
        ("theme", "a"),
        ("theme", "b"),
    ]


def test_a_redirect_matched_with_its_own_query_string_is_used_as_entered(client, site_tree):
    Redirect.objects.create(old_path="/old-page?id=7", redirect_link="/research/")
    response = client.get("/old-page/?id=7")
    assert response.status_code == 301
    assert response["Location"] == "/research/"


@pytest.mark.parametrize(
    "query",
    [
        "next=//evil.example/&utm_source=x",
        "utm_source=%0d%0aSet-Cookie:%20a=b",
        "u=http://evil.example/",
        "%2F%2Fevil.example=1",
    ],
)
def test_no_query_string_can_change_where_a_redirect_goes(client, renamed_project, query):
    response = client.get(f"/research/old-name/?{query}")
    assert response.status_code == 301
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == ("", "", "/research/new-name/")
    assert "\r" not in response["Location"] and "\n" not in response["Location"]
