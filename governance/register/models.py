"""The AI system register: systems, the models they use, and vendors."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from governance.core.concurrency import lock_counter
from governance.core.validators import check_row
from governance.tenancy.models import Organization


class OperatorRole(models.TextChoices):
    """The organisation's role for a system under the EU AI Act (Art. 3(3)-(8))."""

    PROVIDER = "provider", _("Provider")
    DEPLOYER = "deployer", _("Deployer")
    IMPORTER = "importer", _("Importer")
    DISTRIBUTOR = "distributor", _("Distributor")
    AUTHORISED_REPRESENTATIVE = "authorised_representative", _("Authorised representative")
    PRODUCT_MANUFACTURER = "product_manufacturer", _("Product manufacturer")


class LifecycleStage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_DEVELOPMENT = "in_development", _("In development")
    TESTING = "testing", _("Testing / pilot")
    IN_PRODUCTION = "in_production", _("In production")
    RETIRED = "retired", _("Retired")


class DeploymentContext(models.TextChoices):
    INTERNAL = "internal", _("Internal use")
    CUSTOMER_FACING = "customer_facing", _("Customer-facing")
    PUBLIC_SERVICE = "public_service", _("Public service")
    EMBEDDED_PRODUCT = "embedded_product", _("Embedded in a product")
    SOLD_TO_OTHERS = "sold_to_others", _("Supplied to other organisations")


class RiskTier(models.TextChoices):
    """The tier of the current classification; blank until the system is screened."""

    UNSCREENED = "", _("Not screened")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    PROHIBITED = "prohibited", _("Prohibited")
    HIGH_RISK = "high_risk", _("High-risk")
    LIMITED_RISK = "limited_risk", _("Limited risk")
    MINIMAL_RISK = "minimal_risk", _("Minimal risk")


class AffectedPersons(models.TextChoices):
    EMPLOYEES = "employees", _("Employees or applicants")
    CUSTOMERS = "customers", _("Customers")
    PATIENTS = "patients", _("Patients")
    STUDENTS = "students", _("Students")
    CHILDREN = "children", _("Children")
    CITIZENS = "citizens", _("Citizens / the public")
    VULNERABLE = "vulnerable", _("Vulnerable groups")


class Vendor(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="vendors")
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The optimistic lock (governance.core.concurrency): every write checks and bumps it.
    row_version = lock_counter()

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="vendor_unique_name_per_org"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        check_row(self, text_fields=("name", "country"))


class Tag(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="tag_unique_name_per_org")
        ]

    def __str__(self):
        return self.name


class AIModel(models.Model):
    """A model a system uses: built in-house or supplied, general-purpose or not.

    `version` is the model's release (e.g. "2.1"); the optimistic lock counter is
    `row_version`, the same name on every editable model.
    """

    class ModelType(models.TextChoices):
        CLASSIFICATION = "classification", _("Classification")
        REGRESSION = "regression", _("Regression / scoring")
        GENERATIVE_TEXT = "generative_text", _("Generative: text")
        GENERATIVE_IMAGE = "generative_image", _("Generative: image")
        GENERATIVE_AUDIO = "generative_audio", _("Generative: audio")
        EMBEDDING = "embedding", _("Embedding")
        OBJECT_DETECTION = "object_detection", _("Object detection")
        SPEECH_RECOGNITION = "speech_recognition", _("Speech recognition")
        TRANSLATION = "translation", _("Translation")
        RECOMMENDATION = "recommendation", _("Recommendation")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        MODEL_CARD = "model_card", _("Imported from a model card")
        SPREADSHEET = "spreadsheet", _("Imported from a spreadsheet")
        API = "api", _("Created through the API")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="ai_models"
    )
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="models"
    )
    licence = models.CharField(max_length=100, blank=True)
    model_type = models.CharField(max_length=32, choices=ModelType.choices, default=ModelType.OTHER)
    # Null means "not stated" (a card that does not say), never "no".
    is_general_purpose = models.BooleanField(null=True, blank=True, default=None)
    training_compute_flops = models.FloatField(null=True, blank=True)
    is_open_source = models.BooleanField(null=True, blank=True, default=None)
    placed_on_market_on = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "When the model was first placed on the EU market: a general-purpose model placed "
            "before 2 August 2025 complies by 2 August 2027 (Art. 111(3))."
        ),
    )
    base_model = models.CharField(max_length=200, blank=True)
    intended_use = models.TextField(blank=True)
    limitations = models.TextField(blank=True)
    training_data = models.TextField(blank=True)
    evaluations = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    # Where an imported card came from: a Hugging Face id ("org/model") or a URL, and the file.
    source_ref = models.CharField(max_length=300, blank=True)
    source_file = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The optimistic lock, not the release (that is `version`): see governance.core.concurrency.
    row_version = lock_counter()

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name", "version"],
                name="aimodel_unique_name_version_per_org",
            )
        ]

    def __str__(self):
        return f"{self.name} {self.version}".strip()

    def clean(self):
        super().clean()
        check_row(
            self,
            text_fields=("name", "version", "provider", "licence", "base_model"),
            compute_fields=("training_compute_flops",),
        )


