"""Web pages for documents: request one, watch its job, download it; legal details."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from compliance.documents import selectors, services
from compliance.documents.details import save_details, save_system_facts
from compliance.documents.downloads import serve_built_file
from compliance.documents.forms import (
    DocumentRequestForm,
    OrganizationDetailsForm,
    SystemFactsForm,
)
from compliance.documents.kinds import KINDS
from compliance.documents.renderers.model_card import huggingface_readme, model_card_toolkit_json
from compliance.documents.renderers.registration import registration_json, why_not_registered
from governance.core.forms import apply_service_errors
from governance.register.selectors import get_model, get_system
from governance.register.services import can_edit_system
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action


@require_action(Action.DOWNLOAD_DOCUMENTS)
def document_list(request, org_slug):
    membership = request.membership
    can_generate = membership.can(Action.GENERATE_DOCUMENTS) and membership.can(
        Action.VIEW_REGISTER
    )
    keys = ("kind", "system", "model", "assessment")
    initial = {k: request.GET.get(k) for k in keys if request.GET.get(k)}
    form = DocumentRequestForm(organization=request.organization, initial=initial)
    page = Paginator(selectors.documents_for_member(membership), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page_obj": page,
            "documents": page.object_list,
            "can_generate": can_generate,
            "kinds": list(KINDS.values()),
        },
    )


@require_POST
@require_action(Action.GENERATE_DOCUMENTS)
def document_request(request, org_slug):
    form = DocumentRequestForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            document = services.request_document(
                organization=request.organization,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                system=form.cleaned_data["system"],
                ai_model=form.cleaned_data["model"],
                assessment=form.cleaned_data["assessment"],
                incident=form.cleaned_data["incident"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{document.kind_label} queued: it is being built.")
            return redirect("documents:document-detail", org_slug, document.uuid)
    page = Paginator(selectors.documents_for_member(request.membership), 50).get_page(1)
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page_obj": page,
            "documents": page.object_list,
            "can_generate": True,
            "kinds": list(KINDS.values()),
        },
        status=400,
    )


@require_POST
@require_action(Action.REQUEST_BOARD_REPORT)
def board_report_request(request, org_slug):
    """Queue the board report: board members may, without the right to generate the others."""
    document = services.request_document(
        organization=request.organization, actor=request.user, kind="board_report"
    )
    messages.success(request, "Board report queued: it is being built.")
    return redirect("documents:document-detail", org_slug, document.uuid)


@require_action(Action.DOWNLOAD_DOCUMENTS)
def document_detail(request, org_slug, document_uuid):
    document = selectors.get_document_for_member(request.membership, document_uuid)
    context = {"document": document, "polling": not document.is_finished}
    if request.headers.get("HX-Request"):
        return render(request, "documents/_status.html", context)
    return render(request, "documents/document_detail.html", context)


@require_action(Action.DOWNLOAD_DOCUMENTS)
def document_download(request, org_slug, document_uuid):
    document = selectors.get_document_for_member(request.membership, document_uuid)
    return serve_built_file(document, actor=request.user)


def _text_download(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_action(Action.VIEW_REGISTER)
def model_card_export(request, org_slug, model_uuid, fmt):
    model = get_model(request.organization, model_uuid)
    if fmt == "huggingface":
        return _text_download(huggingface_readme(model), "README.md", "text/markdown")
    return _text_download(model_card_toolkit_json(model), "model_card.json", "application/json")


@require_action(Action.VIEW_REGISTER)
def registration_export(request, org_slug, system_uuid):
    system = get_system(request.organization, system_uuid)
    reason = why_not_registered(system)
    if reason:
        return render(
            request,
            "documents/not_applicable.html",
            {"reason": reason, "system": system},
            status=409,
        )
    return _text_download(
        registration_json(system), f"registration-{system.uuid}.json", "application/json"
    )


@require_action(Action.MANAGE_ORGANIZATION)
def details_edit(request, org_slug):
    details = selectors.details_of(request.organization)
    form = OrganizationDetailsForm(
        request.POST or None,
        instance=details,
        initial={"row_version": details.row_version if details else 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_details(
                organization=request.organization,
                actor=request.user,
                data={k: v for k, v in form.cleaned_data.items() if k != "row_version"},
                expected_version=form.cleaned_data["row_version"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Legal details saved. New documents will print them.")
            return redirect("documents:details", org_slug)
    current = selectors.details_of(request.organization)
    return render(request, "documents/details_form.html", {"form": form, "current": current})


@require_action(Action.VIEW_REGISTER)
def system_facts_edit(request, org_slug, system_uuid):
    system = get_system(request.organization, system_uuid)
    if not can_edit_system(request.membership, system):
        raise PermissionDenied("Only those who may edit this system keep its facts.")
    facts = getattr(system, "document_facts", None)
    form = SystemFactsForm(
        request.POST or None,
        instance=facts,
        initial={"row_version": facts.row_version if facts else 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_system_facts(
                system=system,
                actor=request.user,
                data={k: v for k, v in form.cleaned_data.items() if k != "row_version"},
                expected_version=form.cleaned_data["row_version"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Saved. New declarations and registration data use them.")
            return redirect("documents:system-facts", org_slug, system.uuid)
    return render(request, "documents/system_facts_form.html", {"form": form, "system": system})
