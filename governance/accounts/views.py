"""Sign in (password, then the second factor), sign out, password reset, one's own account."""

import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from governance.accounts import throttle
from governance.accounts.forms import AccountForm, LoginForm, TwoFactorCodeForm
from governance.accounts.models import User
from governance.accounts.two_factor import (
    has_two_factor,
    remaining_recovery_codes,
    verify_second_factor,
)
from governance.tenancy.selectors import memberships_for_user

BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING = "annex_two_factor_pending"
# The password step stays good for this long while the person finds their phone.
PENDING_SECONDS = 300


def safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return next_url


def _complete_sign_in(request, user, next_url: str):
    request.session.pop(PENDING, None)
    login(request, user, backend=BACKEND)
    throttle.clear_account(user.email)
    return redirect(next_url or "home")


@never_cache
@csrf_protect
def login_view(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = LoginForm(request, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not has_two_factor(form.user):
                return _complete_sign_in(request, form.user, next_url)
            # Password proved: not signed in yet, the second step still has to pass.
            request.session.cycle_key()
            request.session[PENDING] = {
                "user": form.user.pk,
                "at": int(time.time()),
                "next": next_url,
            }
            return redirect("accounts:two-factor-verify")
        status = 429 if form.has_error("__all__", "rate_limited") else 200
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, ""
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("next", "")


@never_cache
@csrf_protect
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    user, next_url = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, "Sign in again: the sign-in took too long or was not started.")
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if throttle.account_locked(user.email):
        request.session.pop(PENDING, None)
        form.add_error(None, throttle.ACCOUNT_LOCKED)
        return render(request, "accounts/two_factor_verify.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        used = verify_second_factor(user=user, code=form.cleaned_data["code"])
        if used:
            if used == "recovery":
                messages.warning(
                    request,
                    f"You used a recovery code: {remaining_recovery_codes(user)} left. "
                    "Make new ones under Two-factor sign-in.",
                )
            return _complete_sign_in(request, user, next_url)
        throttle.record_failure(request, user.email)
        if throttle.account_locked(user.email):
            request.session.pop(PENDING, None)
            form.add_error(None, throttle.ACCOUNT_LOCKED)
            status = 429
        elif throttle.address_limited(request):
            form.add_error(None, throttle.ADDRESS_LIMITED)
            status = 429
        else:
            form.add_error(
                "code",
                "That code is not right, or it was used already. Wait for the next code "
                "from your app, or use a recovery code.",
            )
    return render(request, "accounts/two_factor_verify.html", {"form": form}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@login_required
def account_view(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "memberships": memberships_for_user(request.user),
            "two_factor_on": has_two_factor(request.user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        if throttle.reset_request_refused(self.request, form.cleaned_data["email"]):
            form.add_error(None, throttle.RESET_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def dispatch(self, *args, **kwargs):
        limited = throttle.address_limited(self.request)
        response = super().dispatch(*args, **kwargs)
        # A valid link is either the form (validlink) or the redirect that hides the token.
        if getattr(self, "validlink", False) or response.status_code == 302:
            return response
        # Guessing links: count it, and refuse once the address is over its limit.
        throttle.record_address_failure(self.request)
        if limited:
            context = self.get_context_data(throttled=throttle.LINK_LIMITED)
            return self.render_to_response(context, status=429)
        return response

    def form_valid(self, form):
        # Proving control of the mailbox unlocks an account that others locked by guessing.
        throttle.clear_account(form.user.email)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)
