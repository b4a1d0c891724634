"""Password guessing is limited (django-axes): 5 failures for one account or one address
within 15 minutes refuse every further attempt, right password or not, until the
cool-off ends; the password-reset form is throttled the same way."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from portfolio.base.security import client_ip

LOGIN = "/admin/login/"
RESET = "/admin/password_reset/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", PASSWORD)
    user.is_superuser = True  # may use the admin
    user.save()
    return user


def attempt(client, password, username="editor", ip="198.51.100.7", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def signed_in(client):
    return SESSION_KEY in client.session


def fail_five_times(client, **kwargs):
    for n in range(5):
        response = attempt(client, f"wrong-{n}", **kwargs)
        if n < 4:
            assert response.status_code == 200, n  # the form again, with its error
        else:
            assert response.status_code == 429  # the fifth failure locks at once


def test_five_failures_lock_the_account_even_with_the_right_password(editor, client):
    fail_five_times(client)
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    text = response.content.decode()
    assert "Too many sign-in attempts" in text
    assert "15 minutes" in text
    assert response["Retry-After"] == "900"
    assert "Content-Security-Policy" in response


def test_four_failures_do_not_lock(editor, client):
    for n in range(4):
        attempt(client, f"wrong-{n}")
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_account_is_locked_from_another_address_too(editor, client):
    fail_five_times(client, ip="198.51.100.7")
    response = attempt(client, PASSWORD, ip="203.0.113.50")
    assert response.status_code == 429
    assert not signed_in(client)


def test_the_address_is_locked_for_other_accounts_too(editor, client, django_user_model):
    django_user_model.objects.create_superuser("other", "other@example.org", PASSWORD)
    for n in range(5):
        attempt(client, "wrong", username=f"guess-{n}")
    response = attempt(client, PASSWORD, username="other")
    assert response.status_code == 429
    assert not signed_in(client)


def test_the_lock_is_released_after_the_cool_off(editor, client):
    fail_five_times(client)
    assert attempt(client, PASSWORD).status_code == 429
    # Sixteen minutes later (the stored attempts, moved back in time).
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_editors_can_be_unlocked_from_the_command_line(editor, client):
    fail_five_times(client)
    call_command("axes_reset_username", "editor", stdout=io.StringIO())
    call_command("axes_reset_ip", "198.51.100.7", stdout=io.StringIO())
    response = attempt(client, PASSWORD)
    assert response.status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_lock_without_a_trusted_header(editor, client):
    for n in range(5):
        attempt(client, "wrong", username=f"guess-{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = attempt(client, "wrong", username="guess-9", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


def test_password_reset_requests_are_throttled(editor, client):
    statuses = [
        client.post(RESET, {"email": "editor@example.org"}, REMOTE_ADDR="198.51.100.7").status_code
        for _ in range(7)
    ]
    assert statuses[:4] == [302] * 4  # "check your e-mail"
    assert statuses[4:] == [429, 429, 429]
    assert len(mail.outbox) <= 5
    # The address that flooded reset e-mails cannot switch to guessing passwords.
    assert attempt(client, PASSWORD).status_code == 429


def test_password_reset_form_still_shows(client, db):
    response = client.get(RESET)
    assert response.status_code == 200
    assert b'name="email"' in response.content


def test_django_admin_is_gone(client, db):
    assert client.get("/django-admin/").status_code == 404
    assert client.post("/django-admin/login/", {"username": "x"}).status_code == 404


XFF = "HTTP_X_FORWARDED_FOR"


@pytest.mark.parametrize(
    "header, count, meta, expected",
    [
        ("", 1, {XFF: "203.0.113.9"}, "192.0.2.1"),
        (XFF, 1, {XFF: "203.0.113.9"}, "203.0.113.9"),
        # The client wrote the left entry; the proxy appended the address it saw.
        (XFF, 1, {XFF: "1.2.3.4, 203.0.113.9"}, "203.0.113.9"),
        # CDN then nginx: the CDN's entry is the second from the right.
        (XFF, 2, {XFF: "1.2.3.4, 203.0.113.9, 198.51.100.1"}, "203.0.113.9"),
        (XFF, 1, {XFF: "not-an-ip"}, "192.0.2.1"),
        (XFF, 3, {XFF: "203.0.113.9"}, "192.0.2.1"),
        (XFF, 1, {}, "192.0.2.1"),
        ("HTTP_X_REAL_IP", 1, {"HTTP_X_REAL_IP": "2001:db8::1"}, "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_header(header, count, meta, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", **meta)
    with override_settings(TRUSTED_PROXY_IP_HEADER=header, TRUSTED_PROXY_COUNT=count):
        assert client_ip(request) == expected
