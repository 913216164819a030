"""Two-factor sign-in (TOTP, RFC 6238): enrolment, the sign-in step, replay, recovery codes,
turning it off, and the step's throttle."""

import hashlib
import re
import time

import pyotp
import pytest
from django.urls import reverse

from governance.accounts.models import RecoveryCode, TwoFactorDevice
from governance.accounts.views import PENDING
from tests.accounts.conftest import Authenticator

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/code/"
SETUP = "/accounts/two-factor/"


def password_step(client, user, password, next_url=""):
    data = {"email": user.email, "password": password, "next": next_url}
    return client.post(LOGIN, data)


def shown_codes(page: str) -> list[str]:
    block = re.search(r'<code id="recovery-codes"[^>]*>(.*?)</code>', page, re.S).group(1)
    return re.findall(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b", block)


def signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_enrolment_shows_a_qr_code_made_here_and_the_secret(world, client):
    client.force_login(world.alice)
    response = client.get(SETUP)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "<path" in page
    device = TwoFactorDevice.objects.get(user=world.alice)
    assert device.confirmed_at is None
    spaced = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    assert spaced in page
    # The same secret until it is confirmed: reloading does not invalidate the scan.
    client.get(SETUP)
    assert TwoFactorDevice.objects.get(user=world.alice).secret == device.secret


def test_enrolment_refuses_a_wrong_code(world, client):
    client.force_login(world.alice)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert TwoFactorDevice.objects.get(user=world.alice).confirmed_at is None


def test_enrolment_with_a_right_code_turns_it_on_and_shows_recovery_codes_once(world, client):
    client.force_login(world.alice)
    client.get(SETUP)
    app = Authenticator(TwoFactorDevice.objects.get(user=world.alice).secret)
    response = client.post(SETUP, {"code": app.code()})
    page = response.content.decode()
    codes = shown_codes(page)
    assert len(set(codes)) == 10
    assert TwoFactorDevice.objects.get(user=world.alice).confirmed_at is not None
    stored = list(RecoveryCode.objects.filter(user=world.alice).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)
    expected = hashlib.sha256(f"{world.alice.uuid}:{codes[0].replace('-', '')}".encode())
    assert expected.hexdigest() in stored
    # Shown once: the management page lists how many are left, never the codes.
    later = client.get(SETUP).content.decode()
    assert "10 recovery codes left" in later and codes[0] not in later


def test_sign_in_asks_for_the_code_before_the_session_is_signed_in(world, client, password, enrol):
    app, _ = enrol(world.alice)
    response = password_step(client, world.alice, password, next_url="/o/acme/members/")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not signed_in(client, world.alice)
    assert client.get("/o/acme/").status_code == 302  # still a visitor
    wrong = client.post(VERIFY, {"code": "123456"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert not signed_in(client, world.alice)
    response = client.post(VERIFY, {"code": app.code(steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == "/o/acme/members/"
    assert signed_in(client, world.alice)
    assert PENDING not in client.session


def test_a_code_cannot_be_used_twice(world, client, password, enrol):
    app, _ = enrol(world.alice)
    code = app.code(steps_ahead=1)
    password_step(client, world.alice, password)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, world.alice, password)
    replay = client.post(VERIFY, {"code": code})
    assert replay.status_code == 200 and not signed_in(client, world.alice)
    assert "used already" in replay.content.decode()


def test_the_code_used_to_enrol_cannot_sign_in(world, client, password):
    client.force_login(world.alice)
    client.get(SETUP)
    app = Authenticator(TwoFactorDevice.objects.get(user=world.alice).secret)
    code = app.code()
    client.post(SETUP, {"code": code})
    client.post("/accounts/logout/")
    password_step(client, world.alice, password)
    assert client.post(VERIFY, {"code": code}).status_code == 200
    assert not signed_in(client, world.alice)


def test_a_recovery_code_signs_in_once(world, client, password, enrol):
    _, codes = enrol(world.alice)
    password_step(client, world.alice, password)
    response = client.post(VERIFY, {"code": codes[3].upper()}, follow=True)
    assert signed_in(client, world.alice)
    assert "9 left" in response.content.decode()
    client.post("/accounts/logout/")
    password_step(client, world.alice, password)
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 200
    assert not signed_in(client, world.alice)


def test_the_second_step_expires(world, client, password, enrol, monkeypatch):
    app, _ = enrol(world.alice)
    password_step(client, world.alice, password)
    later = time.time() + 301
    monkeypatch.setattr("governance.accounts.views.time.time", lambda: later)
    response = client.post(VERIFY, {"code": app.code(steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not signed_in(client, world.alice)


def test_the_second_step_cannot_be_opened_without_the_password(world, client, enrol):
    app, _ = enrol(world.alice)
    response = client.post(VERIFY, {"code": app.code(steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not signed_in(client, world.alice)


def test_wrong_codes_lock_the_account_not_the_session(world, client, password, enrol, settings):
    settings.LOGIN_RATE_LIMIT = 3
    app, _ = enrol(world.alice)
    password_step(client, world.alice, password)
    for _ in range(2):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    locked = client.post(VERIFY, {"code": "000000"})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts for this account" in locked.content.decode()
    # The right code no longer helps, nor does the password again.
    assert client.post(VERIFY, {"code": app.code(steps_ahead=1)}).status_code == 302
    assert not signed_in(client, world.alice)
    assert password_step(client, world.alice, password).status_code == 429


def test_turning_it_off_needs_the_password_or_a_code(world, client, password, enrol):
    app, _ = enrol(world.alice)
    client.force_login(world.alice)
    refused = client.post(reverse("accounts:two-factor-disable"), {"secret": "guess"})
    assert refused.status_code == 200
    assert "neither your password nor a current code" in refused.content.decode()
    assert TwoFactorDevice.objects.filter(user=world.alice).exists()
    response = client.post(reverse("accounts:two-factor-disable"), {"secret": password})
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=world.alice).exists()
    assert not RecoveryCode.objects.filter(user=world.alice).exists()


def test_turning_it_off_with_a_current_code(world, client, enrol):
    app, _ = enrol(world.alice)
    client.force_login(world.alice)
    client.post(reverse("accounts:two-factor-disable"), {"secret": app.code(steps_ahead=1)})
    assert not TwoFactorDevice.objects.filter(user=world.alice).exists()


def test_new_recovery_codes_cancel_the_old_ones(world, client, password, enrol):
    _, old = enrol(world.alice)
    client.force_login(world.alice)
    page = client.post(
        reverse("accounts:two-factor-recovery-codes"), {"secret": password}
    ).content.decode()
    new = shown_codes(page)
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/accounts/logout/")
    password_step(client, world.alice, password)
    assert client.post(VERIFY, {"code": old[0]}).status_code == 200
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "x" * 64])
def test_malformed_codes_are_refused_with_a_message(world, client, password, enrol, code):
    enrol(world.alice)
    password_step(client, world.alice, password)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not signed_in(client, world.alice)


def test_codes_follow_rfc_6238(world, enrol):
    """The app's codes are the standard TOTP of the stored secret (SHA-1, 6 digits, 30 s)."""
    enrol(world.alice)
    device = TwoFactorDevice.objects.get(user=world.alice)
    uri = pyotp.parse_uri(
        f"otpauth://totp/Annex:{world.alice.email}?secret={device.secret}&issuer=Annex"
    )
    assert uri.interval == 30 and uri.digits == 6
