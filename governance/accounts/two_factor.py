"""Two-factor sign-in: TOTP authenticators (RFC 6238) and single-use recovery codes.

A code is accepted for the current 30-second step or one step either side (clock drift), and
never twice: the device remembers the last step it accepted and a code of that step or an
earlier one is refused, claimed with a conditional update so two requests cannot both win.
"""

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from governance.accounts.models import RecoveryCode, TwoFactorDevice, User

STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_TOTP_CODE = re.compile(r"[0-9]{6}")
ISSUER = "Annex"


def has_two_factor(user: User) -> bool:
    """Return whether the person has a confirmed authenticator (cached on the user object)."""
    cached = getattr(user, "_annex_has_two_factor", None)
    if cached is None:
        cached = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
        user._annex_has_two_factor = cached
    return cached


def pending_device(user: User) -> TwoFactorDevice:
    """Return the person's authenticator being set up, creating its secret the first time."""
    device, _ = TwoFactorDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32(32)}
    )
    if device.is_confirmed:
        raise ValidationError("Two-factor sign-in is already on.", code="already_on")
    return device


def provisioning_uri(device: TwoFactorDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """Return the otpauth URI as an inline SVG QR code (made here: no network)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111827")


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")[:64].lower()


def _matching_step(secret: str, code: str) -> int | None:
    """Return the time step whose TOTP code equals the code (±1 step), else None."""
    if not _TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _hash_recovery_code(user: User, code: str) -> str:
    return hashlib.sha256(f"{user.uuid}:{_normalise(code)}".encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_hash_recovery_code(user, c)) for c in codes]
    )
    return codes


@transaction.atomic
def confirm_two_factor(*, user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; return the recovery codes."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.is_confirmed:
        raise ValidationError({"code": "Start again: open the set-up page to scan a new code."})
    step = _matching_step(device.secret, _normalise(code))
    if step is None:
        raise ValidationError(
            {"code": "That code does not match. Enter the 6 digits your app shows now."},
            code="invalid_code",
        )
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    user._annex_has_two_factor = True
    return _new_recovery_codes(user)


def verify_second_factor(*, user: User, code: str) -> str | None:
    """Check a sign-in code: return "totp" or "recovery" when accepted, None when refused.

    A TOTP code already used (or older than the last one used) is refused; a recovery code
    works once.
    """
    code = _normalise(code)
    device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None or not code:
        return None
    if _TOTP_CODE.fullmatch(code):
        step = _matching_step(device.secret, code)
        if step is None:
            return None
        claimed = (
            TwoFactorDevice.objects.filter(pk=device.pk)
            .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
            .update(last_used_step=step)
        )
        return "totp" if claimed else None
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_hash_recovery_code(user, code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return "recovery" if used else None


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Replace every recovery code with new ones (shown once)."""
    if not has_two_factor(user):
        raise ValidationError("Turn two-factor sign-in on first.")
    return _new_recovery_codes(user)


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def disable_two_factor(*, user: User) -> None:
    """Turn two-factor sign-in off: forget the authenticator and the recovery codes."""
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    user._annex_has_two_factor = False
