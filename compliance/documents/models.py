"""Generated documents: one row per request, built in the background by a Celery job."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from governance.register.models import AIModel, AISystem
from governance.tenancy.models import Organization


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def document_upload_to(document: "Document", filename: str) -> str:
    """Store each file under its organisation and its own id: nothing is ever overwritten."""
    return f"documents/{document.organization_id}/{document.uuid}/{filename}"


class Document(models.Model):
    """One request for a document: what, about which subject, its job's state and its file.

    A request is never rebuilt in place: regenerating makes a new row with the next `number`
    for the same kind and subject, so every version stays available with its own hash.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=40)
    system = models.ForeignKey(
        AISystem, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    ai_model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    incident = models.ForeignKey(
        "risks.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    # The subject's public id (system, model, assessment, incident, or the organisation for
    # organisation-wide reports such as the board report): numbers versions per subject.
    subject_ref = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=300)
    number = models.PositiveIntegerField(default=1)
    output_format = models.CharField(max_length=8, default="pdf")

    status = models.CharField(
        max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    data_version = models.CharField(
        max_length=64, blank=True, help_text=_("Hash of the data the document was built from.")
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "subject_ref", "number"],
                name="document_unique_number_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "-requested_at"], name="document_org_recent"),
            models.Index(fields=["status", "started_at"], name="document_status_started"),
        ]

    def __str__(self):
        return f"{self.kind_label} v{self.number}: {self.subject_label}"

    @property
    def kind_label(self) -> str:
        from compliance.documents.kinds import kind_label

        return kind_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)


class OrganizationDetails(models.Model):
    """The legal details printed on the organisation's documents (Annex V, Annex VIII)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="document_details"
    )
    legal_name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    representative = models.TextField(
        blank=True,
        help_text=_("Authorised representative's name, address and contact (Art. 22), if any."),
    )
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_function = models.CharField(max_length=200, blank=True)
    signing_place = models.CharField(max_length=100, blank=True)
    row_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return self.legal_name or str(self.organization)


def pack_upload_to(pack: "EvidencePack", filename: str) -> str:
    return f"packs/{pack.organization_id}/{pack.uuid}/{filename}"


class EvidencePack(models.Model):
    """A ZIP of assessments as of a date: documents, evidence files, manifest of SHA-256 hashes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="evidence_packs"
    )
    assessments = models.ManyToManyField("assessments.Assessment", related_name="evidence_packs")
    as_of = models.DateField()
    status = models.CharField(
        max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=pack_upload_to, blank=True, max_length=300)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    file_count = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["organization", "-requested_at"], name="pack_org_recent"),
            models.Index(fields=["status", "started_at"], name="pack_status_started"),
        ]

    def __str__(self):
        return f"Evidence pack as of {self.as_of:%d %b %Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)

    @property
    def filename(self) -> str:
        return f"evidence-pack-{self.as_of.isoformat()}-{str(self.uuid)[:8]}.zip"


class AuditorGrant(models.Model):
    """An auditor's read access to one approved assessment, for a period (ISO/IEC 42001 9.2).

    The grant row is the record; django-guardian's `view_assessment` permission is what the
    assessment selectors check. Both end together: revoked by hand or when `ends_at` passes.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="auditor_grants"
    )
    auditor = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="auditor_grants"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="auditor_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-granted_at"]
        indexes = [
            models.Index(fields=["organization", "auditor"], name="grant_org_auditor"),
            models.Index(fields=["revoked_at", "ends_at"], name="grant_open_ends"),
        ]

    def __str__(self):
        return f"{self.auditor} → {self.assessment}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.ends_at > timezone.now()


class SystemDocumentFacts(models.Model):
    """Facts only the declaration and the registration need (Annex V points 6-7, Annex VIII A)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    system = models.OneToOneField(AISystem, on_delete=models.CASCADE, related_name="document_facts")
    harmonised_standards = models.TextField(
        blank=True,
        help_text=_(
            "Harmonised standards or common specifications applied, one per line (Annex V "
            "point 6), or the other solutions used where none applies."
        ),
    )
    notified_body = models.CharField(
        max_length=300, blank=True, help_text=_("Name and identification number (Annex V 7).")
    )
    certificate = models.CharField(
        max_length=300, blank=True, help_text=_("Certificate type, number and expiry date.")
    )
    member_states = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Member States where placed on the market or in service (Annex VIII A.10)."),
    )
    instructions_url = models.URLField(
        blank=True, help_text=_("Electronic instructions for use (Annex VIII A.12).")
    )
    row_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"Document facts of {self.system}"
