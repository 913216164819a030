"""Use cases of assessments: build from the catalogue, answer, bring up to date, review.

Every writer takes keyword-only arguments, runs in one transaction and records an audit event
in it. Web pages, the API and the demo all call these.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.catalogue.conditions import facts_from_classification
from compliance.catalogue.selectors import applicable_requirements, get_framework
from governance.audit.services import record_event
from governance.tenancy.models import Membership

from . import workflow
from .access import can_answer, runs_assessments
from .concurrency import update_if_current
from .models import (
    AnswerStatus,
    Assessment,
    AssessmentApproval,
    AssessmentKind,
    AssessmentStatus,
    ImplementationStatus,
    Response,
)
from .snapshot import build_snapshot

EU_AI_ACT = "eu-ai-act"
ISO_42001 = "iso-42001"
FRIA_OBLIGATION = "art_27"
MAX_TEXT = 20_000


def _require_run(acting) -> None:
    if not runs_assessments(acting):
        raise PermissionDenied("Your role does not allow running assessments.")


def _require_open(assessment) -> None:
    if assessment.is_locked:
        raise ValidationError(
            "This assessment is approved and locked. An owner or admin can reopen it."
        )


# --- Which items apply ------------------------------------------------------------------------


def latest_classification(system):
    from governance.classification.models import Classification

    return (
        Classification.objects.filter(organization=system.organization, system=system)
        .order_by("-version")
        .first()
    )


def eu_ai_act_scope(system, *, kind: str = AssessmentKind.GAP_ANALYSIS) -> dict:
    """Return what an EU AI Act assessment of the system holds now: classification, facts,
    obligation codes. Raise ValidationError (field `system`) when it cannot be built."""
    classification = latest_classification(system)
    if classification is None:
        raise ValidationError({"system": "Screen and classify this system before assessing it."})
    facts = facts_from_classification(classification.screening, classification.result, system)
    obligations = list(classification.result.get("obligations") or [])
    if kind == AssessmentKind.FRIA:
        if FRIA_OBLIGATION not in obligations:
            raise ValidationError(
                {
                    "system": "This system's classification does not call for a fundamental "
                    "rights impact assessment (Art. 27) for your role."
                }
            )
        obligations = [FRIA_OBLIGATION]
    if not obligations:
        raise ValidationError({"system": "This system has no EU AI Act obligations to assess."})
    return {"classification": classification, "facts": facts, "obligations": obligations}


def _iso_items(framework):
    from compliance.catalogue.models import RequirementKind

    return list(
        framework.requirements.filter(kind=RequirementKind.ITEM)
        .select_related("parent")
        .order_by("order")
    )


def _default_title(framework, system, kind) -> str:
    if kind == AssessmentKind.FRIA:
        return f"FRIA (Art. 27): {system.name}"
    if system is not None:
        return f"{framework.name} gap analysis: {system.name}"
    return f"{framework.name}: AI management system"


@transaction.atomic
def create_assessment(
    *,
    organization,
    acting,
    framework_slug: str,
    system=None,
    kind: str = AssessmentKind.GAP_ANALYSIS,
    title: str = "",
) -> Assessment:
    """Build an assessment holding exactly the framework's applicable items."""
    _require_run(acting)
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": f"Expected one of: {', '.join(AssessmentKind.values)}."})
    try:
        framework = get_framework(organization, framework_slug)
    except Exception as exc:  # Http404 from the catalogue's doorway
        raise ValidationError({"framework": f"No framework “{framework_slug}”."}) from exc
    scope = {"classification": None, "facts": {}, "obligations": []}
    if framework.slug == EU_AI_ACT:
        if system is None:
            raise ValidationError({"system": "An EU AI Act assessment is about one AI system."})
        if system.archived_at:
            raise ValidationError({"system": "This system is archived."})
        scope = eu_ai_act_scope(system, kind=kind)
        requirements = applicable_requirements(framework, scope["obligations"], scope["facts"])
    else:
        if kind == AssessmentKind.FRIA:
            raise ValidationError({"kind": "A FRIA is an EU AI Act assessment of one system."})
        if system is not None and framework.slug == ISO_42001:
            raise ValidationError(
                {"system": "An ISO/IEC 42001 assessment covers the whole organisation."}
            )
        requirements = _iso_items(framework)
    if not requirements:
        raise ValidationError({"framework": "No item of this framework applies."})
    assessment = Assessment.objects.create(
        organization=organization,
        framework=framework,
        kind=kind,
        system=system,
        title=(title.strip() or _default_title(framework, system, kind))[:250],
        classification=scope["classification"],
        facts=scope["facts"],
        obligations=scope["obligations"],
        created_by=acting.user,
    )
    Response.objects.bulk_create(
        [
            Response(
                organization=organization,
                assessment=assessment,
                requirement=r,
                order=r.order,
                soa_applicable=True if r.obligation.startswith("A.") else None,
            )
            for r in requirements
        ],
        batch_size=500,
    )
    record_event(
        organization=organization,
        actor=acting.user,
        action="assessment.created",
        obj=assessment,
        changes={
            "framework": f"{framework.slug} {framework.version}",
            "items": len(requirements),
            "system": str(system.uuid) if system else None,
            "kind": kind,
        },
    )
    return assessment


