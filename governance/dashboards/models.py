"""Dashboards own no product data: only the daily snapshots that draw the trend."""

from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from governance.tenancy.models import Organization


class DailySnapshot(models.Model):
    """The organisation's readiness and portfolio on one day (one row per organisation per day).

    `data` holds {"readiness": {framework slug: percent or null}, "tiers": {tier: count},
    "total": systems, "high_residual_risks": n, "open_incidents": n}.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    data = models.JSONField(default=dict)
    taken_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="snapshot_one_per_day")
        ]

    def __str__(self):
        return f"{self.organization_id} {self.day}"
