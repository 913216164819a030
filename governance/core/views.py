"""Pages outside any one organisation, and the error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from governance.core.api import error_body
from governance.core.landing import landing_slug
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action
from governance.tenancy.selectors import memberships_for_user


@login_required
def home(request):
    """Send the user to the organisation they used last, or the one with the most systems."""
    memberships = memberships_for_user(request.user)
    if not memberships:
        return render(request, "core/no_organization.html")
    return redirect("org-home", org_slug=landing_slug(request.user, memberships))


@require_action(Action.VIEW_ORGANIZATION)
def styleguide(request, org_slug):
    """The design system's sample page, with invented figures: for developers only."""
    if not (settings.DEBUG or request.user.is_staff):
        raise Http404("No such page.")
    return render(request, "styleguide.html")


def _way_back(request) -> dict:
    """Where an error page's main button leads: the organisation's home, or the start page."""
    organization = getattr(request, "organization", None)
    if organization is not None:
        url = reverse("org-home", kwargs={"org_slug": organization.slug})
        return {"home_url": url, "home_label": f"Go to {organization.name}"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"home_url": "/", "home_label": "Go to your organisation"}
    return {"home_url": "/", "home_label": "Sign in"}


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
    return render(request, "404.html", _way_back(request), status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    if _wants_json(request):
        message = str(exception) if exception and str(exception) else "You do not have permission."
        return JsonResponse(error_body(403, "permission_denied", message), status=403)
    context = {"reason": str(exception or ""), **_way_back(request)}
    return render(request, "403.html", context, status=403)


def bad_request(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(400, "bad_request", "Bad request."), status=400)
    return render(request, "400.html", _way_back(request), status=400)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            error_body(500, "server_error", "Something went wrong on our side."), status=500
        )
    # No context processors: the database may be the thing that failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def healthz(request):
    return JsonResponse({"status": "ok"})
