"""Sign-in and reset throttling: per account and per real client address, never a lock-out
of everyone behind one address, on every sign-in and reset form."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from governance.accounts.throttle import client_address

LOGIN = "/accounts/login/"
OFFICE = "198.51.100.7"


@pytest.fixture
def limits(settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_ADDRESS_LIMIT = 6
    return settings


def sign_in(client, email, password, address=OFFICE, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=address, **extra)


def test_many_failures_from_one_address_never_block_a_correct_password(
    world, client, password, limits
):
    # Twenty colleagues behind the office's proxy mistype their passwords.
    for n in range(20):
        sign_in(client, f"colleague{n}@acme.test", "wrong")
    refused = sign_in(client, "someone@acme.test", "wrong")
    assert refused.status_code == 429
    assert "from your network" in refused.content.decode()
    response = sign_in(client, "alice@acme.test", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_twenty_failures_behind_the_proxy_leave_everyone_else_signing_in(world, client, password):
    """The finding, with the default settings: 20 failures from one address locked everyone."""
    for n in range(20):
        sign_in(client, f"colleague{n}@acme.test", "wrong")
    assert sign_in(client, "bob@acme.test", password).status_code == 302
    client.post("/accounts/logout/")
    assert sign_in(client, "alice@acme.test", password).status_code == 302


def test_an_account_locks_after_its_own_failures_from_any_address(world, client, password, limits):
    for n in range(3):
        sign_in(client, "alice@acme.test", "wrong", address=f"203.0.113.{n + 1}")
    response = sign_in(client, "alice@acme.test", password, address="192.0.2.200")
    assert response.status_code == 429
    assert "for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Only that account: bob at the same address signs in.
    assert sign_in(client, "bob@acme.test", password, address="203.0.113.1").status_code == 302


def test_a_wrong_password_answers_a_plain_error_until_the_address_limit(world, client, limits):
    response = sign_in(client, "nobody@acme.test", "wrong")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_a_spoofed_forwarded_for_header_is_ignored_without_trusted_hops(world, client, limits):
    for n in range(6):
        sign_in(client, f"x{n}@acme.test", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    response = sign_in(client, "y@acme.test", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_apart(world, client, limits):
    limits.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.2"
    for n in range(6):
        sign_in(client, f"x{n}@acme.test", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    assert (
        sign_in(
            client, "y@acme.test", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=OFFICE
        ).status_code
        == 429
    )
    other = sign_in(client, "z@acme.test", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("hops", "remote", "header", "expected"),
    [
        (0, "10.0.0.2", "203.0.113.5", "10.0.0.2"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "10.0.0.3", "203.0.113.5", "10.0.0.3"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        (0, "::ffff:192.0.2.1", "", "192.0.2.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_hops(
    settings, hops, remote, header, expected
):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_address(request) == expected


def test_the_admin_sign_in_is_the_throttled_sign_in(world, client, password, limits):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    # Posting passwords to the admin form checks nothing.
    response = client.post("/admin/login/", {"username": "alice@acme.test", "password": password})
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_the_admin_refuses_a_signed_in_person_who_is_not_staff(world, client):
    client.force_login(world.alice)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_a_staff_member_reaches_the_admin_through_the_sign_in(world, client, password):
    world.alice.is_staff = True
    world.alice.save(update_fields=["is_staff"])
    response = sign_in(client, "alice@acme.test", password, HTTP_HOST="testserver")
    client.post(LOGIN + "?next=/admin/", {"email": "alice@acme.test", "password": password})
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert response.status_code == 302


def test_password_reset_requests_are_limited_per_email(world, client, limits):
    url = reverse("accounts:password-reset")
    for _ in range(3):
        assert client.post(url, {"email": "alice@acme.test"}).status_code == 302
    response = client.post(url, {"email": "alice@acme.test"})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_address(world, client, limits):
    url = reverse("accounts:password-reset")
    for n in range(6):
        client.post(url, {"email": f"p{n}@acme.test"}, REMOTE_ADDR=OFFICE)
    response = client.post(url, {"email": "alice@acme.test"}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 429 and len(mail.outbox) == 0


def _reset_link(client, email):
    client.post(reverse("accounts:password-reset"), {"email": email})
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", body).group(1)


def test_guessing_reset_links_is_refused_but_a_real_link_still_works(world, client, limits):
    link = _reset_link(client, "alice@acme.test")
    for n in range(6):
        response = client.get(f"/accounts/password/reset/MQ/guess-{n}/", REMOTE_ADDR=OFFICE)
        assert response.status_code == 200
    response = client.get("/accounts/password/reset/MQ/guess-x/", REMOTE_ADDR=OFFICE)
    assert response.status_code == 429
    assert "Too many invalid reset links" in response.content.decode()
    assert client.get(link, REMOTE_ADDR=OFFICE).status_code == 302


def test_a_password_reset_unlocks_a_locked_account(world, client, limits):
    for _ in range(3):
        sign_in(client, "alice@acme.test", "wrong")
    assert sign_in(client, "alice@acme.test", "anything").status_code == 429
    link = _reset_link(client, "alice@acme.test")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a much longer passphrase 42"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert sign_in(client, "alice@acme.test", new).status_code == 302


def test_operators_are_told_when_an_account_locks(world, client, limits, caplog):
    with caplog.at_level("WARNING", logger="annex.security"):
        for _ in range(3):
            sign_in(client, "alice@acme.test", "wrong")
    assert [r.getMessage() for r in caplog.records if "sign-in locked" in r.getMessage()]
    assert "alice@acme.test" not in caplog.text