# --- Classification changed: items added or dropped ------------------------------------------


def pending_changes(assessment) -> dict | None:
    """Return {"added": [requirements], "dropped": [responses], "classification"} when the
    system's current classification calls for other items than the assessment holds."""
    if assessment.system_id is None or assessment.is_locked:
        return None
    latest = latest_classification(assessment.system)
    if latest is None or latest.pk == assessment.classification_id:
        return None
    try:
        scope = eu_ai_act_scope(assessment.system, kind=assessment.kind)
    except ValidationError:
        scope = {"classification": latest, "facts": {}, "obligations": []}
    wanted = applicable_requirements(assessment.framework, scope["obligations"], scope["facts"])
    live = {
        r.requirement_id: r
        for r in Response.objects.filter(
            organization=assessment.organization, assessment=assessment, retired_at=None
        ).select_related("requirement")
    }
    wanted_ids = {r.pk for r in wanted}
    return {
        "classification": latest,
        "scope": scope,
        "added": [r for r in wanted if r.pk not in live],
        "dropped": sorted(
            (r for rid, r in live.items() if rid not in wanted_ids), key=lambda r: r.order
        ),
        "wanted": wanted,
    }


@transaction.atomic
def bring_up_to_date(*, assessment, acting) -> dict:
    """Add the items the new classification calls for, retire those it no longer does.

    Answers are kept: a retired item keeps its answer and comes back with it if the item
    applies again.
    """
    _require_run(acting)
    _require_open(assessment)
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    changes = pending_changes(assessment)
    if changes is None:
        raise ValidationError("This assessment is already up to date with the classification.")
    now = timezone.now()
    for response in changes["dropped"]:
        Response.objects.filter(pk=response.pk).update(retired_at=now)
    retired = {
        r.requirement_id: r
        for r in Response.objects.filter(
            organization=assessment.organization,
            assessment=assessment,
            requirement__in=changes["added"],
        )
    }
    new = []
    for requirement in changes["added"]:
        if requirement.pk in retired:
            Response.objects.filter(pk=retired[requirement.pk].pk).update(retired_at=None)
        else:
            new.append(
                Response(
                    organization=assessment.organization,
                    assessment=assessment,
                    requirement=requirement,
                    order=requirement.order,
                )
            )
    Response.objects.bulk_create(new, batch_size=500)
    scope = changes["scope"]
    Assessment.objects.filter(pk=assessment.pk).update(
        classification=changes["classification"],
        facts=scope["facts"],
        obligations=scope["obligations"],
        updated_at=now,
    )
    summary = {
        "added": [r.code for r in changes["added"]],
        "dropped": [r.requirement.code for r in changes["dropped"]],
        "classification_version": changes["classification"].version,
    }
    record_event(
        organization=assessment.organization,
        actor=acting.user,
        action="assessment.updated_to_classification",
        obj=assessment,
        changes=summary,
    )
    assessment.refresh_from_db()
    return summary


# --- Answers ----------------------------------------------------------------------------------

ANSWER_FIELDS = ("status", "maturity", "choice", "text", "date", "number")
PLAN_FIELDS = ("justification", "owner", "due_date")
SOA_FIELDS = ("soa_applicable", "soa_justification", "implementation_status")
EDITABLE_FIELDS = ANSWER_FIELDS + PLAN_FIELDS + SOA_FIELDS


def _clean_date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD."
        return None


