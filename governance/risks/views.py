"""Web pages of the risk register and serious incidents: list, detail, create, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from governance.core.concurrency import StaleWrite
from governance.core.forms import apply_service_errors
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

from . import levels, selectors, services
from .forms import IncidentForm, RiskForm, incident_initial, risk_initial
from .validation import system_of


def _system_filter(request):
    """The ?system=<uuid> filter: the organisation's system, else a 404."""
    value = request.GET.get("system")
    if not value:
        return None
    system = system_of(request.organization, value)
    if system is None:
        raise Http404("No such AI system.")
    return system


def _cell_filter(request):
    try:
        likelihood, impact = int(request.GET["likelihood"]), int(request.GET["impact"])
    except (KeyError, ValueError):
        return None
    if likelihood in levels.SCALE and impact in levels.SCALE:
        return likelihood, impact
    return None


@require_action(Action.VIEW_RISKS)
def risk_list(request, org_slug):
    system = _system_filter(request)
    cell = _cell_filter(request)
    risks = list(
        selectors.risks_for_list(request.organization, system=system, residual=cell).order_by(
            "system__name", "-created_at"
        )[:1000]
    )
    return render(
        request,
        "risks/risk_list.html",
        {
            "risks": risks,
            "system": system,
            "cell": cell,
            "can_edit": request.membership.can(Action.EDIT_RISKS),
        },
    )


@require_action(Action.EDIT_RISKS)
def risk_create(request, org_slug):
    system = _system_filter(request)
    initial = {"system": system.uuid} if system else {}
    form = RiskForm(
        request.POST or None, organization=request.organization, system=system, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.create_risk(
                organization=request.organization,
                acting=request.membership,
                data=form.service_data(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Risk “{risk.title}” recorded.")
            return redirect("risks:risk-detail", org_slug=org_slug, risk_uuid=risk.uuid)
    return render(request, "risks/risk_form.html", {"form": form, "risk": None})


@require_action(Action.VIEW_RISKS)
def risk_detail(request, org_slug, risk_uuid):
    risk = selectors.get_risk_for_member(request.membership, risk_uuid)
    return render(
        request,
        "risks/risk_detail.html",
        {
            "risk": risk,
            "controls": list(risk.controls.select_related("framework")),
            "evidence": list(risk.evidence.all()),
            "actions": list(risk.actions.all()),
            "incidents": list(risk.incidents.all()),
            "can_edit": request.membership.can(Action.EDIT_RISKS),
        },
    )


@require_action(Action.EDIT_RISKS)
def risk_edit(request, org_slug, risk_uuid):
    risk = selectors.get_risk_for_member(request.membership, risk_uuid)
    form = RiskForm(
        request.POST or None,
        organization=request.organization,
        risk=risk,
        initial=risk_initial(risk),
        row_version=risk.row_version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_risk(
                risk=risk,
                acting=request.membership,
                expected_version=form.expected_version,
                data=form.service_data(),
            )
        except StaleWrite as exc:
            form.show_conflict(exc, risk_initial(exc.current), what="risk")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Risk saved.")
            return redirect("risks:risk-detail", org_slug=org_slug, risk_uuid=risk.uuid)
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk})


@require_action(Action.VIEW_RISKS)
def incident_list(request, org_slug):
    system = _system_filter(request)
    incidents = list(selectors.incidents_for_list(request.organization, system=system)[:1000])
    today = timezone.localdate()
    for incident in incidents:
        incident.left = incident.days_left(today)
    return render(
        request,
        "risks/incident_list.html",
        {
            "incidents": incidents,
            "system": system,
            "can_edit": request.membership.can(Action.EDIT_RISKS),
        },
    )


@require_action(Action.EDIT_RISKS)
def incident_create(request, org_slug):
    system = _system_filter(request)
    initial = {"system": system.uuid} if system else {"aware_at": timezone.localdate()}
    form = IncidentForm(request.POST or None, organization=request.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.create_incident(
                organization=request.organization,
                acting=request.membership,
                data=form.service_data(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Incident recorded: report due by {incident.report_due:%-d %B %Y}."
            )
            return redirect("risks:incident-detail", org_slug=org_slug, incident_uuid=incident.uuid)
    return render(request, "risks/incident_form.html", {"form": form, "incident": None})


@require_action(Action.VIEW_RISKS)
def incident_detail(request, org_slug, incident_uuid):
    incident = selectors.get_incident_for_member(request.membership, incident_uuid)
    return render(
        request,
        "risks/incident_detail.html",
        {
            "incident": incident,
            "left": incident.days_left(),
            "can_edit": request.membership.can(Action.EDIT_RISKS),
            "can_report": request.membership.can(Action.GENERATE_DOCUMENTS),
        },
    )


@require_action(Action.EDIT_RISKS)
def incident_edit(request, org_slug, incident_uuid):
    incident = selectors.get_incident_for_member(request.membership, incident_uuid)
    form = IncidentForm(
        request.POST or None,
        organization=request.organization,
        initial=incident_initial(incident),
        row_version=incident.row_version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incident(
                incident=incident,
                acting=request.membership,
                expected_version=form.expected_version,
                data=form.service_data(),
            )
        except StaleWrite as exc:
            form.show_conflict(exc, incident_initial(exc.current), what="incident")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Incident saved.")
            return redirect("risks:incident-detail", org_slug=org_slug, incident_uuid=incident.uuid)
    return render(request, "risks/incident_form.html", {"form": form, "incident": incident})
