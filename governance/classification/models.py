"""Screenings and their classifications: a versioned, explainable record per AI system."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from governance.register.models import AISystem, RiskTier
from governance.tenancy.models import Organization


class ScreeningDraft(models.Model):
    """The questionnaire answers being worked on for a system, saved as the officer goes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    system = models.OneToOneField(
        AISystem, on_delete=models.CASCADE, related_name="screening_draft"
    )
    answers = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"Screening draft of {self.system}"


class Classification(models.Model):
    """One saved screening and its result: never edited; a new screening makes a new version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="classifications")
    version = models.PositiveIntegerField()
    screening = models.JSONField(help_text="The input, schema eu-ai-act-screening/1, normalised.")
    result = models.JSONField(help_text="The output, schema eu-ai-act-classification/1.")
    tier = models.CharField(max_length=16, choices=RiskTier.choices)
    gpai = models.CharField(max_length=24, default="none")
    timeline_version = models.CharField(max_length=40, blank=True)
    # The catalogue's version, once obligation texts come from a versioned catalogue.
    catalogue_version = models.CharField(max_length=40, blank=True)
    # The question keys answered explicitly; the other visible ones took the contract's neutral
    # value. Null for a record saved before this was kept.
    answered_keys = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["system", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "version"], name="classification_unique_version"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "system", "-version"], name="classif_org_system_version"
            )
        ]

    def __str__(self):
        return f"{self.system} v{self.version}: {self.get_tier_display()}"


class LawVersion(models.Model):
    """A version of the regulatory timeline loaded into this installation (not per tenant).

    `manage.py load_timeline` stores it and re-evaluates every current classification against
    it; the newest version (the shipped file or a loaded one) is the law the engine applies.
    """

    version = models.CharField(max_length=40, unique=True)
    as_amended_by = models.CharField(max_length=200, blank=True)
    data = models.JSONField(help_text="The timeline file as loaded.")
    loaded_from = models.CharField(max_length=500, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self):
        return f"Timeline {self.version}"


class ReassessmentStatus(models.TextChoices):
    OPEN = "open", "To review"
    APPLIED = "applied", "Saved as a new version"
    SUPERSEDED = "superseded", "Superseded by a later screening"


class Reassessment(models.Model):
    """What a new version of the law would change in one system's current classification.

    Written by the re-evaluation, never a classification itself: one click saves
    `result` as the system's next classification version.
    """

    Status = ReassessmentStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="reassessments")
    classification = models.ForeignKey(
        Classification, on_delete=models.CASCADE, related_name="reassessments"
    )
    law_version = models.CharField(max_length=40)
    result = models.JSONField(help_text="The classification under the new version of the law.")
    obligation_dates = models.JSONField(default=list)
    changes = models.JSONField(default=dict)
    changed = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    applied_classification = models.ForeignKey(
        Classification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-changed", "system__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "system", "law_version", "classification"],
                name="reassessment_unique_per_version",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "changed"], name="reassess_org_status")
        ]

    def __str__(self):
        return f"{self.system} under {self.law_version}"
