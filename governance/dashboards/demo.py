"""A year of daily snapshots for Northwind, so the trend means something. Idempotent.

Today's snapshot is taken for real; the 364 days before it are drawn back from it: the
register grew from a third of today's systems and readiness climbed from a low start, with
steps where systems were added and assessments answered.
"""

import math
from datetime import timedelta

from django.utils import timezone

from governance.dashboards.models import DailySnapshot
from governance.dashboards.services import take_snapshot

DAYS = 365


def _history(now: dict, ago: int) -> dict:
    progress = 1 - ago / DAYS  # 0 a year ago, 1 today
    step = math.floor(progress * 8) / 8  # the register grew in steps
    readiness = {}
    for slug, value in (now.get("readiness") or {}).items():
        if value is None:
            readiness[slug] = None
            continue
        start = value * 0.25
        wobble = 1.5 * math.sin(ago / 9)
        readiness[slug] = round(
            max(0.0, min(100.0, start + (value - start) * progress + wobble)), 1
        )
    total = max(1, round((now.get("total") or 0) * (0.35 + 0.65 * step)))
    tiers = {k: round(v * total / max(now.get("total") or 1, 1)) for k, v in now["tiers"].items()}
    return {
        "readiness": readiness,
        "tiers": tiers,
        "total": total,
        "high_residual_risks": round(
            (now.get("high_residual_risks") or 0) * (1.8 - 0.8 * progress)
        ),
        "open_incidents": (now.get("open_incidents") or 0) if ago < 30 else int(ago % 90 < 10),
    }


def populate(org, members) -> None:
    if org.slug != "northwind":
        return
    today = timezone.localdate()
    snapshot, _ = take_snapshot(organization=org, day=today)
    rows = [
        DailySnapshot(
            organization=org, day=today - timedelta(days=ago), data=_history(snapshot.data, ago)
        )
        for ago in range(1, DAYS)
    ]
    DailySnapshot.objects.bulk_create(rows, ignore_conflicts=True)
