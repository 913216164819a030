"""Pages outside any one organisation, and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import requires_csrf_token

from governance.core.api import error_body
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action
from governance.tenancy.selectors import memberships_for_user


@login_required
def home(request):
    """Send the user to the organisation they used last, or their first one."""
    memberships = memberships_for_user(request.user)
    if not memberships:
        return render(request, "core/no_organization.html")
    slugs = {m.organization.slug for m in memberships}
    slug = request.user.last_organization_slug
    if slug not in slugs:
        slug = memberships[0].organization.slug
    return redirect("org-home", org_slug=slug)


@require_action(Action.VIEW_ORGANIZATION)
def styleguide(request, org_slug):
    return render(request, "styleguide.html")


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(404, "not_found", "Not found."), status=404)
    return render(request, "404.html", status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    if _wants_json(request):
        message = str(exception) if exception and str(exception) else "You do not have permission."
        return JsonResponse(error_body(403, "permission_denied", message), status=403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def bad_request(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(400, "bad_request", "Bad request."), status=400)
    return render(request, "400.html", status=400)


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
