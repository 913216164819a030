"""Web pages for the organisation: members, invitations, API tokens, settings.

The home page is the dashboard (governance.dashboards), which may read across the product apps.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.accounts.forms import SignupFromInvitationForm
from governance.audit.selectors import events_of
from governance.core.concurrency import StaleWrite
from governance.core.forms import apply_service_errors
from governance.core.outbox import latest_emails
from governance.tenancy import selectors, services
from governance.tenancy.forms import (
    InviteForm,
    OrganizationForm,
    RoleForm,
    TokenForm,
    TwoFactorRequirementForm,
)
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action, Role


@login_required
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organization(name=form.cleaned_data["name"], owner=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{org.name} is ready. Invite your colleagues next.")
            return redirect("tenancy:member-list", org_slug=org.slug)
    return render(request, "tenancy/organization_create.html", {"form": form})


@require_action(Action.MANAGE_ORGANIZATION)
def organization_settings(request, org_slug):
    org = request.organization
    form = OrganizationForm(
        request.POST or None, initial={"name": org.name}, row_version=org.row_version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_organization(
                organization=org,
                name=form.cleaned_data["name"],
                acting=request.membership,
                expected_version=form.expected_version,
            )
        except StaleWrite as exc:
            form.show_conflict(exc, {"name": exc.current.name})
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Organisation settings saved.")
            return redirect("tenancy:settings", org_slug=org.slug)
    context = {"form": form, **_two_factor_context(request)}
    return render(request, "tenancy/organization_settings.html", context)


def _two_factor_context(request, form=None):
    if not request.membership.can(Action.REQUIRE_TWO_FACTOR):
        return {}
    initial = {"require_two_factor": request.organization.require_two_factor}
    return {"two_factor_form": form or TwoFactorRequirementForm(initial=initial)}


@require_POST
@require_action(Action.REQUIRE_TWO_FACTOR)
def organization_two_factor(request, org_slug):
    """Require (or stop requiring) two-factor sign-in for every member."""
    org = request.organization
    form = TwoFactorRequirementForm(request.POST)
    if form.is_valid():
        try:
            services.set_two_factor_requirement(
                organization=org,
                required=form.cleaned_data["require_two_factor"],
                acting=request.membership,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            required = form.cleaned_data["require_two_factor"]
            messages.success(
                request,
                "Every member now needs two-factor sign-in."
                if required
                else "Two-factor sign-in is now optional.",
            )
            return redirect("tenancy:settings", org_slug=org.slug)
    name_form = OrganizationForm(initial={"name": org.name})
    context = {"form": name_form, **_two_factor_context(request, form)}
    return render(request, "tenancy/organization_settings.html", context, status=400)


@require_action(Action.VIEW_MEMBERS)
def member_list(request, org_slug):
    org = request.organization
    can_manage = request.membership.can(Action.MANAGE_MEMBERS)
    roles = services.grantable_roles(request.membership)
    form = InviteForm(request.POST or None, roles=roles) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Your role does not allow inviting members.")
        if form.is_valid():
            try:
                invitation, _secret = services.invite_member(
                    organization=org,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    acting=request.membership,
                    access_days=form.cleaned_data.get("access_days"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("role", str(exc))
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. The link expires on "
                    f"{invitation.expires_at:%d %B %Y}.",
                )
                return redirect("tenancy:member-list", org_slug=org.slug)
    members = list(selectors.members_of(org))
    invitations = list(selectors.invitations_of(org)[:50]) if can_manage else []
    # Whether each invitation's email went out (or why not), from the outbox.
    deliveries = latest_emails(org, "invitation", [inv.pk for inv in invitations])
    for inv in invitations:
        inv.delivery = deliveries.get(inv.pk)
    context = {
        "members": [m for m in members if m.role != Role.SERVICE_ACCOUNT],
        "service_accounts": [m for m in members if m.role == Role.SERVICE_ACCOUNT],
        "invitations": invitations,
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "tenancy/member_list.html", context)


@require_action(Action.MANAGE_MEMBERS)
def member_edit(request, org_slug, member_uuid):
    org = request.organization
    member = selectors.get_member(org, member_uuid)
    initial = {"role": member.role}
    if member.access_expires_at:
        initial["access_expires_on"] = member.access_expires_at.date()
    form = RoleForm(
        request.POST or None,
        initial=initial,
        row_version=member.row_version,
        roles=services.grantable_roles(request.membership),
        current_role=member.role,
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.change_member_role(
                membership=member,
                role=form.cleaned_data["role"],
                acting=request.membership,
                access_expires_at=form.access_expires_at,
                expected_version=form.expected_version,
            )
        except StaleWrite as exc:
            now = exc.current
            form.show_conflict(
                exc,
                {
                    "role": now.role,
                    "access_expires_on": now.access_expires_at.date()
                    if now.access_expires_at
                    else None,
                },
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(
                request, f"{member.user.display_name} is now {member.get_role_display()}."
            )
            return redirect("tenancy:member-list", org_slug=org.slug)
    return render(request, "tenancy/member_edit.html", {"member": member, "form": form})


@require_POST
@require_action(Action.MANAGE_MEMBERS)
def member_remove(request, org_slug, member_uuid):
    member = selectors.get_member(request.organization, member_uuid)
    try:
        services.remove_member(membership=member, acting=request.membership)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, f"{member.user.display_name} was removed from {request.organization.name}."
        )
    if member.user_id == request.user.id:
        return redirect("home")
    return redirect("tenancy:member-list", org_slug=org_slug)


@require_POST
@require_action(Action.MANAGE_MEMBERS)
def invitation_revoke(request, org_slug, invitation_uuid):
    invitation = selectors.get_invitation(request.organization, invitation_uuid)
    try:
        services.revoke_invitation(invitation=invitation, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("tenancy:member-list", org_slug=org_slug)


def invitation_accept(request, secret):
    """Join an organisation from an emailed link: sign in, or make an account on the spot."""
    invitation = selectors.find_invitation_by_secret(secret)
    try:
        services.check_invitation(invitation)
    except services.InvitationUnusable as exc:
        return render(
            request,
            "tenancy/invitation_invalid.html",
            {"reason": str(exc)},
            status=410 if invitation else 404,
        )
    user = request.user if request.user.is_authenticated else None
    from governance.accounts.models import User

    has_account = user is not None or User.objects.filter(email__iexact=invitation.email).exists()
    form = (
        None
        if has_account
        else SignupFromInvitationForm(request.POST or None, email=invitation.email)
    )
    if request.method == "POST":
        if user is None and has_account:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form is None or form.is_valid():
            try:
                membership = services.accept_invitation(
                    invitation=invitation,
                    user=user,
                    full_name=form.cleaned_data["full_name"] if form else "",
                    password=form.cleaned_data["password2"] if form else "",
                )
            except services.InvitationUnusable as exc:
                return render(
                    request, "tenancy/invitation_invalid.html", {"reason": str(exc)}, status=409
                )
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {membership.organization.name}.")
            return redirect("org-home", org_slug=membership.organization.slug)
    return render(
        request,
        "tenancy/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "signed_in_user": user,
        },
    )


@require_action(Action.MANAGE_TOKENS)
def token_list(request, org_slug):
    tokens = list(selectors.tokens_of(request.organization))
    return render(request, "tenancy/token_list.html", {"tokens": tokens})


@require_action(Action.MANAGE_TOKENS)
def token_create(request, org_slug):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, full = services.issue_api_token(
                organization=request.organization,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                acting=request.membership,
                service_account=form.cleaned_data["service_account"],
                expires_at=form.expires_at,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            # Shown once: rendered, not redirected, so the secret never sits in a session.
            response = render(
                request, "tenancy/token_issued.html", {"token": token, "secret": full}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "tenancy/token_create.html", {"form": form})


@require_action(Action.MANAGE_TOKENS)
def token_detail(request, org_slug, token_uuid):
    token = selectors.get_token(request.organization, token_uuid)
    events = events_of(request.organization).filter(object_id=str(token.uuid))[:20]
    return render(request, "tenancy/token_detail.html", {"token": token, "events": events})


@require_POST
@require_action(Action.MANAGE_TOKENS)
def token_revoke(request, org_slug, token_uuid):
    token = selectors.get_token(request.organization, token_uuid)
    try:
        services.revoke_api_token(token=token, acting=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The token “{token.name}” was revoked; it no longer works.")
    return redirect("tenancy:token-list", org_slug=org_slug)
