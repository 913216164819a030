"""Signing in and out, the login rate limit, password reset."""

import re

from django.core import mail
from django.urls import reverse


def test_it_signs_in_with_email_and_password_and_lands_on_the_organization(world, client, password):
    response = client.post(
        reverse("accounts:login"), {"email": "ALICE@acme.test", "password": password}
    )
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == "/o/acme/"
    assert b"Acme" in response.content


def test_a_wrong_password_gets_a_clear_message_and_no_session(world, client):
    response = client.post(
        reverse("accounts:login"), {"email": "alice@acme.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_missing_fields_are_named_next_to_the_field(world, client):
    response = client.post(reverse("accounts:login"), {"email": "", "password": ""})
    form = response.context["form"]
    assert form.errors["email"] and form.errors["password"]


def test_login_attempts_are_rate_limited(world, client, password, settings):
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"email": "alice@acme.test", "password": "bad"})
    response = client.post(
        reverse("accounts:login"), {"email": "alice@acme.test", "password": password}
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(world, client):
    client.force_login(world.alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    assert client.get("/o/acme/").status_code == 302


def test_password_reset_by_email_sets_a_new_password(world, client):
    client.post(reverse("accounts:password-reset"), {"email": "alice@acme.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "a much longer passphrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.login(email="alice@acme.test", password=new)


def test_password_reset_for_an_unknown_email_reveals_nothing(world, client):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@x.test"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_a_page_needs_sign_in(world, client):
    response = client.get("/o/acme/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_organization_slug_is_404(world, client):
    client.force_login(world.alice)
    assert client.get("/o/no-such-org/").status_code == 404


def test_an_expired_auditor_loses_access(world, client):
    from datetime import timedelta

    from django.utils import timezone
    from django_scopes import scopes_disabled

    with scopes_disabled():
        world.bob_membership.access_expires_at = timezone.now() - timedelta(minutes=1)
        world.bob_membership.save()
    client.force_login(world.bob)
    assert client.get("/o/acme/").status_code == 404


def test_home_offers_to_create_an_organization_to_someone_without_one(db, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert b"not in an organisation yet" in response.content
    response = client.post(reverse("organization-create"), {"name": "Initech"}, follow=True)
    assert response.redirect_chain[-1][0] == "/o/initech/members/"
