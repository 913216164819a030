"""Use cases that change organisations, members, invitations and tokens.

Every service runs in one transaction with its audit event; web views, API views, tasks and
commands all call these and repeat none of their rules.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scopes_disabled

from governance.accounts.models import User
from governance.audit.services import record_event
from governance.core.concurrency import audit_changes, diff, lock_row, save_changes
from governance.core.outbox import queue_email
from governance.tenancy.models import ApiToken, Invitation, Membership, Organization
from governance.tenancy.roles import INVITABLE_ROLES, Action, Role
from governance.tenancy.tokens import hash_secret, invitation_secret, new_api_token


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def create_organization(*, name: str, owner: User, slug: str = "") -> Organization:
    """Create an organisation with its first owner."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    slug = slugify(slug) if slug else _unique_slug(name)
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"The address '{slug}' is taken."})
    org = Organization.objects.create(name=name, slug=slug)
    membership = Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
    record_event(organization=org, actor=owner, action="organization.created", obj=org)
    record_event(
        organization=org,
        actor=owner,
        action="member.added",
        obj=membership,
        changes={"role": [None, Role.OWNER]},
    )
    return org


@transaction.atomic
def rename_organization(
    *,
    organization: Organization,
    name: str,
    acting: Membership,
    expected_version: int | None = None,
) -> Organization:
    """Rename the organisation (its address stays, so links keep working).

    `expected_version` is the `row_version` the editor read; a stale one raises StaleWrite.
    """
    _require(acting, Action.MANAGE_ORGANIZATION)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    current = lock_row(organization, expected_version=expected_version)
    changes = diff(current, {"name": name})
    if changes:
        save_changes(current, changes)
        record_event(
            organization=current,
            actor=acting.user,
            action="organization.renamed",
            obj=current,
            changes=audit_changes(changes),
        )
    organization.name, organization.row_version = current.name, current.row_version
    return organization


def _require(acting: Membership, action: str) -> None:
    if not acting.can(action):
        raise PermissionDenied(f"Your role ({acting.get_role_display()}) does not allow this.")


def grantable_roles(acting: Membership) -> list[Role]:
    """The roles `acting` may give a person, by invitation or role change: the one rule.

    Service accounts come with their tokens; only owners make owners. Forms offer these.
    """
    return [r for r in INVITABLE_ROLES if r != Role.OWNER or acting.can(Action.MANAGE_OWNERS)]


def _check_role_change(acting: Membership, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": f"'{role}' is not a role."})
    if role == Role.OWNER and role not in grantable_roles(acting):
        raise PermissionDenied("Only an owner can make someone an owner.")


# Auditors are time-limited (Art. 74 access, ISO/IEC 42001 9.2): every path gives an end.
MAX_AUDITOR_DAYS = 366
DEFAULT_AUDITOR_DAYS = 90


def _check_auditor_days(role: str, access_days: int | None) -> None:
    """An auditor's invitation names how many days the access lasts (1 to 366)."""
    if role != Role.AUDITOR:
        return
    if access_days is None:
        raise ValidationError(
            {"access_days": "Auditor access is time-limited: give a number of days."}
        )
    if not 1 <= access_days <= MAX_AUDITOR_DAYS:
        raise ValidationError(
            {"access_days": f"Give between 1 and {MAX_AUDITOR_DAYS} days of access."}
        )


def _check_auditor_expiry(role: str, access_expires_at) -> None:
    """An auditor's membership ends, at a moment in the future."""
    if role != Role.AUDITOR:
        return
    if access_expires_at is None:
        raise ValidationError(
            {"access_expires_at": "Auditor access is time-limited: give the day it ends."}
        )
    now = timezone.now()
    if access_expires_at <= now:
        raise ValidationError({"access_expires_at": "Pick a moment in the future."})


def _owner_count(organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.OWNER).count()


@transaction.atomic
def invite_member(
    *,
    organization: Organization,
    email: str,
    role: str,
    acting: Membership,
    access_days: int | None = None,
) -> tuple[Invitation, str]:
    """Invite a person by email; return the invitation and the link's secret (sent by email)."""
    _require(acting, Action.MANAGE_MEMBERS)
    email = email.strip().lower()
    if role == Role.SERVICE_ACCOUNT:
        raise ValidationError({"role": "Service accounts are made when you issue an API token."})
    if access_days is not None and not 1 <= access_days <= MAX_AUDITOR_DAYS:
        raise ValidationError(
            {"access_days": f"Give between 1 and {MAX_AUDITOR_DAYS} days of access."}
        )
    _check_auditor_days(role, access_days)
    _check_role_change(acting, role)
    with scopes_disabled():
        already = Membership.objects.filter(
            organization=organization, user__email__iexact=email
        ).exists()
    if already:
        raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
    now = timezone.now()
    # A new invitation replaces any pending one for the same address.
    Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=acting.user,
        access_days=access_days if role == Role.AUDITOR else None,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    # The email job derives the same secret from the row: it never goes through the broker.
    secret = invitation_secret(invitation.uuid)
    invitation.token_hash = hash_secret(secret)
    invitation.save(force_insert=True)
    record_event(
        organization=organization,
        actor=acting.user,
        action="invitation.created",
        obj=invitation,
        changes={"email": email, "role": role, "access_days": access_days},
    )
    # The outbox row is written in this transaction; its job is queued after commit.
    queue_email(
        organization=organization, kind="invitation", object_id=invitation.pk, recipient=email
    )
    return invitation, secret


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, acting: Membership) -> Invitation:
    """Withdraw a pending invitation; its link stops working at once."""
    _require(acting, Action.MANAGE_MEMBERS)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            f"This invitation is {invitation.get_status_display().lower()} already."
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        organization=invitation.organization,
        actor=acting.user,
        action="invitation.revoked",
        obj=invitation,
    )
    return invitation


