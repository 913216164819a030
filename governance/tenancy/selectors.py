"""Reads of organisations, members, invitations and tokens; the organisation comes first."""

from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.tenancy.models import ApiToken, Invitation, Membership, Organization
from governance.tenancy.roles import Action
from governance.tenancy.tokens import hash_secret


def get_membership_for_user(user, org_slug: str) -> Membership:
    """Return the user's live membership of the organisation, or raise Http404.

    An organisation that does not exist and one the user does not belong to give the same 404.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such organisation.")
    with scopes_disabled():
        membership = (
            Membership.objects.select_related("organization")
            .filter(organization__slug=org_slug, user=user)
            .first()
        )
    if membership is None or membership.is_expired:
        raise Http404("No such organisation.")
    return membership


def memberships_for_user(user) -> list[Membership]:
    """Return every live membership of a user, across organisations (for the switcher)."""
    # The switcher is the one read that spans tenants, and only the user's own rows.
    with scopes_disabled():
        rows = list(
            Membership.objects.select_related("organization")
            .filter(user=user)
            .order_by("organization__name")
        )
    return [m for m in rows if not m.is_expired]


def members_of(organization):
    """Return the organisation's memberships with their users."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )


def get_member(organization, member_uuid) -> Membership:
    """Return one membership of the organisation by public id, or raise Http404."""
    membership = members_of(organization).filter(uuid=member_uuid).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def invitations_of(organization):
    return Invitation.objects.filter(organization=organization).select_related("invited_by")


def get_invitation(organization, invitation_uuid) -> Invitation:
    invitation = invitations_of(organization).filter(uuid=invitation_uuid).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def find_invitation_by_secret(secret: str) -> Invitation | None:
    """Return the invitation a link's secret belongs to, whatever its state, or None."""
    # An invitation link arrives before any organisation is known: the secret is the key.
    with scopes_disabled():
        return (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(token_hash=hash_secret(secret))
            .first()
        )


def tokens_of(organization):
    return ApiToken.objects.filter(organization=organization).select_related("user", "created_by")


def get_token(organization, token_uuid) -> ApiToken:
    token = tokens_of(organization).filter(uuid=token_uuid).first()
    if token is None:
        raise Http404("No such token.")
    return token


def find_token_by_prefix(prefix: str) -> ApiToken | None:
    """Return the token with this lookup prefix, with its organisation and user."""
    # Authentication happens before any organisation is known: the token names it.
    with scopes_disabled():
        return ApiToken.objects.select_related("organization", "user").filter(prefix=prefix).first()


def organization_counts(organization) -> dict:
    """Return the figures for the organisation's home page."""
    now = timezone.now()
    return {
        "members": Membership.objects.filter(organization=organization).count(),
        "pending_invitations": Invitation.objects.filter(
            organization=organization, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).count(),
        "active_tokens": ApiToken.objects.filter(organization=organization, revoked_at=None)
        .exclude(expires_at__lte=now)
        .count(),
    }


# Which counter each role may read: the same rule for the home page and the API.
COUNTER_ACTIONS = {
    "members": Action.VIEW_MEMBERS,
    "pending_invitations": Action.MANAGE_MEMBERS,
    "active_tokens": Action.MANAGE_TOKENS,
}


def organization_counts_for(membership) -> dict:
    """Return the organisation's counters this member may read (none at all for some roles)."""
    allowed = [key for key, action in COUNTER_ACTIONS.items() if membership.can(action)]
    if not allowed:
        return {}
    counts = organization_counts(membership.organization)
    return {key: counts[key] for key in allowed}


def get_organization_by_slug(slug: str) -> Organization:
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise Http404("No such organisation.")
    return org
