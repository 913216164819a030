"""Grant auditors read access to chosen assessments for a period; end it by hand or by time."""

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from compliance.assessments.models import Assessment, AssessmentStatus
from compliance.documents.models import AuditorGrant
from governance.audit.services import record_event
from governance.tenancy.models import Membership
from governance.tenancy.roles import Action, Role

VIEW_PERM = "assessments.view_assessment"


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def grant_access(*, acting, auditor_uuid, assessment_uuids, until) -> list[AuditorGrant]:
    """Give an auditor read access to approved assessments until the end of a day."""
    if not acting.can(Action.MANAGE_MEMBERS):
        raise PermissionDenied("Only owners and admins grant auditors access.")
    organization = acting.organization
    errors = {}
    auditor = (
        Membership.objects.filter(organization=organization, uuid=auditor_uuid, role=Role.AUDITOR)
        .select_related("user")
        .first()
    )
    if auditor is None:
        errors["auditor"] = "Choose an auditor of this organisation."
    assessments = list(
        Assessment.objects.filter(
            organization=organization, uuid__in=[str(u) for u in assessment_uuids or []]
        )
    )
    if not assessments or len(assessments) != len(set(map(str, assessment_uuids))):
        errors["assessments"] = "Choose one or more assessments of this organisation."
    elif any(a.status != AssessmentStatus.APPROVED for a in assessments):
        errors["assessments"] = "Auditors are granted approved assessments only."
    ends_at = _end_of(until) if until else None
    if ends_at is None or ends_at <= timezone.now():
        errors["until"] = "Give the last day of access: today or later."
    elif auditor and auditor.access_expires_at and ends_at > auditor.access_expires_at:
        errors["until"] = (
            f"The auditor's membership ends on {auditor.access_expires_at:%d %B %Y}: "
            "a grant cannot outlast it."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grants = []
        for assessment in assessments:
            grant = AuditorGrant.objects.create(
                organization=organization,
                auditor=auditor,
                assessment=assessment,
                granted_by=acting.user,
                ends_at=ends_at,
            )
            assign_perm(VIEW_PERM, auditor.user, assessment)
            record_event(
                organization=organization,
                actor=acting.user,
                action="auditor.granted",
                obj=grant,
                changes={
                    "auditor": auditor.user.email,
                    "assessment": assessment.title,
                    "until": ends_at.date().isoformat(),
                },
            )
            grants.append(grant)
    return grants


def _end(grant, *, actor, action: str) -> None:
    remaining = AuditorGrant.objects.filter(
        auditor=grant.auditor,
        assessment=grant.assessment,
        revoked_at=None,
        ends_at__gt=timezone.now(),
    ).exclude(pk=grant.pk)
    if not remaining.exists():
        remove_perm(VIEW_PERM, grant.auditor.user, grant.assessment)
    record_event(
        organization=grant.organization,
        actor=actor,
        action=action,
        obj=grant,
        changes={"auditor": grant.auditor.user.email, "assessment": grant.assessment.title},
    )


def revoke_access(*, acting, grant) -> None:
    if not acting.can(Action.MANAGE_MEMBERS):
        raise PermissionDenied("Only owners and admins revoke auditors' access.")
    with transaction.atomic():
        updated = AuditorGrant.objects.filter(pk=grant.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if updated:
            _end(grant, actor=acting.user, action="auditor.revoked")


def expire_grants(*, now=None) -> int:
    """Remove the permission of every grant whose period has ended (beat, every few minutes)."""
    now = now or timezone.now()
    count = 0
    due = AuditorGrant.objects.filter(revoked_at=None, ends_at__lte=now).select_related(
        "auditor__user", "assessment", "organization"
    )
    for grant in due:
        with transaction.atomic():
            if AuditorGrant.objects.filter(pk=grant.pk, revoked_at=None).update(revoked_at=now):
                _end(grant, actor=None, action="auditor.expired")
                count += 1
    return count


def active_grant_assessments(membership):
    """The assessments an auditor holds an unexpired grant for (a check beside guardian's)."""
    return AuditorGrant.objects.filter(
        organization=membership.organization,
        auditor=membership,
        revoked_at=None,
        ends_at__gt=timezone.now(),
    ).values("assessment")


def grants_of(organization):
    return AuditorGrant.objects.filter(organization=organization).select_related(
        "auditor__user", "assessment", "granted_by"
    )


def ended_grant_assessments(membership):
    """Assessments whose every grant to this auditor has ended (revoked or past its period)."""
    return (
        AuditorGrant.objects.filter(organization=membership.organization, auditor=membership)
        .exclude(assessment__in=active_grant_assessments(membership))
        .values("assessment")
    )
