"""Reads of assessments, organisation first; a foreign, missing or hidden one is a 404."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from . import scoring
from .access import VIEW_PERM, reads_all_assessments, reads_granted_only, sees_scores_only
from .models import (
    OPEN_ACTION_STATUSES,
    Assessment,
    AssessmentApproval,
    AssessmentStatus,
    RemediationAction,
    Response,
)


def assessments_of(organization):
    return Assessment.objects.filter(organization=organization)


def assessments_for_member(membership):
    """Return the assessments the member may open: all, or (auditors) the approved granted ones."""
    qs = assessments_of(membership.organization).select_related("framework", "system")
    if reads_all_assessments(membership):
        return qs
    if reads_granted_only(membership):
        granted = get_objects_for_user(
            membership.user, VIEW_PERM, klass=qs, accept_global_perms=False
        )
        # A grant's period ends access by itself, before the beat task removes the permission.
        from compliance.documents.grants import ended_grant_assessments

        return granted.filter(status=AssessmentStatus.APPROVED).exclude(
            pk__in=ended_grant_assessments(membership)
        )
    return qs.none()


def assessments_with_scores(membership):
    """Return (assessment, score) for the list and the board: scores in one query."""
    qs = (
        assessments_of(membership.organization)
        if sees_scores_only(membership)
        else assessments_for_member(membership)
    ).select_related("framework", "system", "approved_by")
    assessments = list(qs.order_by("-created_at")[:500])
    items = scoring_items_by_assessment([a.pk for a in assessments])
    return [(a, scoring.score_items(items.get(a.pk, []))) for a in assessments]


def get_assessment_for_member(membership, assessment_uuid) -> Assessment:
    assessment = (
        assessments_for_member(membership)
        .select_related("classification", "approved_by", "reopened_by", "created_by")
        .filter(uuid=assessment_uuid)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def get_assessment_scores_for_member(membership, assessment_uuid) -> Assessment:
    """The assessment for its score page: board members see scores of every assessment."""
    qs = (
        assessments_of(membership.organization)
        if sees_scores_only(membership)
        else assessments_for_member(membership)
    )
    assessment = qs.select_related("framework", "system").filter(uuid=assessment_uuid).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def live_responses(assessment):
    return Response.objects.filter(
        organization=assessment.organization, assessment=assessment, retired_at=None
    )


def response_rows(assessment):
    """The assessment's live responses with their item, group, owner and answerer (a query)."""
    return (
        live_responses(assessment)
        .select_related("requirement", "requirement__parent", "owner", "answered_by")
        .defer(
            "requirement__text",
            "requirement__guidance",
            "requirement__typical_evidence",
            "requirement__condition",
            "requirement__parent__text",
            "requirement__parent__question",
            "requirement__parent__guidance",
            "requirement__parent__typical_evidence",
            "requirement__parent__condition",
            "requirement__parent__choices",
        )
        .order_by("order")
    )


def responses_for_page(assessment) -> list:
    """Return the assessment's live responses with what the questionnaire shows: two queries.

    Each response carries `open_actions` (its open remediation actions), counted in a second
    query rather than a GROUP BY over every response column.
    """
    rows = list(response_rows(assessment))
    links = RemediationAction.responses.through.objects.filter(
        response__assessment=assessment,
        remediationaction__status__in=OPEN_ACTION_STATUSES,
    )
    counts: dict[int, int] = {}
    for response_id in links.values_list("response_id", flat=True):
        counts[response_id] = counts.get(response_id, 0) + 1
    for r in rows:
        r.open_actions = counts.get(r.pk, 0)
    return rows


def get_response(assessment, response_uuid) -> Response:
    response = (
        live_responses(assessment)
        .select_related("requirement", "requirement__parent", "owner", "answered_by", "assessment")
        .filter(uuid=response_uuid)
        .first()
    )
    if response is None:
        raise Http404("No such item in this assessment.")
    return response


def group_key(requirement) -> str:
    return requirement.obligation


def group_title(requirement) -> str:
    return requirement.parent.title if requirement.parent_id else requirement.obligation


def scoring_item(response) -> scoring.Item:
    return scoring.Item(
        group=group_key(response.requirement),
        answer_type=response.requirement.answer_type,
        answered=response.answered_at is not None,
        status=response.status,
        maturity=response.maturity,
        soa_applicable=response.soa_applicable,
    )


def scoring_items_by_assessment(assessment_ids) -> dict[int, list[scoring.Item]]:
    """Return the scoring items of many assessments in one query."""
    rows = (
        Response.objects.filter(assessment_id__in=assessment_ids, retired_at=None)
        .values_list(
            "assessment_id",
            "requirement__obligation",
            "requirement__answer_type",
            "answered_at",
            "status",
            "maturity",
            "soa_applicable",
        )
        .order_by()
    )
    out: dict[int, list[scoring.Item]] = {}
    for aid, group, answer_type, answered_at, status, maturity, soa in rows:
        out.setdefault(aid, []).append(
            scoring.Item(group, answer_type, answered_at is not None, status, maturity, soa)
        )
    return out


def score_of(assessment) -> scoring.Score:
    return scoring.score_items(scoring_items_by_assessment([assessment.pk]).get(assessment.pk, []))


def approvals_of(assessment):
    return AssessmentApproval.objects.filter(
        organization=assessment.organization, assessment=assessment
    ).select_related("approved_by")


def get_approval(assessment, number: int) -> AssessmentApproval:
    approval = approvals_of(assessment).filter(number=number).first()
    if approval is None:
        raise Http404("No such approval.")
    return approval


# --- Remediation actions --------------------------------------------------------------------


def actions_of(organization):
    return RemediationAction.objects.filter(organization=organization)


def actions_for_member(membership):
    qs = actions_of(membership.organization).select_related("owner", "assessment")
    if reads_all_assessments(membership):
        return qs
    visible = assessments_for_member(membership).values("pk")
    return qs.filter(assessment__in=visible)


def actions_of_assessment(assessment):
    return (
        actions_of(assessment.organization)
        .filter(assessment=assessment)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.filter(organization=assessment.organization)
                .select_related("requirement")
                .order_by("order"),
            )
        )
    )


def my_actions(membership):
    """Actions assigned to the member, open first, overdue ones on top."""
    return (
        actions_of(membership.organization)
        .filter(owner=membership.user)
        .select_related("assessment", "assessment__system")
        .order_by("status", "due_date")
    )


def overdue_actions(organization):
    return actions_of(organization).filter(
        status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate()
    )


def get_action_for_member(membership, action_uuid) -> RemediationAction:
    action = (
        actions_for_member(membership)
        .prefetch_related("responses__requirement")
        .filter(uuid=action_uuid)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def open_assessments_of_system(system):
    return (
        assessments_of(system.organization)
        .filter(system=system)
        .exclude(status=AssessmentStatus.APPROVED)
    )
