"""Send members without two-factor sign-in to set it up when their organisation requires it.

API tokens are not affected: a token belongs to a service account that never signs in with a
password, it is issued by an admin, stored hashed, scoped, expiring and revocable, so a second
factor would protect nothing. A person's browser session calling the API is held to the rule.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from governance.accounts.two_factor import has_two_factor
from governance.tenancy.models import Organization


def _organization_of(request):
    organization = getattr(request, "organization", None)
    if organization is not None:
        return organization
    if not request.path_info.startswith("/api/"):
        return None
    try:
        slug = resolve(request.path_info).kwargs.get("org_slug")
    except Resolver404:
        return None
    return Organization.objects.filter(slug=slug).first() if slug else None


class RequireTwoFactorMiddleware:
    """Redirect (web) or refuse with 403 (API by session) a member who lacks a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_service_account:
            return self.get_response(request)
        if request.META.get("HTTP_AUTHORIZATION"):
            return self.get_response(request)  # an API token call: the token decides
        organization = _organization_of(request)
        if organization is None or not organization.require_two_factor or has_two_factor(user):
            return self.get_response(request)
        message = f"{organization.name} requires two-factor sign-in. Set it up to open its pages."
        if request.path_info.startswith("/api/"):
            error = {"status": 403, "code": "two_factor_required", "message": message}
            return JsonResponse({"error": error}, status=403)
        messages.warning(request, message)
        setup = reverse("accounts:two-factor-setup")
        return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
