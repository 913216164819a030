"""Daily snapshots of readiness and portfolio, for the trend (one per organisation per day)."""

from django.db import IntegrityError, transaction

from governance.register.selectors import portfolio_summary
from governance.risks import levels
from governance.risks.selectors import open_incidents, residual_matrix

from . import readiness
from .models import DailySnapshot


def snapshot_data(organization) -> dict:
    """Return what a snapshot records of the organisation now."""
    portfolio = portfolio_summary(organization)
    matrix = residual_matrix(organization)
    return {
        "readiness": {
            f["slug"]: f["percent"] for f in readiness.readiness_by_framework(organization)
        },
        "tiers": {t["filter"]: t["count"] for t in portfolio["tiers"]},
        "total": portfolio["total"],
        "high_residual_risks": sum(n for cell, n in matrix.items() if levels.is_high(*cell)),
        "open_incidents": open_incidents(organization).count(),
    }


def take_snapshot(*, organization, day) -> tuple[DailySnapshot, bool]:
    """Record the day's snapshot unless one exists; return (snapshot, created).

    Safe to run twice, also at the same time: the unique constraint (organisation, day)
    decides, and the loser reads the winner's row.
    """
    existing = DailySnapshot.objects.filter(organization=organization, day=day).first()
    if existing is not None:
        return existing, False
    data = snapshot_data(organization)
    try:
        with transaction.atomic():
            return (
                DailySnapshot.objects.create(organization=organization, day=day, data=data),
                True,
            )
    except IntegrityError:
        return DailySnapshot.objects.get(organization=organization, day=day), False
