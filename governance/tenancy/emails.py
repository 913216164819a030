"""The emails organisations send, rendered inside the email job from the database."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.core.outbox import Rendered, Undeliverable, register_renderer
from governance.tenancy.models import Invitation
from governance.tenancy.tokens import hash_secret, invitation_secret


class InvitationLinkVoid(Undeliverable):
    """The link derived now no longer matches the stored hash (SECRET_KEY was rotated)."""


@register_renderer("invitation")
def render_invitation(email) -> Rendered | None:
    """Build the invitation email; None when the invitation is no longer pending."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.filter(pk=email.object_id, organization_id=email.organization_id)
            .select_related("organization", "invited_by")
            .first()
        )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None
    secret = invitation_secret(invitation.uuid)
    if hash_secret(secret) != invitation.token_hash:
        raise InvitationLinkVoid("The server's secret key changed: invite the person again.")
    organization = invitation.organization
    link = settings.SITE_URL + reverse("invitation-accept", args=[secret])
    context = {"invitation": invitation, "organization": organization, "link": link}
    return Rendered(
        subject=f"You are invited to {organization.name} on Annex",
        body=render_to_string("tenancy/email/invitation.txt", context),
    )
