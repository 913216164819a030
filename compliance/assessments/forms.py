"""Forms of the assessment pages (the answers themselves are validated by the service)."""

from django import forms

from .models import ActionStatus, AssessmentKind

FRAMEWORK_CHOICES = [
    ("eu-ai-act", "EU AI Act: gap analysis of one AI system"),
    ("eu-ai-act-fria", "EU AI Act: fundamental rights impact assessment (Art. 27)"),
    ("iso-42001", "ISO/IEC 42001: the AI management system, with its Statement of Applicability"),
]


class AssessmentCreateForm(forms.Form):
    framework = forms.ChoiceField(
        label="What to assess", choices=FRAMEWORK_CHOICES, widget=forms.RadioSelect
    )
    system = forms.ChoiceField(
        label="AI system",
        required=False,
        help_text="For the EU AI Act: the items follow the system's latest classification.",
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=250,
        help_text="Leave empty for a title made from the framework and system.",
    )

    def __init__(self, *args, systems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [("", "Choose a system…")] + [
            (str(s.uuid), f"{s.name} ({s.get_risk_tier_display() or 'not classified'})")
            for s in systems
        ]

    def service_args(self) -> dict:
        choice = self.cleaned_data["framework"]
        kind = AssessmentKind.FRIA if choice == "eu-ai-act-fria" else AssessmentKind.GAP_ANALYSIS
        slug = "eu-ai-act" if choice.startswith("eu-ai-act") else choice
        return {"framework_slug": slug, "kind": kind, "title": self.cleaned_data["title"]}


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=250)
    description = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, required=False)
    responses = forms.MultipleChoiceField(
        label="Items it closes",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, members=(), responses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Nobody yet")] + [
            (str(m.user_id), m.user.full_name or m.user.email) for m in members
        ]
        self.fields["responses"].choices = [
            (str(r.uuid), f"{r.requirement.code} · {r.requirement.title[:80]}") for r in responses
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
