"""Web pages of assessments: list, create, the questionnaire, workflow, SoA, approvals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from compliance.evidence.selectors import evidence_by_response, suggested_evidence
from governance.core.forms import apply_service_errors
from governance.register.selectors import systems_of
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action
from governance.tenancy.selectors import members_of

from . import presentation, scoring, selectors, services, workflow
from .access import can_answer, can_see_scores, runs_assessments, sees_scores_only
from .concurrency import StaleVersion, parse_version
from .forms import AssessmentCreateForm

SCORING_DOC = "compliance/assessments/SCORING.md"


def _require_read(membership) -> None:
    if not (
        membership.can(Action.VIEW_ASSESSMENTS) or membership.can(Action.VIEW_GRANTED_ASSESSMENTS)
    ):
        raise PermissionDenied("Your role does not allow reading assessments.")


def _detail_url(org_slug, assessment, suffix=""):
    url = reverse(
        "assessments:detail", kwargs={"org_slug": org_slug, "assessment_uuid": assessment.uuid}
    )
    return url + suffix


@require_action(Action.VIEW_ORGANIZATION)
def assessment_list(request, org_slug):
    membership = request.membership
    if not can_see_scores(membership) and not membership.can(Action.VIEW_GRANTED_ASSESSMENTS):
        raise PermissionDenied("Your role does not allow reading assessments.")
    rows = selectors.assessments_with_scores(membership)
    return render(
        request,
        "assessments/list.html",
        {
            "rows": rows,
            "scores_only": sees_scores_only(membership),
            "can_create": runs_assessments(membership),
            "overall": scoring.combine(s for _a, s in rows),
        },
    )


@require_action(Action.EDIT_ASSESSMENTS)
def assessment_create(request, org_slug):
    membership = request.membership
    if not runs_assessments(membership):
        raise PermissionDenied("Only compliance officers start assessments.")
    systems = list(systems_of(request.organization).order_by("name"))
    initial = {
        "system": request.GET.get("system", ""),
        "framework": request.GET.get("framework", "eu-ai-act"),
    }
    form = AssessmentCreateForm(request.POST or None, systems=systems, initial=initial)
    if request.method == "POST" and form.is_valid():
        system = None
        if form.cleaned_data["system"]:
            system = next((s for s in systems if str(s.uuid) == form.cleaned_data["system"]), None)
        try:
            assessment = services.create_assessment(
                organization=request.organization,
                acting=membership,
                system=system,
                **form.service_args(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"“{assessment.title}” is ready to answer.")
            return redirect(_detail_url(org_slug, assessment))
    return render(request, "assessments/create.html", {"form": form})


def _questionnaire_context(request, assessment, flt):
    membership = request.membership
    responses = list(selectors.responses_for_page(assessment))
    evidence = evidence_by_response(assessment.organization, [r.pk for r in responses])
    suggested = suggested_evidence(assessment.organization, responses)
    members = list(members_of(assessment.organization).select_related("user"))
    groups, overall = presentation.build_groups(
        responses,
        evidence=evidence,
        suggested=suggested,
        flt=flt,
        membership=membership,
        can_answer=can_answer,
        urls=presentation.Urls(assessment.organization.slug, assessment, members),
    )
    return {
        "csrf_input": presentation.csrf_input(request),
        "assessment": assessment,
        "groups": groups,
        "overall": overall,
        "filter": flt,
        "filters": presentation.FILTERS,
        "shown": sum(g.shown for g in groups),
        "status_choices": presentation.STATUS_CHOICES,
        "implementation_choices": presentation.IMPLEMENTATION_CHOICES,
        "maturity_choices": presentation.MATURITY_CHOICES,
        "moves": workflow.available_moves(assessment.status, membership.role),
        "pending": services.pending_changes(assessment) if runs_assessments(membership) else None,
        "runs": runs_assessments(membership),
        "locked": assessment.is_locked,
        "approvals": list(selectors.approvals_of(assessment)),
    }


def assessment_detail(request, org_slug, assessment_uuid):
    """The questionnaire: every applicable item, grouped, saved as one answers."""
    _require_read(request.membership)
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    flt = request.GET.get("filter", "")
    flt = flt if flt in presentation.FILTERS else ""
    context = _questionnaire_context(request, assessment, flt)
    presentation.render_items(context["groups"], context, context["csrf_input"])
    return render(request, "assessments/detail.html", context)


def _item_context(request, assessment, response, **extra):
    evidence = evidence_by_response(assessment.organization, [response.pk])
    suggested = suggested_evidence(assessment.organization, [response])
    members = list(members_of(assessment.organization).select_related("user"))
    groups, _ = presentation.build_groups(
        [response],
        evidence=evidence,
        suggested=suggested,
        flt="",
        membership=request.membership,
        can_answer=can_answer,
        urls=presentation.Urls(assessment.organization.slug, assessment, members),
    )
    return {
        "csrf_input": presentation.csrf_input(request),
        "item": groups[0].items[0],
        "assessment": assessment,
        "status_choices": presentation.STATUS_CHOICES,
        "implementation_choices": presentation.IMPLEMENTATION_CHOICES,
        "maturity_choices": presentation.MATURITY_CHOICES,
        "locked": assessment.is_locked,
        "runs": runs_assessments(request.membership),
        "group_score": None,
        **extra,
    }


ANSWER_POST_FIELDS = services.EDITABLE_FIELDS


def _posted_answer(request) -> dict:
    data = {name: request.POST.get(name) for name in ANSWER_POST_FIELDS if name in request.POST}
    if data.get("owner"):
        # A user id from the select; a foreign or unknown one is refused by the service.
        data["owner"] = int(data["owner"]) if str(data["owner"]).isdigit() else 0
    return data


def response_save(request, org_slug, assessment_uuid, response_uuid):
    """Save one item (htmx: answers the item's fragment; without JS: back to the page)."""
    _require_read(request.membership)
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    response = selectors.get_response(assessment, response_uuid)
    if request.method != "POST":
        return redirect(_detail_url(org_slug, assessment, f"#item-{response.uuid}"))
    data = _posted_answer(request)
    errors, conflict = {}, None
    yours = dict(data)
    try:
        services.answer_response(
            response=response,
            acting=request.membership,
            version=parse_version(request.POST.get("version")) or 0,
            data=data,
        )
    except StaleVersion as exc:
        conflict = {"by": exc.current.answered_by, "at": exc.current.answered_at, "yours": yours}
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"status": exc.messages}
    except PermissionDenied as exc:
        errors = {"status": [str(exc)]}
    fresh = selectors.get_response(assessment, response.uuid)
    if errors:
        _show_posted(fresh, yours)
    if not request.headers.get("HX-Request"):
        if errors or conflict:
            messages.error(
                request,
                _first_error(errors)
                if errors
                else "Someone else saved this item first: their answer is shown.",
            )
        return redirect(_detail_url(org_slug, assessment, f"#item-{response.uuid}"))
    context = _item_context(
        request,
        assessment,
        fresh,
        errors=errors,
        conflict=conflict,
        saved=not errors and not conflict,
    )
    return render(request, "assessments/_item.html", context)