def _clean_answer_values(requirement, data: dict, errors: dict) -> dict:
    out = {}
    if "status" in data:
        status = data["status"] or ""
        allowed = (
            AnswerStatus.values
            if requirement.answer_type == "yes_no_partial"
            else [AnswerStatus.NOT_APPLICABLE]
        )
        if status and status not in allowed:
            errors["status"] = f"Expected one of: {', '.join(allowed)}."
        out["status"] = status
    if "maturity" in data:
        value = data["maturity"]
        if value in (None, ""):
            out["maturity"] = None
        else:
            try:
                out["maturity"] = int(value)
                if not 0 <= out["maturity"] <= 5:
                    raise ValueError
            except (TypeError, ValueError):
                errors["maturity"] = "Enter a maturity level from 0 to 5."
    if "choice" in data:
        choice = str(data["choice"] or "")
        options = [c.get("value", c) if isinstance(c, dict) else c for c in requirement.choices]
        if choice and choice not in [str(o) for o in options]:
            errors["choice"] = "Not one of this question's choices."
        out["choice"] = choice
    if "text" in data:
        out["text"] = str(data["text"] or "")
        if len(out["text"]) > MAX_TEXT:
            errors["text"] = f"Keep the answer under {MAX_TEXT} characters."
    if "date" in data:
        out["date"] = _clean_date(data["date"], "date", errors)
    if "number" in data:
        value = data["number"]
        if value in (None, ""):
            out["number"] = None
        else:
            try:
                out["number"] = Decimal(str(value).strip()[:30])
                if not out["number"].is_finite() or abs(out["number"]) >= Decimal(10) ** 15:
                    raise InvalidOperation
            except InvalidOperation:
                errors["number"] = "Enter a number."
    return out


def _clean_plan_values(organization, data: dict, errors: dict) -> dict:
    out = {}
    if "justification" in data:
        out["justification"] = str(data["justification"] or "")[:MAX_TEXT]
    if "due_date" in data:
        out["due_date"] = _clean_date(data["due_date"], "due_date", errors)
    if "owner" in data:
        owner = data["owner"]
        if owner in (None, ""):
            out["owner"] = None
        else:
            member = (
                Membership.objects.filter(organization=organization, user=owner)
                .select_related("user")
                .first()
            )
            if member is None:
                errors["owner"] = "The owner must be a member of this organisation."
            else:
                out["owner"] = member.user
    return out


def _clean_soa_values(requirement, data: dict, errors: dict) -> dict:
    out = {}
    if not any(f in data for f in SOA_FIELDS):
        return out
    if not requirement.obligation.startswith("A."):
        errors["soa_applicable"] = "Only ISO/IEC 42001 Annex A controls are in the SoA."
        return out
    if "soa_applicable" in data:
        value = data["soa_applicable"]
        out["soa_applicable"] = None if value in (None, "") else value in (True, "true", "yes")
    if "soa_justification" in data:
        out["soa_justification"] = str(data["soa_justification"] or "")[:MAX_TEXT]
    if "implementation_status" in data:
        value = data["implementation_status"] or ""
        if value and value not in ImplementationStatus.values:
            errors["implementation_status"] = (
                f"Expected one of: {', '.join(ImplementationStatus.values)}."
            )
        out["implementation_status"] = value
    return out


def _is_answered(requirement, values: dict) -> bool:
    if values.get("status") == AnswerStatus.NOT_APPLICABLE or values.get("soa_applicable") is False:
        return True
    kind = requirement.answer_type
    if kind == "yes_no_partial":
        return bool(values.get("status"))
    field = {
        "maturity": "maturity",
        "choice": "choice",
        "text": "text",
        "date": "date",
        "number": "number",
    }.get(kind, "status")
    return values.get(field) not in (None, "")


