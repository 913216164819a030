"""Use cases of remediation actions: plan a fix for a gap, update it, close it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit.services import record_event

from .access import can_update_action, member_user_or_none, runs_assessments
from .concurrency import update_if_current
from .models import ActionStatus, RemediationAction, Response

MAX_TITLE = 250


def _clean(organization, data: dict, *, creating: bool) -> dict:
    errors, out = {}, {}
    if "title" in data or creating:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = "Give the action a title."
        elif len(title) > MAX_TITLE:
            errors["title"] = f"Keep the title under {MAX_TITLE} characters."
        out["title"] = title
    if "description" in data:
        out["description"] = str(data["description"] or "")[:10_000]
    if "due_date" in data:
        value = data["due_date"]
        if value in (None, ""):
            out["due_date"] = None
        elif isinstance(value, datetime.date):
            out["due_date"] = value
        else:
            try:
                out["due_date"] = datetime.date.fromisoformat(str(value)[:10])
            except ValueError:
                errors["due_date"] = "Enter a date as YYYY-MM-DD."
    if "owner" in data:
        owner = data["owner"]
        if owner in (None, ""):
            out["owner"] = None
        elif member_user_or_none(organization, owner) is None:
            errors["owner"] = "The owner must be a member of this organisation."
        else:
            out["owner"] = member_user_or_none(organization, owner)
    if "status" in data:
        if data["status"] not in ActionStatus.values:
            errors["status"] = f"Expected one of: {', '.join(ActionStatus.values)}."
        out["status"] = data["status"]
    if errors:
        raise ValidationError(errors)
    return out


def _responses(assessment, uuids) -> list[Response]:
    uuids = [str(u) for u in (uuids or [])]
    found = list(
        Response.objects.filter(
            organization=assessment.organization, assessment=assessment, uuid__in=uuids
        )
    )
    if len(found) != len(set(uuids)):
        raise ValidationError({"responses": "Link only items of this assessment."})
    return found


@transaction.atomic
def create_action(*, assessment, acting, data: dict, response_uuids=()) -> RemediationAction:
    """Plan a remediation action for gaps of the assessment."""
    if not runs_assessments(acting):
        raise PermissionDenied("Only compliance officers plan remediation actions.")
    values = _clean(assessment.organization, data, creating=True)
    responses = _responses(assessment, response_uuids)
    action = RemediationAction.objects.create(
        organization=assessment.organization,
        assessment=assessment,
        created_by=acting.user,
        **values,
    )
    action.responses.set(responses)
    record_event(
        organization=assessment.organization,
        actor=acting.user,
        action="action.created",
        obj=action,
        changes={
            "assessment": str(assessment.uuid),
            "items": [r.requirement.code for r in responses],
            "due_date": str(values.get("due_date") or ""),
        },
    )
    return action


@transaction.atomic
def update_action(*, action, acting, version: int, data: dict, response_uuids=None):
    """Change an action if `version` is current; its owner may update status and description."""
    if not can_update_action(acting, action):
        raise PermissionDenied("You can update only the actions assigned to you.")
    values = _clean(action.organization, data, creating=False)
    if not runs_assessments(acting) and (set(values) - {"status", "description"}):
        raise PermissionDenied("Only compliance officers change an action's plan.")
    if "status" in values:
        done = values["status"] in (ActionStatus.DONE, ActionStatus.CANCELLED)
        values["completed_at"] = timezone.now() if done else None
    before = {k: str(getattr(action, k + "_id" if k == "owner" else k)) for k in values}
    update_if_current(action, version, **values)
    if response_uuids is not None:
        action.responses.set(_responses(action.assessment, response_uuids))
    record_event(
        organization=action.organization,
        actor=acting.user,
        action="action.updated",
        obj=action,
        changes={
            k: [before[k], str(v.pk if k == "owner" and v is not None else v)]
            for k, v in values.items()
        },
    )
    return action
