"""Web pages of the register: AI systems, the models they use, and vendors."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from governance.audit.labels import action_label
from governance.audit.selectors import events_of
from governance.core.concurrency import StaleWrite
from governance.core.forms import apply_service_errors
from governance.register import facts, selectors, services
from governance.register.filters import (
    ARCHIVED_CHOICES,
    MODEL_SORTS,
    SYSTEM_SORTS,
    TIER_CHOICES,
    VENDOR_SORTS,
    ModelFilter,
    SystemFilter,
    VendorFilter,
    querystring_without,
)
from governance.register.forms import AIModelForm, SystemForm, VendorForm
from governance.register.models import (
    AffectedPersons,
    AIModel,
    AISystem,
    LifecycleStage,
    OperatorRole,
    RiskTier,
    Vendor,
)
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

PAGE_SIZE = 50
SYSTEMIC_RISK_FLOPS = 1e25
HISTORY_LENGTH = 20
CLASSIFICATION_PANEL = "classification/_system_panel.html"
DOCUMENTS_PANEL = "documents/_system_panel.html"
# The first click on a column header sorts this way; the next click reverses it.
FIRST_DIRECTION = {"name": "name", "tier": "tier", "updated": "-updated", "lifecycle": "lifecycle"}


def _can_add_systems(membership) -> bool:
    return membership.can(Action.EDIT_REGISTER) or membership.can(Action.EDIT_OWN_SYSTEMS)


def _has_template(name: str) -> bool:
    # Another capability contributes this partial; the page works with or without it.
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _sort_headers(params, current: str) -> dict:
    """Return {column: {"url", "state"}} for sortable column headers."""
    headers = {}
    for column, first in FIRST_DIRECTION.items():
        if current.lstrip("-") == column:
            state = "descending" if current.startswith("-") else "ascending"
            target = column if current.startswith("-") else f"-{column}"
        else:
            state, target = None, first
        query = params.copy()
        query.pop("page", None)
        query.pop("ordering", None)
        query["sort"] = target
        headers[column] = {"url": "?" + query.urlencode(), "state": state}
    return headers


def _field_label(model_class, name: str) -> str:
    if name == "ai_models":
        return "models"
    try:
        return str(model_class._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key another capability wrote: show it as it is
        return name.replace("_", " ")


def _history(organization, obj) -> list:
    """Return the object's latest audit events, each with a one-line summary."""
    events = list(events_of(organization).filter(object_id=str(obj.uuid))[:HISTORY_LENGTH])
    for event in events:
        event.verb = event.action.rsplit(".", 1)[-1]
        event.summary = action_label(event.action)
        event.changed = []
        if event.verb == "updated" and isinstance(event.changes, dict):
            event.changed = [_field_label(type(obj), name) for name in event.changes]
    return events


def _last_editor(request, obj) -> str:
    """Name who last changed the object, as the audit trail says (for a stale-save message)."""
    event = (
        events_of(request.organization)
        .filter(object_id=str(obj.uuid))
        .select_related("actor")
        .first()
    )
    if event is None:
        return ""
    if event.actor_id == request.user.pk:
        return "You (in another window)"
    return event.actor.display_name if event.actor else event.actor_label


WHAT = {AISystem: "AI system", AIModel: "model", Vendor: "vendor"}


def _refuse_stale(request, form, exc: StaleWrite, current_initial: dict) -> None:
    """Keep the user's input, say the save was refused, show the values stored now."""
    form.show_conflict(
        exc,
        current_initial,
        by=_last_editor(request, exc.current),
        what=WHAT.get(type(exc.current), ""),
    )


def _filter_values(filterset) -> dict:
    """Return the valid filter values (invalid ones are ignored), to fill the toolbar in again."""
    filterset.is_valid()
    return {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "")}


def _label_rows(systems) -> list:
    """Attach display labels to list rows.

    get_FOO_display() hashes every lazy choice label on each call; on a page of 50 rows that
    is a large share of the rendering time, so the labels are translated once per request.
    """
    roles = {value: str(label) for value, label in OperatorRole.choices}
    stages = {value: str(label) for value, label in LifecycleStage.choices}
    tiers = {value: str(label) for value, label in RiskTier.choices}
    rows = list(systems)
    for system in rows:
        system.role_label = roles.get(system.operator_role, system.operator_role)
        system.lifecycle_label = stages.get(system.lifecycle_stage, system.lifecycle_stage)
        system.tier_label = tiers.get(system.risk_tier, system.risk_tier)
        system.unstated_count = len(facts.unstated_facts(system))
    return rows