REDISPLAYED = (
    "status",
    "choice",
    "text",
    "justification",
    "soa_justification",
    "implementation_status",
)


def _show_posted(response, posted: dict) -> None:
    """Show what the person typed next to the error (in memory only: nothing is saved)."""
    for name in REDISPLAYED:
        if name in posted:
            setattr(response, name, posted[name] or "")
    if "soa_applicable" in posted:
        response.soa_applicable = posted["soa_applicable"] not in ("false", False)


def _first_error(errors: dict) -> str:
    for messages_ in errors.values():
        return messages_[0] if isinstance(messages_, list) else str(messages_)
    return "Not saved."


DONE_MESSAGES = {
    "start": "Started.",
    "submit": "Submitted for review.",
    "return": "Returned for changes.",
    "approve": "Approved and locked.",
    "reopen": "Reopened; the approved version stays viewable.",
}


@require_POST
def assessment_transition(request, org_slug, assessment_uuid):
    _require_read(request.membership)
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    try:
        services.transition_assessment(
            assessment=assessment,
            acting=request.membership,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except (workflow.TransitionInvalid, workflow.TransitionForbidden) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, DONE_MESSAGES.get(request.POST.get("action"), "Done."))
    return redirect(_detail_url(org_slug, assessment))


@require_POST
def assessment_refresh(request, org_slug, assessment_uuid):
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    try:
        summary = services.bring_up_to_date(assessment=assessment, acting=request.membership)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            f"Up to date with classification v{summary['classification_version']}: "
            f"{len(summary['added'])} item(s) added, {len(summary['dropped'])} set aside "
            "(answers kept).",
        )
    return redirect(_detail_url(org_slug, assessment))


@require_POST
def fria_notification(request, org_slug, assessment_uuid):
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    data = {
        k: request.POST.get(k, "")
        for k in ("authority", "notified_on", "reference", "template_version", "exemption")
    }
    try:
        services.save_fria_notification(
            assessment=assessment,
            acting=request.membership,
            version=parse_version(request.POST.get("version")) or 0,
            data=data,
        )
    except StaleVersion:
        messages.error(request, "Someone else changed the notification first; theirs is shown.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Notification details saved.")
    return redirect(_detail_url(org_slug, assessment, "#notification"))


def assessment_soa(request, org_slug, assessment_uuid):
    """The Statement of Applicability: every Annex A control, in or out, and why."""
    _require_read(request.membership)
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    rows = [
        r
        for r in selectors.responses_for_page(assessment)
        if r.requirement.obligation.startswith("A.")
    ]
    if not rows:
        raise Http404("This assessment has no Annex A controls.")
    evidence = evidence_by_response(assessment.organization, [r.pk for r in rows])
    return render(
        request,
        "assessments/soa.html",
        {
            "assessment": assessment,
            "rows": [(r, evidence.get(r.pk, [])) for r in rows],
            "included": sum(1 for r in rows if r.soa_applicable is not False),
        },
    )


def assessment_scores(request, org_slug, assessment_uuid):
    """Scores per article or clause: what board members see."""
    if not can_see_scores(request.membership) and not request.membership.can(
        Action.VIEW_GRANTED_ASSESSMENTS
    ):
        raise PermissionDenied("Your role does not allow reading scores.")
    assessment = selectors.get_assessment_scores_for_member(request.membership, assessment_uuid)
    responses = list(selectors.responses_for_page(assessment))
    groups, overall = presentation.build_groups(
        responses,
        evidence={},
        suggested={},
        flt="",
        membership=request.membership,
        can_answer=lambda *_: False,
    )
    return render(
        request,
        "assessments/scores.html",
        {
            "assessment": assessment,
            "groups": groups,
            "overall": overall,
            "scores_only": sees_scores_only(request.membership),
        },
    )


def approval_detail(request, org_slug, assessment_uuid, number):
    """One approved version, exactly as approved (kept after a reopen)."""
    _require_read(request.membership)
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    approval = selectors.get_approval(assessment, number)
    return render(
        request,
        "assessments/approval.html",
        {
            "assessment": assessment,
            "approval": approval,
        },
    )
