"""Web pages of evidence packs: choose assessments and a date, watch the job, download."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from compliance.assessments.selectors import assessments_for_member
from compliance.documents import pack_services, selectors
from compliance.documents.downloads import serve_built_file
from governance.core.forms import apply_service_errors
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action


class PackForm(forms.Form):
    assessments = forms.MultipleChoiceField(
        label="Assessments", widget=forms.CheckboxSelectMultiple, required=False
    )
    as_of = forms.DateField(
        label="As of",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text="Evidence files in the version valid on that day; documents finished by then.",
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessments"].choices = [
            (str(a.uuid), f"{a.title} ({a.get_status_display()})")
            for a in assessments_for_member(membership).order_by("-created_at")[:200]
        ]


@require_action(Action.DOWNLOAD_DOCUMENTS)
def pack_list(request, org_slug):
    membership = request.membership
    form = PackForm(
        request.POST or None, membership=membership, initial={"as_of": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            pack = pack_services.request_pack(
                membership=membership,
                actor=request.user,
                assessment_ids=form.cleaned_data["assessments"],
                as_of=form.cleaned_data["as_of"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Evidence pack queued: it is being built.")
            return redirect("documents:pack-detail", org_slug, pack.uuid)
    packs = selectors.packs_for_member(membership)[:100]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "documents/pack_list.html", {"form": form, "packs": packs}, status=status
    )


@require_action(Action.DOWNLOAD_DOCUMENTS)
def pack_detail(request, org_slug, pack_uuid):
    pack = selectors.get_pack_for_member(request.membership, pack_uuid)
    context = {"pack": pack, "polling": not pack.is_finished}
    if request.headers.get("HX-Request"):
        return render(request, "documents/_pack_status.html", context)
    return render(request, "documents/pack_detail.html", context)


@require_action(Action.DOWNLOAD_DOCUMENTS)
def pack_download(request, org_slug, pack_uuid):
    pack = selectors.get_pack_for_member(request.membership, pack_uuid)
    return serve_built_file(pack, actor=request.user)