class AISystem(models.Model):
    """An AI system in the organisation's register."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="ai_systems"
    )
    name = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("Your own identifier, e.g. from a CMDB or inventory."),
    )
    intended_purpose = models.TextField(
        help_text=_("What the system is for, as its provider states it (Art. 3(12)).")
    )
    description = models.TextField(blank=True)
    business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    technical_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operator_role = models.CharField(
        max_length=32, choices=OperatorRole.choices, default=OperatorRole.DEPLOYER
    )
    lifecycle_stage = models.CharField(
        max_length=32, choices=LifecycleStage.choices, default=LifecycleStage.PLANNED
    )
    # Blank means "not stated": a file or card that does not say is not "internal use".
    deployment_context = models.CharField(
        max_length=32, choices=DeploymentContext.choices, blank=True, default=""
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="systems"
    )
    ai_models = models.ManyToManyField(AIModel, blank=True, related_name="systems")
    # Data facts: null means "not stated", which is missing information, never "no".
    processes_personal_data = models.BooleanField(null=True, blank=True, default=None)
    processes_biometric_data = models.BooleanField(null=True, blank=True, default=None)
    processes_special_categories = models.BooleanField(
        null=True,
        blank=True,
        default=None,
        help_text=_("Special categories of personal data (GDPR Art. 9)."),
    )
    affected_persons = models.JSONField(default=list, blank=True)
    human_oversight = models.TextField(
        blank=True, help_text=_("How people oversee the system (Art. 14).")
    )
    placed_on_market_on = models.DateField(null=True, blank=True)
    put_into_service_on = models.DateField(null=True, blank=True)
    # Facts of the transitional rules of Art. 111 (as amended): null means "not stated".
    significantly_changed_on = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "When the system last underwent a significant change in its design (Art. 111(2))."
        ),
    )
    intended_for_public_authorities = models.BooleanField(
        null=True,
        blank=True,
        help_text=_("Intended to be used by public authorities (Art. 111(2))."),
    )
    annex_x_component = models.BooleanField(
        null=True,
        blank=True,
        help_text=_(
            "A component of a large-scale EU IT system listed in Annex X, such as SIS, VIS, "
            "Eurodac, EES, ETIAS or ECRIS-TCN (Art. 111(1))."
        ),
    )
    eu_database_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Registration number in the EU database (Art. 49, Art. 71)."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="systems")

    # Facts that public algorithm registers publish (the Dutch publication standard v1.0 and
    # the UK Algorithmic Transparency Recording Standard).
    legal_basis = models.TextField(
        blank=True, help_text=_("The law or legal task that allows the system's use.")
    )
    legal_basis_url = models.URLField(max_length=500, blank=True)
    public_page_url = models.URLField(
        max_length=500, blank=True, help_text=_("A public page that explains the system.")
    )
    source_code_url = models.URLField(max_length=500, blank=True)
    processing_register_url = models.URLField(
        max_length=500,
        blank=True,
        help_text=_("The entry in the record of processing activities (GDPR Art. 30)."),
    )
    contact_point = models.CharField(
        max_length=254,
        blank=True,
        help_text=_("Where the public can ask about the system: an address or a team."),
    )
    published_on = models.DateField(
        null=True, blank=True, help_text=_("When the system was published in a public register.")
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text=_("When use of the system ended or will end.")
    )
    dpia_done = models.BooleanField(
        null=True,
        blank=True,
        default=None,
        help_text=_("A data protection impact assessment was done (GDPR Art. 35)."),
    )
    fria_done = models.BooleanField(
        null=True,
        blank=True,
        default=None,
        help_text=_("A fundamental rights impact assessment was done (Art. 27)."),
    )

    # The current classification, kept here so lists filter and sort on it without a join.
    risk_tier = models.CharField(max_length=16, choices=RiskTier.choices, blank=True, default="")
    gpai_tier = models.CharField(max_length=24, blank=True, default="")
    classified_at = models.DateTimeField(null=True, blank=True)
    # The date each obligation of the current classification applies to this system (Art. 111
    # on top of the timeline), kept by the classification app: [{"code", "applies_from",
    # "basis"}]; and the next such date, so lists filter on "due within 90 days" without a join.
    obligation_dates = models.JSONField(default=list, blank=True, editable=False)
    next_obligation_date = models.DateField(null=True, blank=True, editable=False)
    # When a field the classification depends on last changed (see services.MATERIAL_FIELDS).
    material_changed_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The optimistic lock (governance.core.concurrency): every write checks and bumps it.
    row_version = lock_counter()

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        permissions = [("edit_own_aisystem", "Can edit this AI system as its owner")]
        constraints = [
            # A reference names one system in the organisation, whatever its case; blank is
            # allowed many times. The services check it first, to name the field.
            models.UniqueConstraint(
                "organization",
                Lower("reference"),
                condition=~models.Q(reference=""),
                name="aisystem_unique_reference_per_org",
                violation_error_message=_(
                    "Another AI system in the register has this reference already."
                ),
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "archived_at", "name"], name="aisystem_org_active_name"
            ),
            models.Index(fields=["organization", "risk_tier"], name="aisystem_org_tier"),
            models.Index(fields=["organization", "operator_role"], name="aisystem_org_role"),
            models.Index(fields=["organization", "lifecycle_stage"], name="aisystem_org_stage"),
            models.Index(fields=["organization", "updated_at"], name="aisystem_org_updated"),
            models.Index(
                fields=["organization", "next_obligation_date"], name="aisystem_org_next_date"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        check_row(self, text_fields=("name", "reference", "eu_database_id"))

    @property
    def needs_rescreening(self) -> bool:
        """True when a material edit came after the last classification."""
        return bool(
            self.classified_at
            and self.material_changed_at
            and self.material_changed_at > self.classified_at
        )


# The spreadsheet import's uploads in progress: a model of the register app, in its own module.
from governance.register.pending import PendingImport  # noqa: E402, F401


class SavedMapping(models.Model):
    """A reusable import mapping: columns to fields, cell values to ours, and chosen defaults."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="saved_mappings"
    )
    name = models.CharField(max_length=100)
    # {"<file heading>": "<field key>"}
    columns = models.JSONField(default=dict, blank=True)
    # {"<field key>": {"<file value>": "<our value>" | "__unknown__"}}
    values = models.JSONField(default=dict, blank=True)
    # {"<field key>": "<value applied where a row states nothing>"}
    defaults = models.JSONField(default=dict, blank=True)
    tag_separator = models.CharField(max_length=8, blank=True, default=";")
    match_on = models.CharField(max_length=32, blank=True, default="reference")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    row_version = lock_counter()

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="savedmapping_unique_name_per_org"
            ),
        ]

    def __str__(self):
        return self.name