def clean_answer(response, data: dict) -> dict:
    """Validate a partial answer against the item's answer type; return the fields to write.

    Raise ValidationError naming each bad field. Not applicable needs a reason (the
    justification), as does excluding an Annex A control from the SoA.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    errors: dict = {k: "Not a field of a response." for k in sorted(unknown)}
    requirement = response.requirement
    values = {
        **_clean_answer_values(requirement, data, errors),
        **_clean_plan_values(response.organization, data, errors),
        **_clean_soa_values(requirement, data, errors),
    }
    merged = {f: getattr(response, f) for f in EDITABLE_FIELDS if f != "owner"}
    merged.update({k: v for k, v in values.items() if k != "owner"})
    if merged["status"] == AnswerStatus.NOT_APPLICABLE and not merged["justification"].strip():
        errors.setdefault("justification", "Give the reason why this item does not apply.")
    if merged["soa_applicable"] is False and not merged["soa_justification"].strip():
        errors.setdefault(
            "soa_justification", "Give the reason for excluding this control (ISO 42001 6.1.3)."
        )
    if errors:
        raise ValidationError(errors)
    values["_answered"] = _is_answered(requirement, merged)
    return values


def _start_if_draft(assessment, acting) -> None:
    if assessment.status == AssessmentStatus.DRAFT:
        Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.DRAFT).update(
            status=AssessmentStatus.IN_PROGRESS, updated_at=timezone.now()
        )
        assessment.status = AssessmentStatus.IN_PROGRESS


@transaction.atomic
def answer_response(*, response, acting, version: int, data: dict) -> Response:
    """Save part of an answer if `version` is still current; else raise StaleVersion."""
    assessment = response.assessment
    if not can_answer(acting, response):
        raise PermissionDenied("You can answer only the items assigned to you.")
    _require_open(assessment)
    values = clean_answer(response, data)
    answered = values.pop("_answered")
    if "owner" in values and not runs_assessments(acting):
        raise PermissionDenied("Only compliance officers assign items.")
    before = {k: _plain(getattr(response, k + "_id" if k == "owner" else k)) for k in values}
    now = timezone.now()
    stamp = {
        "answered_at": now if answered else None,
        "answered_by": acting.user if answered else None,
    }
    update_if_current(response, version, **values, **stamp)
    _start_if_draft(assessment, acting)
    changes = {
        k: [before[k], _plain(v.pk if k == "owner" and v is not None else v)]
        for k, v in values.items()
        if before[k] != _plain(v.pk if k == "owner" and v is not None else v)
    }
    record_event(
        organization=response.organization,
        actor=acting.user,
        action="response.answered",
        obj=response,
        object_repr=f"{response.requirement.code} in {assessment.title}"[:300],
        changes=changes,
    )
    return response


def _plain(value):
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


# --- Workflow -------------------------------------------------------------------------------


def _unanswered(assessment) -> int:
    return Response.objects.filter(
        organization=assessment.organization,
        assessment=assessment,
        retired_at=None,
        answered_at=None,
    ).count()


@transaction.atomic
def transition_assessment(*, assessment, acting, action: str, reason: str = "") -> Assessment:
    """Make one move of the workflow table; raise TransitionInvalid (400) or
    TransitionForbidden (403) when the table does not allow it."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    move = workflow.find_move(locked.status, action, acting.role)
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError({"reason": "Say why the approved assessment is reopened."})
    if move.target == AssessmentStatus.IN_REVIEW:
        missing = _unanswered(locked)
        if missing:
            raise workflow.TransitionInvalid(
                f"{missing} item{'s are' if missing != 1 else ' is'} still unanswered: answer "
                "them (or mark them not applicable with a reason) before submitting."
            )
    now = timezone.now()
    fields = {"status": move.target, "updated_at": now}
    if move.action == "submit":
        fields.update(submitted_by=acting.user, submitted_at=now)
    if move.action == "approve":
        fields.update(approved_by=acting.user, approved_at=now)
    if move.action == "reopen":
        fields.update(reopened_by=acting.user, reopened_at=now, reopened_reason=reason[:2000])
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*fields, "version"])
    if move.action == "approve":
        _keep_approval(locked, acting, now)
    record_event(
        organization=locked.organization,
        actor=acting.user,
        action=f"assessment.{move.action}",
        obj=locked,
        changes={"status": [move.source, move.target], **({"reason": reason} if reason else {})},
    )
    return locked


def _keep_approval(assessment, acting, now) -> AssessmentApproval:
    number = AssessmentApproval.objects.filter(assessment=assessment).count() + 1
    snapshot, score = build_snapshot(assessment)
    return AssessmentApproval.objects.create(
        organization=assessment.organization,
        assessment=assessment,
        number=number,
        approved_by=acting.user,
        approved_by_label=acting.user.email,
        approved_at=now,
        score=score,
        snapshot=snapshot,
    )


@transaction.atomic
def save_fria_notification(*, assessment, acting, version: int, data: dict) -> Assessment:
    """Keep the Art. 27(3) notification to the market surveillance authority."""
    _require_run(acting)
    _require_open(assessment)
    if assessment.kind != AssessmentKind.FRIA:
        raise ValidationError("Only a FRIA has a notification to the authority.")
    errors, clean = {}, {}
    for key in ("authority", "reference", "template_version", "exemption"):
        clean[key] = str(data.get(key) or "").strip()[:300]
    notified_on = _clean_date(data.get("notified_on"), "notified_on", errors)
    clean["notified_on"] = notified_on.isoformat() if notified_on else None
    if clean["exemption"] and notified_on:
        errors["exemption"] = "Either a notification or an Art. 46(1) exemption, not both."
    if notified_on and not clean["authority"]:
        errors["authority"] = "Name the market surveillance authority notified."
    if errors:
        raise ValidationError(errors)
    before = dict(assessment.notification)
    update_if_current(assessment, version, notification=clean, updated_at=timezone.now())
    record_event(
        organization=assessment.organization,
        actor=acting.user,
        action="assessment.fria_notification",
        obj=assessment,
        changes={"notification": [before, clean]},
    )
    return assessment
