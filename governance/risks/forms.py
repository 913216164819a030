"""Forms of the risk register and incidents: bind and shape input; the services validate."""

from django import forms

from governance.core.concurrency import VersionedForm
from governance.register.selectors import systems_of

from .models import HarmDomain, IncidentKind, IncidentStatus, RiskStatus, Treatment
from .selectors import link_choices

LINK_FIELDS = ("controls", "evidence", "actions")
SCALE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


def _members(organization):
    from governance.accounts.models import User

    return User.objects.filter(memberships__organization=organization).order_by("email")


class _ControlField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.title}"


def _links_field(label, help_text, field=forms.ModelMultipleChoiceField, **kwargs):
    return field(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
        **kwargs,
    )


class RiskForm(VersionedForm):
    system = forms.ModelChoiceField(queryset=None, to_field_name="uuid", label="AI system")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Hazard / event")
    harm_domain = forms.ChoiceField(choices=HarmDomain.choices)
    affected_persons = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Affected persons"
    )
    # Typed fields, not choices: a value outside 1-5 is refused by the service with its message.
    likelihood = forms.IntegerField(help_text="1 (rare) to 5 (almost certain).")
    impact = forms.IntegerField(help_text="1 (negligible) to 5 (severe).")
    treatment = forms.ChoiceField(choices=[("", "Not decided")] + Treatment.choices, required=False)
    treatment_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Measures"
    )
    residual_likelihood = forms.IntegerField(required=False, label="Residual likelihood")
    residual_impact = forms.IntegerField(required=False, label="Residual impact")
    owner = forms.ModelChoiceField(queryset=None, required=False)
    accepted_by = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Acceptance approved by",
        help_text="Needed to accept a high residual risk: someone other than the owner.",
    )
    review_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=RiskStatus.choices, initial=RiskStatus.OPEN)
    controls = _links_field(
        "Linked controls",
        "ISO/IEC 42001 Annex A controls that treat this risk.",
        field=_ControlField,
    )
    evidence = _links_field(
        "Linked evidence", "Evidence that the treatment works.", to_field_name="uuid"
    )
    actions = _links_field(
        "Linked remediation actions", "Actions that carry out the treatment.", to_field_name="uuid"
    )

    def __init__(self, *args, organization, risk=None, system=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems_of(organization).order_by("name")
        for name in ("owner", "accepted_by"):
            self.fields[name].queryset = _members(organization)
        for name, queryset in link_choices(organization, risk=risk, system=system).items():
            self.fields[name].queryset = queryset

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "row_version"}


class IncidentForm(VersionedForm):
    system = forms.ModelChoiceField(queryset=None, to_field_name="uuid", label="AI system")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What happened")
    kind = forms.ChoiceField(choices=IncidentKind.choices, label="Kind")
    other_kinds = forms.MultipleChoiceField(
        choices=IncidentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Other kinds that also apply",
        help_text="The earliest deadline of all kinds applies (Art. 73).",
    )
    aware_at = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Became aware on"
    )
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    corrective_action = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(choices=IncidentStatus.choices, initial=IncidentStatus.OPEN)
    report_sent_at = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Report sent on"
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems_of(organization).order_by("name")

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "row_version"}


RISK_INITIAL_FIELDS = list(RiskForm.base_fields)
INCIDENT_INITIAL_FIELDS = list(IncidentForm.base_fields)


def risk_initial(risk) -> dict:
    out = {
        f: getattr(risk, f)
        for f in RiskForm.base_fields
        if f not in ("row_version", "system", "owner", "accepted_by", *LINK_FIELDS)
    }
    out["system"] = risk.system.uuid
    out["controls"] = [c.pk for c in risk.controls.all()]
    out["evidence"] = [e.uuid for e in risk.evidence.all()]
    out["actions"] = [a.uuid for a in risk.actions.all()]
    out["owner"] = risk.owner_id
    out["accepted_by"] = risk.accepted_by_id
    return out


def incident_initial(incident) -> dict:
    out = {
        f: getattr(incident, f)
        for f in IncidentForm.base_fields
        if f not in ("row_version", "system")
    }
    out["system"] = incident.system.uuid
    return out
