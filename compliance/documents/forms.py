"""Forms to request a document and to keep the organisation's legal details."""

from django import forms

from compliance.assessments.selectors import assessments_of
from compliance.documents.kinds import KINDS
from compliance.documents.models import OrganizationDetails, SystemDocumentFacts
from governance.register.selectors import models_of, systems_of
from governance.risks.selectors import incidents_of


class DocumentRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Document")
    system = forms.ModelChoiceField(
        queryset=None, required=False, label="AI system", to_field_name="uuid"
    )
    model = forms.ModelChoiceField(
        queryset=None, required=False, label="Model", to_field_name="uuid"
    )
    assessment = forms.ModelChoiceField(
        queryset=None, required=False, label="Assessment", to_field_name="uuid"
    )
    incident = forms.ModelChoiceField(
        queryset=None, required=False, label="Serious incident", to_field_name="uuid"
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in KINDS.values()]
        self.fields["system"].queryset = systems_of(organization).order_by("name")
        self.fields["model"].queryset = models_of(organization).order_by("name")
        self.fields["system"].help_text = "For system cards and registration data."
        self.fields["model"].help_text = "For model cards."
        self.fields["assessment"].queryset = assessments_of(organization).order_by("-created_at")
        self.fields[
            "assessment"
        ].help_text = "For reports: gap analysis, Statement of Applicability, FRIA."
        self.fields["incident"].queryset = incidents_of(organization).order_by("-aware_at")
        self.fields["incident"].help_text = "For the serious-incident report (Art. 73)."


class OrganizationDetailsForm(forms.ModelForm):
    row_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OrganizationDetails
        fields = [
            "legal_name",
            "address",
            "country",
            "contact_email",
            "contact_phone",
            "representative",
            "signatory_name",
            "signatory_function",
            "signing_place",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "representative": forms.Textarea(attrs={"rows": 3}),
        }


class SystemFactsForm(forms.ModelForm):
    row_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SystemDocumentFacts
        fields = [
            "harmonised_standards",
            "notified_body",
            "certificate",
            "member_states",
            "instructions_url",
        ]
        widgets = {"harmonised_standards": forms.Textarea(attrs={"rows": 4})}
