"""Assessments: a framework's applicable items answered for a scope, reviewed and approved.

Two scopes: one AI system's EU AI Act obligations (built from its classification and role) or
the organisation's AI management system against ISO/IEC 42001 (with its Statement of
Applicability). An assessment keeps the framework version it was built from.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from governance.tenancy.models import Organization


class AssessmentKind(models.TextChoices):
    GAP_ANALYSIS = "gap_analysis", _("Gap analysis")
    FRIA = "fria", _("Fundamental rights impact assessment (Art. 27)")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")


class Assessment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(
        "catalogue.Framework", on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(
        max_length=16, choices=AssessmentKind.choices, default=AssessmentKind.GAP_ANALYSIS
    )
    # None: the organisation's AI management system (ISO/IEC 42001); else one AI system.
    system = models.ForeignKey(
        "register.AISystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    title = models.CharField(max_length=250)
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # The classification the applicable items were chosen from, and the facts read from it.
    classification = models.ForeignKey(
        "classification.Classification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    obligations = models.JSONField(default=list, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    # Art. 27(3): notification of the FRIA's results to the market surveillance authority.
    notification = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Row version: no lost update.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = models.TextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "status"], name="assessment_org_status"),
            models.Index(fields=["organization", "system"], name="assessment_org_system"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_locked(self) -> bool:
        """Approved: read-only until an owner or admin reopens it."""
        return self.status == AssessmentStatus.APPROVED


class AnswerStatus(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    PARTIAL = "partial", _("Partly implemented")
    IMPLEMENTED = "implemented", _("Implemented")


class Response(models.Model):
    """The answer to one applicable item of an assessment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    requirement = models.ForeignKey(
        "catalogue.Requirement", on_delete=models.PROTECT, related_name="responses"
    )
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=AnswerStatus.choices, blank=True)
    maturity = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    justification = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    # ISO/IEC 42001 6.1.3 d): the Statement of Applicability, for Annex A controls.
    soa_applicable = models.BooleanField(null=True, blank=True)
    soa_justification = models.TextField(blank=True)
    implementation_status = models.CharField(
        max_length=16, choices=ImplementationStatus.choices, blank=True
    )
    # Set when the system's classification no longer calls for the item; the answer is kept.
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Row version: no lost update.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["assessment", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "requirement"], name="response_unique_requirement"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "assessment", "order"], name="response_org_assess_order"
            ),
            models.Index(fields=["organization", "owner"], name="response_org_owner"),
        ]

    def __str__(self):
        return f"{self.requirement_id} in {self.assessment_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class RemediationAction(models.Model):
    """A fix planned for a gap: who does what by when."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    responses = models.ManyToManyField(Response, blank=True, related_name="actions")
    version = models.PositiveIntegerField(default=1, help_text="Row version: no lost update.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(
                fields=["organization", "owner", "status"], name="action_org_owner_status"
            ),
            models.Index(fields=["organization", "assessment"], name="action_org_assessment"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in OPEN_ACTION_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class AssessmentApproval(models.Model):
    """What was approved, kept intact: reopening never changes it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="approvals")
    number = models.PositiveIntegerField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_label = models.CharField(max_length=254, blank=True)
    approved_at = models.DateTimeField(default=timezone.now)
    score = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="approval_unique_number")
        ]
        indexes = [models.Index(fields=["organization", "assessment"], name="approval_org_assess")]

    def __str__(self):
        return f"Approval {self.number} of {self.assessment}"
