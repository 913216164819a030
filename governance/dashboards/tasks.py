"""Beat: take each organisation's daily snapshot (idempotent: one per organisation per day)."""

from celery import shared_task
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from governance.tenancy.models import Organization

from . import services


@shared_task(name="governance.dashboards.tasks.take_daily_snapshots")
def take_daily_snapshots() -> int:
    """Snapshot every organisation once today; a second run the same day adds nothing."""
    today = timezone.localdate()
    created = 0
    with scopes_disabled():
        ids = list(Organization.objects.values_list("pk", flat=True))
    for org_id in ids:
        with scopes_disabled():
            organization = Organization.objects.filter(pk=org_id).first()
        if organization is None:
            continue
        with scope(organization=organization):
            _snapshot, made = services.take_snapshot(organization=organization, day=today)
        created += int(made)
    return created
