"""Forms for signing in and managing one's account."""

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from governance.accounts import ratelimit
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
        client = ratelimit.client_address(self.request)
        if ratelimit.is_locked(email, client):
            raise forms.ValidationError(
                _("Too many failed sign-in attempts. Wait 15 minutes, or reset your password."),
                code="rate_limited",
            )
        user = authenticate(self.request, email=email, password=password)
        if user is None or user.is_service_account:
            ratelimit.record_failure(email, client)
            raise forms.ValidationError(
                _("That email and password do not match an account. Check both and try again."),
                code="invalid_login",
            )
        ratelimit.reset(email, client)
        self.user = user
        return cleaned


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