class InvitationUnusable(Exception):
    """The invitation link cannot be used; the message says why, for the person holding it."""


def check_invitation(invitation: Invitation | None) -> Invitation:
    """Return a usable invitation, or raise InvitationUnusable with a clear message."""
    if invitation is None:
        raise InvitationUnusable("This invitation link is not valid. Ask for a new invitation.")
    status = invitation.status
    if status == Invitation.Status.EXPIRED:
        raise InvitationUnusable(
            f"This invitation to {invitation.organization.name} expired on "
            f"{invitation.expires_at:%d %B %Y}. Ask an administrator to invite you again."
        )
    if status == Invitation.Status.REVOKED:
        raise InvitationUnusable("This invitation was withdrawn. Ask for a new invitation.")
    if status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable("This invitation has been used already. Sign in instead.")
    return invitation


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Join the organisation as the signed-in user, or as a new account made from the invitation."""
    # Lock the row so a double click cannot make two memberships.
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organization")
            .get(pk=invitation.pk)
        )
    check_invitation(invitation)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable(
                f"An account for {invitation.email} exists already: sign in to accept."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationUnusable(
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}."
        )
    organization = invitation.organization
    with scopes_disabled():
        expires = (
            # An auditor's invitation made before the rule without days still gets an end.
            timezone.now() + timedelta(days=invitation.access_days or DEFAULT_AUDITOR_DAYS)
            if invitation.role == Role.AUDITOR
            else None
        )
        membership, created = Membership.objects.get_or_create(
            organization=organization,
            user=user,
            defaults={"role": invitation.role, "access_expires_at": expires},
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        organization=organization, actor=user, action="invitation.accepted", obj=invitation
    )
    if created:
        record_event(
            organization=organization,
            actor=user,
            action="member.added",
            obj=membership,
            changes={"role": [None, membership.role]},
        )
    return membership


@transaction.atomic
def change_member_role(
    *,
    membership: Membership,
    role: str,
    acting: Membership,
    access_expires_at=None,
    expected_version: int | None = None,
) -> Membership:
    """Give a member another role, keeping at least one owner; auditors get an end date.

    `expected_version` is the `row_version` the editor read; a stale one raises StaleWrite.
    """
    _require(acting, Action.MANAGE_MEMBERS)
    _check_role_change(acting, role)
    current = lock_row(membership, expected_version=expected_version)
    if role == Role.AUDITOR and (
        access_expires_at is None
        or access_expires_at != current.access_expires_at
        or current.role != Role.AUDITOR
    ):
        _check_auditor_expiry(role, access_expires_at)
    membership = current
    if membership.role == Role.OWNER and not acting.can(Action.MANAGE_OWNERS):
        raise PermissionDenied("Only an owner can change an owner's role.")
    if membership.role == Role.SERVICE_ACCOUNT or role == Role.SERVICE_ACCOUNT:
        raise ValidationError(
            {"role": "Service accounts keep their role; revoke their tokens instead."}
        )
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and _owner_count(membership.organization) <= 1
    ):
        raise ValidationError(
            {"role": "An organisation needs at least one owner. Make someone else owner first."}
        )
    changes = diff(
        membership,
        {
            "role": role,
            "access_expires_at": access_expires_at if role == Role.AUDITOR else None,
        },
    )
    if changes:
        save_changes(membership, changes)
        record_event(
            organization=membership.organization,
            actor=acting.user,
            action="member.role_changed",
            obj=membership,
            changes=audit_changes(changes),
        )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, acting: Membership) -> None:
    """Remove a member from the organisation (the account stays; its other memberships too)."""
    _require(acting, Action.MANAGE_MEMBERS)
    if membership.role == Role.OWNER:
        if not acting.can(Action.MANAGE_OWNERS):
            raise PermissionDenied("Only an owner can remove an owner.")
        if _owner_count(membership.organization) <= 1:
            raise ValidationError(
                "An organisation needs at least one owner. Make someone else owner first."
            )
    if membership.role == Role.SERVICE_ACCOUNT:
        ApiToken.objects.filter(
            organization=membership.organization, user=membership.user, revoked_at=None
        ).update(revoked_at=timezone.now())
    record_event(
        organization=membership.organization,
        actor=acting.user,
        action="member.removed",
        obj=membership,
        changes={"email": membership.user.email, "role": membership.role},
    )
    membership.delete()


def _service_account(organization: Organization, name: str) -> User:
    """Return the organisation's service-account user of that name, making it on first use."""
    slug = slugify(name)[:40] or "service"
    email = f"{slug}.{organization.slug}@service-accounts.annex.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=name, is_service_account=True)
    with scopes_disabled():
        Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"role": Role.SERVICE_ACCOUNT}
        )
    return user


