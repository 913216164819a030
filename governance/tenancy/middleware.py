"""Bind the organisation named in the URL to the request and scope every query to it."""

from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from governance.accounts.throttle import client_ip
from governance.core.request_context import request_meta
from governance.tenancy.selectors import get_membership_for_user


class OrganizationMiddleware:
    """For /o/<org_slug>/… pages: resolve the membership (404 for non-members) and open the scope.

    Outside an organisation's pages, tenant-owned queries fail (django-scopes), except in the
    Django admin, which is for the operators of the installation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        ip = client_ip(request)  # behind trusted proxies: the client, not the proxy
        path = request.path_info
        if path.startswith("/api/"):
            # DRF authenticates later (tokens); the API's base view opens the scope itself.
            with request_meta(via="api", ip=ip):
                return self.get_response(request)
        if path.startswith("/admin/"):
            with scopes_disabled(), request_meta(via="admin", ip=ip):
                return self.get_response(request)
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        slug = match.kwargs.get("org_slug") if match else None
        with request_meta(via="web", ip=ip):
            if slug is None:
                return self.get_response(request)
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            try:
                membership = get_membership_for_user(request.user, slug)
            except Http404:
                from governance.core.views import page_not_found

                return page_not_found(request, Http404("No such organisation."))
            request.membership = membership
            request.organization = membership.organization
            if request.user.last_organization_slug != slug:
                from governance.tenancy.services import remember_organization

                remember_organization(request.user, slug)
            with scope(organization=membership.organization):
                return self.get_response(request)
