"""Pages to turn two-factor sign-in on and off and to renew the recovery codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from governance.accounts import throttle
from governance.accounts.forms import ReauthenticateForm, TwoFactorCodeForm
from governance.accounts.two_factor import (
    confirm_two_factor,
    disable_two_factor,
    has_two_factor,
    pending_device,
    provisioning_uri,
    qr_code_svg,
    regenerate_recovery_codes,
    remaining_recovery_codes,
    verify_second_factor,
)
from governance.accounts.views import safe_next


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _show_codes(request, codes, next_url=""):
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url})


@never_cache
@login_required
def two_factor_setup(request):
    """Show the state, or the QR code and secret to scan and a first code to confirm."""
    next_url = safe_next(request)
    if has_two_factor(request.user):
        context = {
            "remaining": remaining_recovery_codes(request.user),
            "reauth_form": ReauthenticateForm(),
        }
        return render(request, "accounts/two_factor_manage.html", context)
    device = pending_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6 digits your authenticator app shows now."
    if request.method == "POST" and form.is_valid():
        try:
            codes = confirm_two_factor(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            for message in exc.message_dict.get("code", exc.messages):
                form.add_error("code", message)
        else:
            messages.success(request, "Two-factor sign-in is on.")
            return _show_codes(request, codes, next_url)
    uri = provisioning_uri(device)
    context = {
        "form": form,
        "qr_svg": qr_code_svg(uri),
        "secret": _grouped(device.secret),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _reauthenticated(request, form) -> bool:
    """Check the password or a current code; failures count like failed sign-ins."""
    user = request.user
    if throttle.account_locked(user.email):
        form.add_error(None, throttle.ACCOUNT_LOCKED)
        return False
    secret = form.cleaned_data["secret"]
    if user.check_password(secret) or verify_second_factor(user=user, code=secret) == "totp":
        return True
    throttle.record_failure(request, user.email)
    form.add_error("secret", "That is neither your password nor a current code.")
    return False


def _manage_page(request, form, status):
    context = {"remaining": remaining_recovery_codes(request.user), "reauth_form": form}
    return render(request, "accounts/two_factor_manage.html", context, status=status)


@never_cache
@login_required
@require_POST
def two_factor_disable(request):
    if not has_two_factor(request.user):
        return redirect("accounts:two-factor-setup")
    form = ReauthenticateForm(request.POST)
    if form.is_valid() and _reauthenticated(request, form):
        disable_two_factor(user=request.user)
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("accounts:account")
    status = 429 if throttle.account_locked(request.user.email) else 200
    return _manage_page(request, form, status)


@never_cache
@login_required
@require_POST
def two_factor_recovery_codes(request):
    if not has_two_factor(request.user):
        return redirect("accounts:two-factor-setup")
    form = ReauthenticateForm(request.POST)
    if form.is_valid() and _reauthenticated(request, form):
        return _show_codes(request, regenerate_recovery_codes(user=request.user))
    status = 429 if throttle.account_locked(request.user.email) else 200
    return _manage_page(request, form, status)
