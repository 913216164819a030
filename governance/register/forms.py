"""Forms of the register. They validate input and hand a plain data dict to the services."""

import math

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.core.concurrency import VersionedForm
from governance.register import selectors
from governance.register.models import (
    AffectedPersons,
    AIModel,
    AISystem,
    DeploymentContext,
    LifecycleStage,
    OperatorRole,
)
from governance.register.services import MODEL_FIELDS, SYSTEM_FIELDS, VENDOR_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# A yes/no fact that may not be known yet: "Not stated" keeps it null.
class TristateSelect(forms.NullBooleanSelect):
    """Yes, No or Not stated (null), for facts that may not be known yet."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Not stated")), ("true", _("Yes")), ("false", _("No"))]


TRISTATE_WIDGET = TristateSelect()
MAX_TAGS = 30


def split_list(text: str, *, separators: str = ",;") -> list[str]:
    """Split "a, b; c" into ["a", "b", "c"], dropping blanks and repeats (first spelling wins)."""
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    seen, out = set(), []
    for item in (part.strip() for part in text.split(separators[0])):
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def _help(model, field: str):
    return model._meta.get_field(field).help_text


def form_sections(form) -> list[tuple[str, list[list]]]:
    """Return [(title, [[bound field, …] per row])] from the form's SECTIONS, for fieldsets."""
    return [
        (title, [[form[n] for n in (row if isinstance(row, tuple) else (row,))] for row in rows])
        for title, rows in form.SECTIONS
    ]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class ModelsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} · {obj.provider}" if obj.provider else str(obj)


