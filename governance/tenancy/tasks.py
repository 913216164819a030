"""Background jobs for organisations: expiry sweeps.

The invitation email goes through the outbox (governance/core/outbox.py, rendered by
governance/tenancy/emails.py): its job takes only the outbox row's id.
"""

from celery import shared_task
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.tenancy.models import Invitation


@shared_task(name="governance.tenancy.tasks.expire_invitations", ignore_result=True)
def expire_invitations() -> int:
    """Count pending invitations past their expiry (their links already refuse; this logs it)."""
    with scopes_disabled():
        return Invitation.objects.filter(
            accepted_at=None, revoked_at=None, expires_at__lte=timezone.now()
        ).count()
