"""Web pages of remediation actions: an assessment's action plan, one action, my actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from governance.core.forms import apply_service_errors
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action
from governance.tenancy.selectors import members_of

from . import remediation, selectors
from .access import can_update_action, runs_assessments
from .concurrency import StaleVersion
from .forms import ActionForm
from .views import _require_read


def _form_data(form) -> dict:
    data = {k: form.cleaned_data[k] for k in ("title", "description", "due_date")}
    owner = form.cleaned_data.get("owner")
    data["owner"] = int(owner) if owner else None
    if form.cleaned_data.get("status"):
        data["status"] = form.cleaned_data["status"]
    return data


def action_plan(request, org_slug, assessment_uuid):
    """The assessment's remediation actions, and a form to plan one for its gaps."""
    _require_read(request.membership)
    assessment = selectors.get_assessment_for_member(request.membership, assessment_uuid)
    members = list(members_of(assessment.organization).select_related("user"))
    responses = list(selectors.responses_for_page(assessment))
    preselected = request.GET.getlist("item")
    form = ActionForm(
        request.POST or None,
        members=members,
        responses=responses,
        initial={"responses": preselected},
    )
    if request.method == "POST":
        if not runs_assessments(request.membership):
            raise PermissionDenied("Only compliance officers plan remediation actions.")
        if form.is_valid():
            try:
                remediation.create_action(
                    assessment=assessment,
                    acting=request.membership,
                    data=_form_data(form),
                    response_uuids=form.cleaned_data["responses"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Action planned.")
                return redirect(request.path)
    return render(
        request,
        "assessments/actions.html",
        {
            "assessment": assessment,
            "actions": list(selectors.actions_of_assessment(assessment)),
            "form": form,
            "can_plan": runs_assessments(request.membership) and not assessment.is_locked,
        },
    )


def action_edit(request, org_slug, action_uuid):
    membership = request.membership
    _require_read(membership)
    action = selectors.get_action_for_member(membership, action_uuid)
    members = list(members_of(action.organization).select_related("user"))
    responses = list(selectors.responses_for_page(action.assessment))
    initial = {
        "title": action.title,
        "description": action.description,
        "owner": str(action.owner_id or ""),
        "due_date": action.due_date,
        "status": action.status,
        "version": action.version,
        "responses": [str(r.uuid) for r in action.responses.all()],
    }
    form = ActionForm(request.POST or None, members=members, responses=responses, initial=initial)
    can_edit = can_update_action(membership, action)
    conflict = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("You can update only the actions assigned to you.")
        if form.is_valid():
            data = _form_data(form)
            if not runs_assessments(membership):
                data = {k: v for k, v in data.items() if k in ("status", "description")}
            try:
                remediation.update_action(
                    action=action,
                    acting=membership,
                    version=form.cleaned_data["version"] or 0,
                    data=data,
                    response_uuids=form.cleaned_data["responses"]
                    if runs_assessments(membership)
                    else None,
                )
            except StaleVersion as exc:
                conflict = exc.current
                form.add_error(None, str(exc))
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    apply_service_errors(form, exc)
                else:
                    form.add_error(None, str(exc))
            else:
                messages.success(request, "Action updated.")
                return redirect(
                    reverse(
                        "assessments:action-plan",
                        kwargs={"org_slug": org_slug, "assessment_uuid": action.assessment.uuid},
                    )
                )
    return render(
        request,
        "assessments/action_edit.html",
        {
            "action": action,
            "form": form,
            "can_edit": can_edit,
            "officer": runs_assessments(membership),
            "conflict": conflict,
        },
    )


@require_action(Action.VIEW_ORGANIZATION)
def my_actions(request, org_slug):
    """Every member's own to-do list: actions assigned to them, overdue first."""
    actions = sorted(
        selectors.my_actions(request.membership),
        key=lambda a: (
            not a.is_overdue,
            a.status not in ("open", "in_progress"),
            a.due_date or __import__("datetime").date.max,
        ),
    )
    return render(request, "assessments/my_actions.html", {"actions": actions})