class SystemForm(VersionedForm):
    """Add or edit an AI system; the choices offered are the organisation's own records."""

    # Basics
    name = forms.CharField(label=_("Name"), max_length=200)
    reference = forms.CharField(
        label=_("Reference"), max_length=60, required=False, help_text=_help(AISystem, "reference")
    )
    intended_purpose = forms.CharField(
        label=_("Intended purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_help(AISystem, "intended_purpose"),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How it works, who uses it, where it runs."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_("Separate tags with commas, e.g. HR, pilot, customer data."),
    )
    # Role and lifecycle
    operator_role = forms.ChoiceField(
        label=_("Your organisation's role"),
        choices=OperatorRole.choices,
        initial=OperatorRole.DEPLOYER,
        help_text=_(
            "Provider: you develop it, or place it on the market under your name "
            "(Art. 3(3)). Deployer: you use it (Art. 3(4))."
        ),
    )
    lifecycle_stage = forms.ChoiceField(
        label=_("Lifecycle stage"), choices=LifecycleStage.choices, initial=LifecycleStage.PLANNED
    )
    # Blank is "Not stated": only what the user chooses is stored as a fact.
    deployment_context = forms.ChoiceField(
        label=_("Deployment context"),
        choices=[("", _("Not stated")), *DeploymentContext.choices],
        required=False,
        initial="",
    )
    vendor = forms.ModelChoiceField(
        label=_("Vendor"),
        queryset=AISystem.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("None (built in-house)"),
    )
    ai_models = ModelsChoiceField(
        label=_("Models used"),
        queryset=AIModel.objects.none(),
        required=False,
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )
    business_owner = OwnerChoiceField(
        label=_("Business owner"),
        queryset=AISystem.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("Not assigned"),
        help_text=_("Accountable for the system's use."),
    )
    technical_owner = OwnerChoiceField(
        label=_("Technical owner"),
        queryset=AISystem.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("Not assigned"),
        help_text=_("Runs and maintains it."),
    )
    # Data and people
    # Yes, No or Not stated: "Not stated" is missing information, never "No".
    processes_personal_data = forms.NullBooleanField(
        label=_("Processes personal data"), required=False, widget=TRISTATE_WIDGET
    )
    processes_biometric_data = forms.NullBooleanField(
        label=_("Processes biometric data"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_("Faces, voices, fingerprints, gait… (Art. 3(34))."),
    )
    processes_special_categories = forms.NullBooleanField(
        label=_("Processes special categories of personal data"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_help(AISystem, "processes_special_categories"),
    )
    affected_persons = forms.MultipleChoiceField(
        label=_("Affected persons"),
        choices=AffectedPersons.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    human_oversight = forms.CharField(
        label=_("Human oversight"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_help(AISystem, "human_oversight"),
    )
    # Dates and registration
    placed_on_market_on = forms.DateField(
        label=_("Placed on the market on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("First made available on the EU market (Art. 3(9))."),
    )
    put_into_service_on = forms.DateField(
        label=_("Put into service on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("First used for its intended purpose in the EU (Art. 3(11))."),
    )
    significantly_changed_on = forms.DateField(
        label=_("Significantly changed in design on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_help(AISystem, "significantly_changed_on")
        + " "
        + _(
            "A system on the market before its high-risk duties apply is caught by them only "
            "after such a change."
        ),
    )
    intended_for_public_authorities = forms.NullBooleanField(
        label=_("Intended for use by public authorities"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_(
            "Such a high-risk system already on the market complies by 2 August 2030 (Art. 111(2))."
        ),
    )
    annex_x_component = forms.NullBooleanField(
        label=_("Component of an Annex X large-scale EU IT system"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_help(AISystem, "annex_x_component"),
    )
    eu_database_id = forms.CharField(
        label=_("EU database registration id"),
        max_length=100,
        required=False,
        help_text=_help(AISystem, "eu_database_id"),
    )
    # Public register and transparency (NL publication standard, UK ATRS)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_help(AISystem, "legal_basis"),
    )
    legal_basis_url = forms.URLField(
        label=_("Link to the legal basis"), required=False, max_length=500, assume_scheme="https"
    )
    public_page_url = forms.URLField(
        label=_("Public page"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_help(AISystem, "public_page_url"),
    )
    source_code_url = forms.URLField(
        label=_("Source code"), required=False, max_length=500, assume_scheme="https"
    )
    processing_register_url = forms.URLField(
        label=_("Record of processing activities"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_help(AISystem, "processing_register_url"),
    )
    contact_point = forms.CharField(
        label=_("Contact point"),
        required=False,
        max_length=254,
        help_text=_help(AISystem, "contact_point"),
    )
    published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_help(AISystem, "published_on"),
    )
    ended_on = forms.DateField(
        label=_("Use ended on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_help(AISystem, "ended_on"),
    )
    dpia_done = forms.NullBooleanField(
        label=_("Data protection impact assessment done"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_("GDPR Art. 35."),
    )
    fria_done = forms.NullBooleanField(
        label=_("Fundamental rights impact assessment done"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_("Art. 27."),
    )

    # (title, rows): a row is a field name, or a tuple of names shown side by side.
    SECTIONS = [
        (_("Basics"), [("name", "reference"), "intended_purpose", "description", "tags"]),
        (
            _("Role and lifecycle"),
            [
                ("operator_role", "lifecycle_stage", "deployment_context"),
                "vendor",
                "ai_models",
                ("business_owner", "technical_owner"),
            ],
        ),
        (
            _("Data and people"),
            [
                "processes_personal_data",
                "processes_biometric_data",
                "processes_special_categories",
                "affected_persons",
                "human_oversight",
            ],
        ),
        (
            _("Dates and registration"),
            [
                ("placed_on_market_on", "put_into_service_on"),
                "significantly_changed_on",
                ("intended_for_public_authorities", "annex_x_component"),
                "eu_database_id",
            ],
        ),
        (
            _("Public register and transparency"),
            [
                "legal_basis",
                "legal_basis_url",
                ("public_page_url", "source_code_url"),
                ("processing_register_url", "contact_point"),
                ("published_on", "ended_on"),
                ("dpia_done", "fria_done"),
            ],
        ),
    ]

    def __init__(self, *args, organization, system: AISystem | None = None, **kwargs):
        if system is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(system)
        if system is not None:
            kwargs["row_version"] = system.row_version
        super().__init__(*args, **kwargs)
        current_vendor = system.vendor_id if system else None
        # Archived records stay selectable where they are already in use, so an edit keeps them.
        self.fields["vendor"].queryset = selectors.vendors_of(
            organization, include_archived=True
        ).filter(Q(archived_at=None) | Q(pk=current_vendor))
        current_models = list(system.ai_models.values_list("pk", flat=True)) if system else []
        self.fields["ai_models"].queryset = selectors.models_of(
            organization, include_archived=True
        ).filter(Q(archived_at=None) | Q(pk__in=current_models))
        owners = selectors.owner_choices(organization)
        self.fields["business_owner"].queryset = owners
        self.fields["technical_owner"].queryset = owners

    @staticmethod
    def initial_for(system: AISystem) -> dict:
        initial = {field: getattr(system, field) for field in SYSTEM_FIELDS}
        initial["vendor"] = system.vendor.uuid if system.vendor_id else None
        initial["business_owner"] = system.business_owner.uuid if system.business_owner_id else None
        initial["technical_owner"] = (
            system.technical_owner.uuid if system.technical_owner_id else None
        )
        initial["ai_models"] = [m.uuid for m in system.ai_models.all()]
        initial["tags"] = ", ".join(t.name for t in system.tags.all())
        return initial

    def sections(self):
        return form_sections(self)

    def clean_tags(self):
        tags = split_list(self.cleaned_data.get("tags", ""), separators=",")
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("Use at most %(n)s tags.") % {"n": MAX_TAGS})
        too_long = [t for t in tags if len(t) > 60]
        if too_long:
            raise forms.ValidationError(_("Keep each tag under 60 characters: %s") % too_long[0])
        return tags

    def clean_affected_persons(self):
        chosen = set(self.cleaned_data.get("affected_persons") or [])
        # The order of the choices, so an unchanged selection never reads as an edit.
        return [value for value in AffectedPersons.values if value in chosen]

    @property
    def data_for_service(self) -> dict:
        return {field: self.cleaned_data[field] for field in SYSTEM_FIELDS}

    @property
    def ai_models_for_service(self) -> list:
        return list(self.cleaned_data["ai_models"])

    @property
    def tags_for_service(self) -> list[str]:
        return self.cleaned_data["tags"]


class EvaluationsField(forms.CharField):
    """Evaluations as lines of "metric | value | dataset | task" (dataset and task optional)."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "mono"})

    def prepare_value(self, value):
        if isinstance(value, list):
            lines = []
            for item in value:
                parts = [
                    str(item.get(k, "") if item.get(k) is not None else "")
                    for k in ("metric", "value", "dataset", "task")
                ]
                while parts and not parts[-1]:
                    parts.pop()
                lines.append(" | ".join(parts))
            return "\n".join(lines)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        evaluations = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > 4 or not parts[0] or len(parts) < 2 or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(n)s: write “metric | value | dataset | task”."), params={"n": number}
                )
            parts += [""] * (4 - len(parts))
            metric, raw, dataset, task = parts
            try:
                number_value = float(raw)
                score = number_value if math.isfinite(number_value) else raw
            except ValueError:
                score = raw[:100]
            evaluations.append({"task": task, "dataset": dataset, "metric": metric, "value": score})
        return evaluations


class AIModelForm(VersionedForm):
    """Add or edit an AI model."""

    name = forms.CharField(label=_("Name"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=100, required=False)
    provider = forms.CharField(
        label=_("Provider"),
        max_length=200,
        required=False,
        help_text=_("Who built the model, as named on its model card."),
    )
    vendor = forms.ModelChoiceField(
        label=_("Vendor"),
        queryset=AIModel.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("None"),
        help_text=_("The vendor you obtain it from, if any."),
    )
    model_type = forms.ChoiceField(
        label=_("Type"), choices=AIModel.ModelType.choices, initial=AIModel.ModelType.OTHER
    )
    licence = forms.CharField(label=_("Licence"), max_length=100, required=False)
    is_general_purpose = forms.NullBooleanField(
        label=_("General-purpose AI model"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_("Competently performs a wide range of distinct tasks (Art. 3(63))."),
    )
    training_compute_flops = forms.FloatField(
        label=_("Training compute (FLOP)"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "e.g. 3e25"}),
        help_text=_(
            "Above 10^25 FLOP a general-purpose model is presumed to have systemic "
            "risk (Art. 51(2))."
        ),
    )
    is_open_source = forms.NullBooleanField(
        label=_("Released under a free and open-source licence"),
        required=False,
        widget=TRISTATE_WIDGET,
        help_text=_("Weights and architecture public (Art. 53(2))."),
    )
    placed_on_market_on = forms.DateField(
        label=_("Placed on the market on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_help(AIModel, "placed_on_market_on"),
    )
    base_model = forms.CharField(
        label=_("Base model"),
        max_length=200,
        required=False,
        help_text=_("The model it was fine-tuned from, if any."),
    )
    languages = forms.CharField(
        label=_("Languages"),
        max_length=1000,
        required=False,
        help_text=_("Comma-separated, e.g. en, de, fr."),
    )
    intended_use = forms.CharField(
        label=_("Intended use"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    limitations = forms.CharField(
        label=_("Limitations and known risks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    training_data = forms.CharField(
        label=_("Training data"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evaluations = EvaluationsField(
        label=_("Evaluations"),
        required=False,
        help_text=_(
            "One result per line: metric | value | dataset | task, "
            "e.g. “AUC | 0.91 | 2024 hold-out”."
        ),
    )

    SECTIONS = [
        (
            _("Identity"),
            [
                ("name", "version"),
                ("provider", "vendor"),
                ("model_type", "licence"),
                ("base_model", "languages"),
            ],
        ),
        (
            _("General-purpose AI"),
            [
                "is_general_purpose",
                "training_compute_flops",
                "is_open_source",
                "placed_on_market_on",
            ],
        ),
        (_("Model card"), ["intended_use", "limitations", "training_data", "evaluations"]),
    ]

    def __init__(self, *args, organization, model: AIModel | None = None, **kwargs):
        if model is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(model)
        if model is not None:
            kwargs["row_version"] = model.row_version
        super().__init__(*args, **kwargs)
        current = model.vendor_id if model else None
        self.fields["vendor"].queryset = selectors.vendors_of(
            organization, include_archived=True
        ).filter(Q(archived_at=None) | Q(pk=current))

    @staticmethod
    def initial_for(model: AIModel) -> dict:
        initial = {field: getattr(model, field) for field in MODEL_FIELDS}
        initial["vendor"] = model.vendor.uuid if model.vendor_id else None
        initial["languages"] = ", ".join(model.languages or [])
        return initial

    def sections(self):
        return form_sections(self)

    def clean_languages(self):
        return split_list(self.cleaned_data.get("languages", ""))

    @property
    def data_for_service(self) -> dict:
        return {field: self.cleaned_data[field] for field in MODEL_FIELDS}


class VendorForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        help_text=_("Where to ask for instructions for use, declarations and model cards."),
    )
    country = forms.CharField(label=_("Country"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, vendor=None, **kwargs):
        if vendor is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(vendor)
        if vendor is not None:
            kwargs["row_version"] = vendor.row_version
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(vendor) -> dict:
        return {field: getattr(vendor, field) for field in VENDOR_FIELDS}

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    @property
    def data_for_service(self) -> dict:
        return {field: self.cleaned_data[field] for field in VENDOR_FIELDS}