# --- AI systems -----------------------------------------------------------------------------


@require_action(Action.VIEW_REGISTER)
def system_list(request, org_slug):
    org = request.organization
    membership = request.membership
    filterset = SystemFilter(request.GET, queryset=selectors.systems_for_table(org))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = _filter_values(filterset)
    current_sort = filterset.current_sort
    export_query = querystring_without(request.GET, "page")
    context = {
        "page_obj": page,
        "systems": _label_rows(page.object_list),
        "filters": filters,
        "filtered": any(k not in ("sort", "ordering") for k in filters),
        "options": selectors.list_filter_options(org),
        "tier_choices": TIER_CHOICES,
        "role_choices": OperatorRole.choices,
        "lifecycle_choices": LifecycleStage.choices,
        "archived_choices": ARCHIVED_CHOICES,
        "sort_choices": SYSTEM_SORTS.items(),
        "current_sort": current_sort,
        "sort_headers": _sort_headers(request.GET, current_sort),
        "querystring": querystring_without(request.GET, "page"),
        "export_query": export_query,
        "can_add": _can_add_systems(membership),
        "can_import": membership.can(Action.EDIT_REGISTER),
    }
    return render(request, "register/system_list.html", context)


@require_action(Action.VIEW_REGISTER)
def system_detail(request, org_slug, system_uuid):
    membership = request.membership
    system = selectors.get_system_for_member(membership, system_uuid)
    affected = dict(AffectedPersons.choices)
    context = {
        "system": system,
        "models": list(selectors.models_of_system(system)),
        "tags": [t.name for t in system.tags.all()],
        "affected_persons": [affected.get(p, p) for p in system.affected_persons or []],
        # Not stated is missing information, said once on top instead of read as "No".
        "unstated": facts.unstated_facts(system),
        "public_links": facts.public_links(system),
        "legal_basis_href": facts.safe_href(system.legal_basis_url),
        "events": _history(request.organization, system),
        "can_view_audit": membership.can(Action.VIEW_AUDIT),
        "can_edit": services.can_edit_system(membership, system),
        # The classification capability's panel, when installed.
        "classification_panel": CLASSIFICATION_PANEL
        if _has_template(CLASSIFICATION_PANEL)
        else None,
        # The documents capability's panel, when installed.
        "documents_panel": DOCUMENTS_PANEL if _has_template(DOCUMENTS_PANEL) else None,
    }
    return render(request, "register/system_detail.html", context)


