"""The AI risk register (Art. 9, ISO/IEC 42001 6.1) and serious incidents (Art. 73)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from governance.core.concurrency import lock_counter
from governance.tenancy.models import Organization

from . import clocks, levels


def _scale(help_text: str, *, null: bool = False):
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        null=null,
        blank=null,
        help_text=help_text,
    )


class HarmDomain(models.TextChoices):
    # Art. 9(2)(a), Art. 3(49): health, safety, fundamental rights; the rest from R.4.
    HEALTH = "health", "Health"
    SAFETY = "safety", "Safety"
    FUNDAMENTAL_RIGHTS = "fundamental_rights", "Fundamental rights"
    DISCRIMINATION = "discrimination", "Discrimination"
    PRIVACY = "privacy", "Privacy"
    SECURITY = "security", "Security"
    MISINFORMATION = "misinformation", "Misinformation"
    ENVIRONMENT = "environment", "Environment"


class Treatment(models.TextChoices):
    # ISO/IEC 42001 6.1.3(a): avoid / modify / share / retain.
    MITIGATE = "mitigate", "Mitigate"
    ACCEPT = "accept", "Accept"
    TRANSFER = "transfer", "Transfer"
    AVOID = "avoid", "Avoid"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    TREATED = "treated", "Treated"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(
        "register.AISystem", on_delete=models.CASCADE, related_name="ai_risks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="The hazard or event and how it causes harm.")
    harm_domain = models.CharField(max_length=24, choices=HarmDomain.choices)
    affected_persons = models.TextField(
        blank=True, help_text="Who may be harmed, including minors and vulnerable groups."
    )
    likelihood = _scale("Inherent likelihood, 1 (rare) to 5 (almost certain).")
    impact = _scale("Inherent impact, 1 (negligible) to 5 (severe).")
    residual_likelihood = _scale("Likelihood after treatment.", null=True)
    residual_impact = _scale("Impact after treatment.", null=True)
    treatment = models.CharField(max_length=10, choices=Treatment.choices, blank=True)
    treatment_notes = models.TextField(blank=True)
    controls = models.ManyToManyField(
        "catalogue.Requirement", blank=True, related_name="+", help_text="Linked controls."
    )
    evidence = models.ManyToManyField("evidence.Evidence", blank=True, related_name="+")
    actions = models.ManyToManyField("assessments.RemediationAction", blank=True, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    # Art. 9(5): acceptance of a high residual risk, by someone other than the owner.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    row_version = lock_counter()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "system"], name="risk_org_system"),
            models.Index(
                fields=["organization", "residual_likelihood", "residual_impact"],
                name="risk_org_residual",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_inherent_in_scale",
            ),
            models.CheckConstraint(
                condition=(
                    Q(residual_likelihood__isnull=True) | Q(residual_likelihood__range=(1, 5))
                )
                & (Q(residual_impact__isnull=True) | Q(residual_impact__range=(1, 5))),
                name="risk_residual_in_scale",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def inherent_score(self):
        return levels.score(self.likelihood, self.impact)

    @property
    def inherent_level(self) -> str:
        return levels.level(self.likelihood, self.impact)

    @property
    def residual_score(self):
        return levels.score(*self.residual_pair)

    @property
    def residual_level(self) -> str:
        return levels.level(*self.residual_pair)

    @property
    def residual_pair(self) -> tuple[int, int]:
        """Residual likelihood and impact; the inherent ones until a residual is assessed."""
        if self.residual_likelihood is None or self.residual_impact is None:
            return self.likelihood, self.impact
        return self.residual_likelihood, self.residual_impact


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open: investigating"
    REPORTED = "reported", "Reported to the authority"
    CLOSED = "closed", "Closed"


class IncidentKind(models.TextChoices):
    DEATH = clocks.DEATH, "Death of a person (10 days, Art. 73(4))"
    WIDESPREAD_INFRINGEMENT = (
        clocks.WIDESPREAD_INFRINGEMENT,
        "Widespread infringement (2 days, Art. 73(3))",
    )
    CRITICAL_INFRASTRUCTURE = (
        clocks.CRITICAL_INFRASTRUCTURE,
        "Serious and irreversible disruption of critical infrastructure (2 days, Art. 73(3))",
    )
    OTHER_SERIOUS = clocks.OTHER_SERIOUS, "Other serious incident (15 days, Art. 73(2))"


class Incident(models.Model):
    """A serious incident (Art. 3(49)) on one AI system.

    `kind` is the primary kind (the one the API takes); `other_kinds` lists further kinds that
    also apply (R.3.5 field 7: several allowed). `report_due` is the earliest of their clocks,
    stored by the service so lists can sort and filter on it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(
        "register.AISystem", on_delete=models.CASCADE, related_name="serious_incidents"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What happened, where and to whom.")
    kind = models.CharField(max_length=32, choices=IncidentKind.choices)
    other_kinds = models.JSONField(default=list, blank=True)
    aware_at = models.DateField(
        help_text="The day the organisation became aware (starts the clock)."
    )
    report_due = models.DateField(editable=False)
    root_cause = models.TextField(blank=True)
    corrective_action = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    report_sent_at = models.DateField(null=True, blank=True)
    risks = models.ManyToManyField(Risk, blank=True, related_name="incidents")
    row_version = lock_counter()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["report_due"]
        indexes = [
            models.Index(fields=["organization", "status", "report_due"], name="incident_org_due"),
            models.Index(fields=["organization", "system"], name="incident_org_system"),
        ]

    def __str__(self):
        return self.title

    @property
    def kinds(self) -> list[str]:
        return [self.kind, *[k for k in self.other_kinds if k != self.kind]]

    @property
    def clock_rule(self) -> str:
        return clocks.days_for(self.kinds)[1]

    @property
    def reported(self) -> bool:
        return self.report_sent_at is not None

    def days_left(self, today=None) -> int:
        return clocks.days_left(self.report_due, today or timezone.localdate())

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left())

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(IncidentKind.choices)
        return [str(labels.get(k, k)) for k in self.kinds]

    @property
    def is_overdue(self) -> bool:
        return clocks.is_overdue(self.report_due, timezone.localdate(), reported=self.reported)
