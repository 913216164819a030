"""Web pages of the public register exports: one system's readiness, the whole register's.

Downloads with something missing are allowed: the page lists what is missing first, the file's
name ends in "-incomplete", and the ZIP's validation.json says what each record lacks.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from governance.register import services
from governance.register.filters import querystring_without
from governance.register.public_registers import bundles, sources
from governance.register.public_registers.missing import atrs_readiness, nl_readiness
from governance.register.public_registers.nl_v1 import CATEGORY_CHOICES
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

PAGE_SIZE = 50
JSON = "application/json; charset=utf-8"
ATRS_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class CategoryForm(forms.Form):
    """The Dutch register's category for systems that are not high-risk: the user's choice."""

    category = forms.ChoiceField(
        label="Publication category for systems that are not high-risk",
        required=False,
        choices=[("", "Not chosen (left out of the record)")]
        + [(k, v) for k, v in CATEGORY_CHOICES.items()],
        help_text="High-risk AI systems are always 'Hoog-risico AI-systeem' (category A). "
        "Whether another system is impactful (B) depends on its legal effects on people, "
        "which Annex does not record.",
    )


def _category(request) -> tuple[CategoryForm, str | None]:
    form = CategoryForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["category"] or None
    return form, None


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _refuse_bad_category(request, form, page_url: str):
    if form.is_bound and not form.is_valid():
        messages.error(request, "Choose the publication category 'impactful' or 'other'.")
        return redirect(page_url)
    return None


@require_action(Action.VIEW_REGISTER)
def system_public_registers(request, org_slug, system_uuid):
    system = sources.system_for_export(request.organization, system_uuid)
    form, category = _category(request)
    nl, atrs = nl_readiness(system, category=category), atrs_readiness(system)
    can_edit = services.can_edit_system(request.membership, system) and not system.archived_at
    context = {
        "system": system,
        "form": form,
        "category": category or "",
        "nl": nl,
        "nl_json": bundles.record_json(nl.record).decode(),
        "atrs": atrs,
        "atrs_json": bundles.record_json(atrs.record).decode(),
        "edit_url": reverse("register:system-edit", args=[org_slug, system.uuid])
        if can_edit
        else "",
    }
    return render(request, "register/public_registers_system.html", context)


@require_action(Action.VIEW_REGISTER)
def system_nl_download(request, org_slug, system_uuid):
    system = sources.system_for_export(request.organization, system_uuid)
    form, category = _category(request)
    page = reverse("public_registers:system", args=[org_slug, system.uuid])
    refused = _refuse_bad_category(request, form, page)
    if refused:
        return refused
    readiness = nl_readiness(system, category=category)
    filename = bundles.record_filename(system, "nl-v1.0", readiness)
    return _download(bundles.record_json(readiness.record), JSON, filename)


@require_action(Action.VIEW_REGISTER)
def system_atrs_download(request, org_slug, system_uuid, fmt):
    system = sources.system_for_export(request.organization, system_uuid)
    readiness = atrs_readiness(system)
    if fmt == "json":
        content, content_type = bundles.record_json(readiness.as_dict()), JSON
    elif fmt == "csv":
        content, content_type = bundles.atrs_csv([system]), ATRS_FORMATS["csv"]
    else:
        raise Http404("No such format.")
    filename = bundles.record_filename(system, "uk-atrs", readiness, fmt)
    return _download(content, content_type, filename)


@require_action(Action.VIEW_REGISTER)
def register_public_registers(request, org_slug):
    org = request.organization
    form, category = _category(request)
    page = Paginator(sources.systems_for_export(org), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"system": s, "nl": nl_readiness(s, category=category), "atrs": atrs_readiness(s)}
        for s in page.object_list
    ]
    context = {
        "rows": rows,
        "page_obj": page,
        "form": form,
        "category": category or "",
        "querystring": querystring_without(request.GET, "page"),
    }
    return render(request, "register/public_registers_list.html", context)


@require_action(Action.VIEW_REGISTER)
def register_nl_download(request, org_slug):
    org = request.organization
    form, category = _category(request)
    refused = _refuse_bad_category(request, form, reverse("public_registers:list", args=[org_slug]))
    if refused:
        return refused
    content = bundles.nl_zip(sources.systems_for_export(org), category=category)
    return _download(content, "application/zip", bundles.register_filename(org, "nl-v1.0", "zip"))


@require_action(Action.VIEW_REGISTER)
def register_atrs_download(request, org_slug, fmt):
    if fmt not in ATRS_FORMATS:
        raise Http404("No such format.")
    org = request.organization
    systems = sources.systems_for_export(org)
    content = bundles.atrs_csv(systems) if fmt == "csv" else bundles.atrs_xlsx(systems)
    filename = bundles.register_filename(org, "uk-atrs", fmt)
    return _download(content, ATRS_FORMATS[fmt], filename)
