"""Background jobs for organisations: invitation email, expiry sweeps."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.core.tasks import TenantTask
from governance.tenancy.models import Invitation


@shared_task(base=TenantTask, name="governance.tenancy.tasks.send_invitation_email")
def send_invitation_email(*, organization, invitation_id: int, secret: str) -> bool:
    """Email the invitation link; skip an invitation that is no longer pending."""
    invitation = Invitation.objects.filter(pk=invitation_id).select_related("invited_by").first()
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return False
    link = settings.SITE_URL + reverse("invitation-accept", args=[secret])
    context = {"invitation": invitation, "organization": organization, "link": link}
    send_mail(
        subject=f"You are invited to {organization.name} on Annex",
        message=render_to_string("tenancy/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


@shared_task(name="governance.tenancy.tasks.expire_invitations")
def expire_invitations() -> int:
    """Count pending invitations past their expiry (their links already refuse; this logs it)."""
    with scopes_disabled():
        return Invitation.objects.filter(
            accepted_at=None, revoked_at=None, expires_at__lte=timezone.now()
        ).count()
