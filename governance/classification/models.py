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
