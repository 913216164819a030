"""Evidence: a file (immutable, hashed versions) or a link, reused across responses."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from governance.tenancy.models import Organization


def evidence_storage():
    """Return the storage evidence files live in (ANNEX_EVIDENCE_STORAGE, else "default").

    Any storage backend works, an S3-compatible one included; files are never served from a
    public URL: downloads go through the download view, which checks tenant and role.
    """
    return storages[getattr(settings, "EVIDENCE_STORAGE_ALIAS", "default")]


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    url = models.URLField(max_length=1000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    # The newest file version (None for a link); older versions stay in `versions`.
    current_version = models.ForeignKey(
        "EvidenceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Row version: no lost update.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["organization", "title"], name="evidence_org_title")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="evidence_validity_ordered",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_expired(self) -> bool:
        """Past its validity date: flagged wherever it is used."""
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class EvidenceVersion(models.Model):
    """One uploaded file, never changed: replacing the file adds a version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(storage=evidence_storage, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    original_filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["evidence", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_version_unique")
        ]
        indexes = [models.Index(fields=["organization", "sha256"], name="evidence_version_org_sha")]

    def __str__(self):
        return f"{self.evidence} v{self.number}"


class EvidenceLink(models.Model):
    """Evidence counted for one response; one evidence item may back many responses."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="links")
    response = models.ForeignKey(
        "assessments.Response", on_delete=models.CASCADE, related_name="evidence_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["linked_at"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "response"], name="evidence_link_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "response"], name="evidence_link_org_response"),
            models.Index(fields=["organization", "evidence"], name="evidence_link_org_evidence"),
        ]

    def __str__(self):
        return f"{self.evidence} → {self.response_id}"