@require_action(Action.VIEW_REGISTER)
def system_create(request, org_slug):
    org = request.organization
    membership = request.membership
    if not _can_add_systems(membership):
        raise PermissionDenied("Your role does not allow adding AI systems.")
    initial = {}
    if not membership.can(Action.EDIT_REGISTER):
        # A contributor edits only what they own: start them as the business owner.
        initial["business_owner"] = request.user.uuid
    form = SystemForm(request.POST or None, organization=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(
                organization=org,
                acting=membership,
                data=form.data_for_service,
                ai_models=form.ai_models_for_service,
                tags=form.tags_for_service,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{system.name}” was added to the register.")
            return redirect("register:system-detail", org_slug=org.slug, system_uuid=system.uuid)
    return render(request, "register/system_form.html", {"form": form, "system": None})


@require_action(Action.VIEW_REGISTER)
def system_edit(request, org_slug, system_uuid):
    org = request.organization
    membership = request.membership
    system = selectors.get_system_for_member(membership, system_uuid)
    if not services.can_edit_system(membership, system):
        raise PermissionDenied("You can edit only the AI systems you own.")
    if system.archived_at:
        messages.warning(request, "This system is archived. Restore it before editing.")
        return redirect("register:system-detail", org_slug=org.slug, system_uuid=system.uuid)
    form = SystemForm(request.POST or None, organization=org, system=system)
    if request.method == "POST" and form.is_valid():
        try:
            system = services.update_system(
                system=system,
                acting=membership,
                data=form.data_for_service,
                ai_models=form.ai_models_for_service,
                tags=form.tags_for_service,
                expected_version=form.expected_version,
            )
        except StaleWrite as exc:
            system = selectors.get_system_for_member(membership, system_uuid)
            _refuse_stale(request, form, exc, SystemForm.initial_for(system))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            system = selectors.get_system_for_member(membership, system_uuid)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if system.needs_rescreening:
                messages.warning(
                    request,
                    "Saved. The change can affect the EU AI Act classification: screen the "
                    "system again.",
                )
            else:
                messages.success(request, "Changes saved.")
            return redirect("register:system-detail", org_slug=org.slug, system_uuid=system.uuid)
    return render(request, "register/system_form.html", {"form": form, "system": system})


@require_POST
@require_action(Action.VIEW_REGISTER)
def system_archive(request, org_slug, system_uuid):
    system = selectors.get_system_for_member(request.membership, system_uuid)
    try:
        services.archive_system(system=system, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"“{system.name}” was archived. Its history and classifications are kept."
        )
    return redirect("register:system-detail", org_slug=org_slug, system_uuid=system.uuid)


@require_POST
@require_action(Action.VIEW_REGISTER)
def system_restore(request, org_slug, system_uuid):
    system = selectors.get_system_for_member(request.membership, system_uuid)
    try:
        services.restore_system(system=system, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{system.name}” is back in the register.")
    return redirect("register:system-detail", org_slug=org_slug, system_uuid=system.uuid)


# --- Models ---------------------------------------------------------------------------------


@require_action(Action.VIEW_REGISTER)
def model_list(request, org_slug):
    org = request.organization
    filterset = ModelFilter(
        request.GET, queryset=selectors.models_for_list(org, include_archived=True)
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = _filter_values(filterset)
    context = {
        "page_obj": page,
        "models": page.object_list,
        "filters": filters,
        "filtered": any(k not in ("sort", "ordering") for k in filters),
        "type_choices": AIModel.ModelType.choices,
        "archived_choices": ARCHIVED_CHOICES,
        "sort_choices": MODEL_SORTS.items(),
        "current_sort": filterset.current_sort,
        "querystring": querystring_without(request.GET, "page"),
        "can_edit": request.membership.can(Action.EDIT_REGISTER),
    }
    return render(request, "register/model_list.html", context)


def _scientific(value: float | None) -> dict | None:
    """Return {"mantissa", "exponent"} to show 3e25 as 3 × 10^25 (None when unknown)."""
    if value is None:
        return None
    mantissa, exponent = f"{value:.2e}".split("e")
    return {"mantissa": mantissa.rstrip("0").rstrip("."), "exponent": int(exponent)}


@require_action(Action.VIEW_REGISTER)
def model_detail(request, org_slug, model_uuid):
    model = selectors.get_model(request.organization, model_uuid)
    context = {
        "model": model,
        "compute": _scientific(model.training_compute_flops),
        # Art. 51(2): above 10^25 FLOP a general-purpose model is presumed to have systemic risk.
        "above_threshold": model.is_general_purpose
        and (model.training_compute_flops or 0) > SYSTEMIC_RISK_FLOPS,
        "systems": list(selectors.systems_using_model(model)),
        "events": _history(request.organization, model),
        "can_view_audit": request.membership.can(Action.VIEW_AUDIT),
        "can_edit": request.membership.can(Action.EDIT_REGISTER),
    }
    return render(request, "register/model_detail.html", context)


@require_action(Action.EDIT_REGISTER)
def model_create(request, org_slug):
    org = request.organization
    form = AIModelForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.create_model(
                organization=org, acting=request.membership, data=form.data_for_service
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"The model “{model}” was added to the register.")
            return redirect("register:model-detail", org_slug=org.slug, model_uuid=model.uuid)
    return render(request, "register/model_form.html", {"form": form, "model": None})


@require_action(Action.EDIT_REGISTER)
def model_edit(request, org_slug, model_uuid):
    org = request.organization
    model = selectors.get_model(org, model_uuid)
    form = AIModelForm(request.POST or None, organization=org, model=model)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_model(
                model=model,
                acting=request.membership,
                data=form.data_for_service,
                expected_version=form.expected_version,
            )
        except StaleWrite as exc:
            model = selectors.get_model(org, model_uuid)
            _refuse_stale(request, form, exc, AIModelForm.initial_for(model))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            model = selectors.get_model(org, model_uuid)
        else:
            messages.success(request, "Changes saved.")
            return redirect("register:model-detail", org_slug=org.slug, model_uuid=model.uuid)
    return render(request, "register/model_form.html", {"form": form, "model": model})


@require_POST
@require_action(Action.EDIT_REGISTER)
def model_archive(request, org_slug, model_uuid):
    model = selectors.get_model(request.organization, model_uuid)
    if model.archived_at:
        messages.info(request, f"The model “{model}” is archived already.")
    else:
        services.archive_model(model=model, acting=request.membership)
        messages.success(request, f"The model “{model}” was archived; systems using it keep it.")
    return redirect("register:model-detail", org_slug=org_slug, model_uuid=model.uuid)


# --- Vendors --------------------------------------------------------------------------------


@require_action(Action.VIEW_REGISTER)
def vendor_list(request, org_slug):
    org = request.organization
    filterset = VendorFilter(request.GET, queryset=selectors.vendors_for_list(org))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = _filter_values(filterset)
    context = {
        "page_obj": page,
        "vendors": page.object_list,
        "filters": filters,
        "filtered": any(k not in ("sort", "ordering") for k in filters),
        "archived_choices": ARCHIVED_CHOICES,
        "sort_choices": VENDOR_SORTS.items(),
        "current_sort": filterset.current_sort,
        "querystring": querystring_without(request.GET, "page"),
        "can_edit": request.membership.can(Action.EDIT_REGISTER),
    }
    return render(request, "register/vendor_list.html", context)


@require_action(Action.VIEW_REGISTER)
def vendor_detail(request, org_slug, vendor_uuid):
    vendor = selectors.get_vendor(request.organization, vendor_uuid)
    context = {
        "vendor": vendor,
        "systems": list(selectors.systems_of_vendor(vendor)),
        "models": list(selectors.models_of_vendor(vendor)),
        "events": _history(request.organization, vendor),
        "can_view_audit": request.membership.can(Action.VIEW_AUDIT),
        "can_edit": request.membership.can(Action.EDIT_REGISTER),
    }
    return render(request, "register/vendor_detail.html", context)


@require_action(Action.EDIT_REGISTER)
def vendor_create(request, org_slug):
    org = request.organization
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vendor = services.create_vendor(
                organization=org, acting=request.membership, data=form.data_for_service
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"The vendor “{vendor.name}” was added.")
            return redirect("register:vendor-detail", org_slug=org.slug, vendor_uuid=vendor.uuid)
    return render(request, "register/vendor_form.html", {"form": form, "vendor": None})


@require_action(Action.EDIT_REGISTER)
def vendor_edit(request, org_slug, vendor_uuid):
    org = request.organization
    vendor = selectors.get_vendor(org, vendor_uuid)
    form = VendorForm(request.POST or None, vendor=vendor)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_vendor(
                vendor=vendor,
                acting=request.membership,
                data=form.data_for_service,
                expected_version=form.expected_version,
            )
        except StaleWrite as exc:
            vendor = selectors.get_vendor(org, vendor_uuid)
            _refuse_stale(request, form, exc, VendorForm.initial_for(vendor))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            vendor = selectors.get_vendor(org, vendor_uuid)
        else:
            messages.success(request, "Changes saved.")
            return redirect("register:vendor-detail", org_slug=org.slug, vendor_uuid=vendor.uuid)
    return render(request, "register/vendor_form.html", {"form": form, "vendor": vendor})


@require_POST
@require_action(Action.EDIT_REGISTER)
def vendor_archive(request, org_slug, vendor_uuid):
    vendor = selectors.get_vendor(request.organization, vendor_uuid)
    if vendor.archived_at:
        messages.info(request, f"The vendor “{vendor.name}” is archived already.")
    else:
        services.archive_vendor(vendor=vendor, acting=request.membership)
        messages.success(request, f"The vendor “{vendor.name}” was archived.")
    return redirect("register:vendor-detail", org_slug=org_slug, vendor_uuid=vendor.uuid)
