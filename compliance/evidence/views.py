"""Web pages of evidence: library, add, detail with versions, download, attach to an item."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from compliance.assessments.access import can_answer
from compliance.assessments.concurrency import StaleVersion
from compliance.assessments.selectors import get_assessment_for_member, get_response
from compliance.assessments.views import _require_read
from governance.core.forms import apply_service_errors
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

from . import selectors, services
from .api import download_response
from .forms import EvidenceForm, ReplaceForm


def _data(form) -> dict:
    return {
        k: form.cleaned_data[k]
        for k in ("title", "url", "description", "valid_from", "valid_until")
    }


def evidence_list(request, org_slug):
    _require_read(request.membership)
    items = list(selectors.evidence_for_list(request.membership).order_by("title")[:1000])
    return render(
        request,
        "evidence/list.html",
        {
            "items": items,
            "can_add": request.membership.can(Action.EDIT_ASSESSMENTS),
        },
    )


@require_action(Action.EDIT_ASSESSMENTS)
def evidence_create(request, org_slug):
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence = services.create_evidence(
                organization=request.organization,
                acting=request.membership,
                data=_data(form),
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"“{evidence.title}” added.")
            return redirect("evidence:detail", org_slug=org_slug, evidence_uuid=evidence.uuid)
    return render(request, "evidence/create.html", {"form": form})


def evidence_detail(request, org_slug, evidence_uuid):
    _require_read(request.membership)
    evidence, versions = selectors.evidence_with_versions(request.membership, evidence_uuid)
    form = ReplaceForm(
        request.POST or None, request.FILES or None, initial={"version": evidence.version}
    )
    can_edit = request.membership.can(Action.EDIT_ASSESSMENTS)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow adding evidence.")
        if form.is_valid():
            try:
                services.replace_evidence_file(
                    evidence=evidence,
                    acting=request.membership,
                    upload=form.cleaned_data["file"],
                    version=form.cleaned_data["version"],
                )
            except StaleVersion:
                form.add_error(None, "Someone uploaded a new version first; it is shown below.")
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "New version uploaded; earlier versions are kept.")
                return redirect(request.path)
        evidence, versions = selectors.evidence_with_versions(request.membership, evidence_uuid)
    return render(
        request,
        "evidence/detail.html",
        {
            "evidence": evidence,
            "versions": versions,
            "form": form,
            "can_edit": can_edit,
            "links": list(selectors.links_of_evidence(evidence)),
        },
    )


def evidence_download(request, org_slug, evidence_uuid, number):
    """Serve a file only after checking tenant and role; the download is audited."""
    _require_read(request.membership)
    evidence = selectors.get_evidence_for_member(request.membership, evidence_uuid)
    return download_response(evidence, number, request.membership)


def _attach_url(org_slug, assessment, response):
    return reverse(
        "evidence:attach",
        kwargs={
            "org_slug": org_slug,
            "assessment_uuid": assessment.uuid,
            "response_uuid": response.uuid,
        },
    )


def evidence_attach(request, org_slug, assessment_uuid, response_uuid):
    """Attach evidence to one item: pick from the library, take a suggestion, or upload."""
    membership = request.membership
    _require_read(membership)
    assessment = get_assessment_for_member(membership, assessment_uuid)
    response = get_response(assessment, response_uuid)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_answer(membership, response):
            raise PermissionDenied("You can attach evidence only to items you may answer.")
        try:
            _attach_post(request, form, response)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        else:
            if not form.errors:
                return redirect(_attach_url(org_slug, assessment, response))
    linked = selectors.evidence_by_response(assessment.organization, [response.pk]).get(
        response.pk, []
    )
    suggested = selectors.suggested_evidence(assessment.organization, [response]).get(
        response.pk, []
    )
    linked_ids = {e.pk for e in linked}
    library = [
        e
        for e in selectors.evidence_for_member(membership).order_by("title")[:500]
        if e.pk not in linked_ids
    ]
    return render(
        request,
        "evidence/attach.html",
        {
            "assessment": assessment,
            "response": response,
            "form": form,
            "linked": linked,
            "suggested": suggested,
            "library": library,
            "can_edit": can_answer(membership, response) and not assessment.is_locked,
        },
    )


def _attach_post(request, form, response):
    membership = request.membership
    op = request.POST.get("op", "upload")
    if op in ("link", "unlink"):
        evidence = (
            selectors.evidence_of(membership.organization)
            .filter(uuid=_uuid(request.POST.get("evidence")))
            .first()
        )
        if evidence is None:
            raise ValidationError({"evidence": "No such evidence."})
        call = services.link_evidence if op == "link" else services.unlink_evidence
        call(evidence=evidence, response=response, acting=membership)
        messages.success(request, "Evidence attached." if op == "link" else "Evidence detached.")
        return
    if form.is_valid():
        evidence = services.create_evidence(
            organization=membership.organization,
            acting=membership,
            data=_data(form),
            upload=form.cleaned_data["file"],
        )
        services.link_evidence(evidence=evidence, response=response, acting=membership)
        messages.success(request, f"“{evidence.title}” uploaded and attached.")


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
