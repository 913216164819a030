"""Forms for organisations, members and tokens."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.core.concurrency import VersionedForm
from governance.tenancy.models import ApiToken
from governance.tenancy.roles import INVITABLE_ROLES, Role


class OrganizationForm(VersionedForm):
    name = forms.CharField(label=_("Organisation name"), max_length=200)


class TwoFactorRequirementForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor sign-in for every member"),
        required=False,
        help_text=_(
            "Members without it are sent to set it up when they open this organisation. "
            "API tokens are not affected."
        ),
    )


def _offer_roles(field, roles, current=None):
    """Offer only `roles` (what the acting member may grant), plus the role held now."""
    offered = [r for r in INVITABLE_ROLES if r in roles or r == current]
    field.choices = [(r.value, r.label) for r in offered]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in INVITABLE_ROLES],
        initial=Role.CONTRIBUTOR,
    )
    access_days = forms.IntegerField(
        label=_("Auditor access (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("Auditors only: access ends this many days after they accept."),
    )

    def __init__(self, *args, roles=INVITABLE_ROLES, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_roles(self.fields["role"], roles)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.AUDITOR and not cleaned.get("access_days"):
            self.add_error(
                "access_days", _("Auditor access is time-limited: give a number of days.")
            )
        return cleaned


class RoleForm(VersionedForm):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    access_expires_on = forms.DateField(
        label=_("Access ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Auditors only: the last day of access."),
    )

    def __init__(self, *args, roles=INVITABLE_ROLES, current_role=None, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_roles(self.fields["role"], roles, current_role)

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("access_expires_on")
        if cleaned.get("role") == Role.AUDITOR:
            if not day:
                self.add_error(
                    "access_expires_on", _("Auditor access is time-limited: pick the last day.")
                )
            elif day < timezone.localdate():
                self.add_error("access_expires_on", _("Pick today or a later day."))
        return cleaned

    @property
    def access_expires_at(self):
        day = self.cleaned_data.get("access_expires_on")
        if not day:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What uses it, e.g. 'MLflow model registry'."),
    )
    service_account = forms.CharField(
        label=_("Service account"),
        max_length=100,
        required=False,
        help_text=_("The account that acts with this token. Leave empty to use the token name."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that does not expire (not recommended)."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day and day <= timezone.localdate():
            raise forms.ValidationError(_("Pick a day after today."))
        return day

    @property
    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        return timezone.make_aware(datetime.combine(day, time.max)) if day else None
