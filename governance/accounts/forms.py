"""Forms for signing in and managing one's account."""

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from governance.accounts import throttle
from governance.accounts.models import User


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        password = cleaned.get("password")
        if not email or not password:
            return cleaned
        if throttle.account_locked(email):
            raise forms.ValidationError(throttle.ACCOUNT_LOCKED, code="rate_limited")
        user = authenticate(self.request, email=email, password=password)
        if user is None or user.is_service_account:
            throttle.record_failure(self.request, email)
            if throttle.address_limited(self.request):
                raise forms.ValidationError(throttle.ADDRESS_LIMITED, code="rate_limited")
            raise forms.ValidationError(
                _("That email and password do not match an account. Check both and try again."),
                code="invalid_login",
            )
        # The account's failures are forgotten only once the sign-in is complete (after the
        # second factor), so a stolen password does not buy fresh guesses at the code.
        self.user = user
        return cleaned


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class ReauthenticateForm(forms.Form):
    secret = forms.CharField(
        label=_("A current code or your password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Prove it is you before changing two-factor sign-in."),
    )


class SignupFromInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common or all-numeric password."),
    )
    password2 = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_password2(self):
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        if p2:
            password_validation.validate_password(p2, User(email=self.email))
        return p2


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]