@transaction.atomic
def issue_api_token(
    *,
    organization: Organization,
    name: str,
    scope: str,
    acting: Membership,
    service_account: str = "",
    expires_at=None,
) -> tuple[ApiToken, str]:
    """Issue a token for a service account; return it with the secret, which is shown once."""
    _require(acting, Action.MANAGE_TOKENS)
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": "Name the token after what uses it, e.g. 'MLflow registry'."}
        )
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": f"'{scope}' is not a token scope (read or read_write)."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    user = _service_account(organization, service_account.strip() or name)
    full, prefix, key_hash = new_api_token()
    token = ApiToken.objects.create(
        organization=organization,
        user=user,
        name=name,
        prefix=prefix,
        key_hash=key_hash,
        scope=scope,
        created_by=acting.user,
        expires_at=expires_at,
    )
    record_event(
        organization=organization,
        actor=acting.user,
        action="token.issued",
        obj=token,
        changes={
            "scope": scope,
            "service_account": user.full_name,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, full


@transaction.atomic
def revoke_api_token(*, token: ApiToken, acting: Membership) -> ApiToken:
    """Revoke a token; requests with it fail with 401 from now on."""
    _require(acting, Action.MANAGE_TOKENS)
    if token.revoked_at:
        raise ValidationError("This token was revoked already.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        organization=token.organization, actor=acting.user, action="token.revoked", obj=token
    )
    return token


def touch_token(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (a write per request is waste)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        with scopes_disabled():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def remember_organization(user: User, slug: str) -> None:
    """Remember the organisation the user last opened, for the next sign-in."""
    if user.last_organization_slug != slug:
        User.objects.filter(pk=user.pk).update(last_organization_slug=slug)
        user.last_organization_slug = slug


@transaction.atomic
def set_two_factor_requirement(
    *, organization: Organization, required: bool, acting: Membership
) -> Organization:
    """Require (or stop requiring) two-factor sign-in of every member; owners only."""
    from governance.accounts.two_factor import has_two_factor

    _require(acting, Action.REQUIRE_TWO_FACTOR)
    if required and not has_two_factor(acting.user):
        raise ValidationError(
            {
                "require_two_factor": "Turn on two-factor sign-in for yourself first "
                "(Your account → Two-factor sign-in), so you keep access."
            }
        )
    current = lock_row(organization)
    old = current.require_two_factor
    organization.require_two_factor = required
    if old == required:
        return organization
    # One column: a concurrent rename keeps its change; the version moves on (ETag).
    save_changes(current, {"require_two_factor": required})
    organization.row_version = current.row_version
    record_event(
        organization=organization,
        actor=acting.user,
        action=f"organization.two_factor_{'required' if required else 'optional'}",
        obj=organization,
        changes={"require_two_factor": [old, required]},
    )
    return organization


__all__ = [
    "accept_invitation",
    "change_member_role",
    "check_invitation",
    "create_organization",
    "hash_secret",
    "invite_member",
    "issue_api_token",
    "remove_member",
    "rename_organization",
    "revoke_api_token",
    "revoke_invitation",
    "set_two_factor_requirement",
    "touch_token",
]
