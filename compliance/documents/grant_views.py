"""Owners and admins grant auditors read access to approved assessments for a period."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from compliance.assessments.models import Assessment, AssessmentStatus
from compliance.documents import grants
from governance.core.forms import apply_service_errors
from governance.tenancy.models import Membership
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action, Role


class GrantForm(forms.Form):
    auditor = forms.ChoiceField(label="Auditor")
    assessments = forms.MultipleChoiceField(
        label="Approved assessments", widget=forms.CheckboxSelectMultiple
    )
    until = forms.DateField(
        label="Last day of access",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Access ends by itself at the end of this day.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        auditors = Membership.objects.filter(
            organization=organization, role=Role.AUDITOR
        ).select_related("user")
        self.fields["auditor"].choices = [
            (str(m.uuid), f"{m.user.display_name} ({m.user.email})") for m in auditors
        ]
        approved = Assessment.objects.filter(
            organization=organization, status=AssessmentStatus.APPROVED
        ).order_by("title")
        self.fields["assessments"].choices = [(str(a.uuid), a.title) for a in approved]


@require_action(Action.MANAGE_MEMBERS)
def grant_list(request, org_slug):
    form = GrantForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            made = grants.grant_access(
                acting=request.membership,
                auditor_uuid=form.cleaned_data["auditor"],
                assessment_uuids=form.cleaned_data["assessments"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Access granted to {len(made)} assessment(s).")
            return redirect("documents:grant-list", org_slug)
    rows = grants.grants_of(request.organization)[:200]
    return render(
        request,
        "documents/grant_list.html",
        {"form": form, "grants": rows, "now": timezone.now()},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@require_action(Action.MANAGE_MEMBERS)
def grant_revoke(request, org_slug, grant_uuid):
    grant = grants.grants_of(request.organization).filter(uuid=grant_uuid).first()
    if grant is None:
        raise Http404("No such grant.")
    grants.revoke_access(acting=request.membership, grant=grant)
    messages.success(request, "Access revoked.")
    return redirect("documents:grant-list", org_slug)
