"""Background jobs of the classification: keep each system's next obligation date current."""

from datetime import date

from celery import shared_task
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.register.models import AISystem


def next_from_stored(entries: list[dict], today: date) -> date | None:
    """Return the next date, today or later, among a system's stored obligation dates."""
    ahead = [
        date.fromisoformat(e["applies_from"])
        for e in entries or []
        if e.get("applies_from") and e["applies_from"] >= today.isoformat()
    ]
    return min(ahead) if ahead else None


@shared_task(
    name="governance.classification.tasks.roll_next_obligation_dates",
    ignore_result=True,
)
def roll_next_obligation_dates() -> int:
    """Move on `next_obligation_date` of systems whose next date has passed; safe to run twice.

    A stored next date only goes stale by passing, so only those rows are read.
    """
    today = timezone.localdate()
    moved = 0
    with scopes_disabled():
        stale = AISystem.objects.filter(next_obligation_date__lt=today).only(
            "pk", "obligation_dates"
        )
        for system in stale.iterator(chunk_size=500):
            upcoming = next_from_stored(system.obligation_dates, today)
            # Conditional update: a classification saved meanwhile has already set the date.
            moved += AISystem.objects.filter(pk=system.pk, next_obligation_date__lt=today).update(
                next_obligation_date=upcoming
            )
    return moved
