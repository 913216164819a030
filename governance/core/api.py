"""The REST API's common parts: one error shape, pagination, the organisation-scoped base view."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_scopes import scope
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.core.concurrency import StaleWrite
from governance.tenancy.permissions import HasOrganizationAction
from governance.tenancy.selectors import get_membership_for_user


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _flatten(detail, prefix=""):
    """Turn DRF's nested error detail into {"field.sub": [messages]}."""
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            out[prefix or "non_field_errors"] = [str(v) for v in detail]
        else:
            for i, value in enumerate(detail):
                out.update(_flatten(value, f"{prefix}[{i}]" if prefix else str(i)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    """Return the one JSON error shape of the API."""
    body = {"error": {"status": status_code, "code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return body


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this record since you read it."
    default_code = "conflict"


def exception_handler(exc, context):
    """Answer every API error as {"error": {"status", "code", "message", "fields"?}}."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        # Never Django's "No AISystem matches the given query.": it names internal models, and a
        # missing object and a foreign one must read the same.
        exc = exceptions.NotFound()
    elif isinstance(exc, StaleWrite):
        # A view without VersionedObjectMixin (governance.core.etags) still answers a stale
        # write as a conflict in the house shape, never a 500.
        exc = Conflict(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first_field = next(iter(fields))
        message = (
            "The request is invalid: " + ", ".join(sorted(fields))
            if first_field != "non_field_errors" or len(fields) > 1
            else fields["non_field_errors"][0]
        )
        response.data = error_body(response.status_code, "invalid", message, fields)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(response.status_code, str(code), str(detail))
    return response


UNKNOWN_FIELD = "This field is not known here; check its spelling against the API schema."


def reject_unknown_fields(serializer, data) -> None:
    """Raise a 400 naming every key of ``data`` that ``serializer`` has no field for.

    DRF ignores unknown keys, so a misspelt field ("intended_purpose" as "intended_purpse") would
    be dropped silently on create while the screening endpoints refuse it: one rule everywhere.
    """
    if not isinstance(data, Mapping) or getattr(serializer, "many", False):
        return
    unknown = sorted(str(key) for key in data if key not in serializer.fields)
    if unknown:
        raise exceptions.ValidationError({key: [UNKNOWN_FIELD] for key in unknown})


class RejectUnknownFieldsMixin:
    """Serializer mixin: refuse keys the serializer does not define, naming each one."""

    def to_internal_value(self, data):
        reject_unknown_fields(self, data)
        return super().to_internal_value(data)


class OrganizationScopedMixin:
    """Base for API views under /api/v1/o/<org_slug>/.

    Binds the membership (a token's own organisation, or the session user's membership),
    answers 404 for any other organisation, and opens the tenant scope for the whole view.
    Subclasses set `required_actions`: {"list": Action…, "create": …} (ViewSet actions) or
    {"GET": …, "POST": …} (methods); `"*"` is the fallback.
    """

    permission_classes = [HasOrganizationAction]
    required_actions: dict = {}
    lookup_field = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no organisation; the model is all it needs.
            return self.get_serializer_class().Meta.model._base_manager.none()
        # Each subclass defines organization_queryset(): its rows, organisation first.
        return self.organization_queryset()

    def required_action_for(self, request):
        action = getattr(self, "action", None)
        table = self.required_actions
        return table.get(action) or table.get(request.method) or table.get("*")

    def initial(self, request, *args, **kwargs):
        self._scope = None
        self.perform_authentication(request)
        slug = kwargs.get("org_slug")
        token = request.auth if hasattr(request.auth, "organization_id") else None
        if slug is not None and request.user.is_authenticated:
            if token is not None and token.organization.slug != slug:
                # A token is bound to its organisation: any other one looks absent.
                raise Http404("No such organisation.")
            membership = get_membership_for_user(request.user, slug)
            request.membership = membership
            request.organization = membership.organization
            request._request.membership = membership
            request._request.organization = membership.organization
            self._scope = scope(organization=membership.organization)
            self._scope.__enter__()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "_scope", None) is not None:
            # Render inside the scope: serializers may read related rows lazily.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            self._scope.__exit__(None, None, None)
            self._scope = None
        return response

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "data" in kwargs:
            # Every create and update through a generic view: unknown fields are a 400.
            reject_unknown_fields(serializer, kwargs["data"])
        return serializer

    @property
    def organization(self):
        return self.request.organization

    @property
    def membership(self):
        return self.request.membership


def not_found_json(request, exception=None):
    return Response(error_body(404, "not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)
