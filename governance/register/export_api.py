"""The register's exports through the API: systems, vendors and models, with the lists' filters.

GET …/systems/export/?format=csv|xlsx|zip, …/vendors/export/?format=csv|xlsx and
…/models/export/?format=csv|xlsx. The files are the web's (governance.register.export).
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from governance.core.api import OrganizationScopedMixin, error_body
from governance.register import export
from governance.register.filters import ModelFilter, VendorFilter
from governance.register.models import AIModel, Vendor
from governance.tenancy.roles import Action

_TYPES = {
    "csv": "text/csv",
    "xlsx": export.CONTENT_TYPES["xlsx"],
    "zip": export.CONTENT_TYPES["zip"],
}
_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="An unknown format or filter value."),
    403: OpenApiResponse(description="The role or the token does not allow reading the register."),
    404: OpenApiResponse(description="No such organisation."),
}


def _responses(formats) -> dict:
    return {(200, _TYPES[f]): OpenApiTypes.BINARY for f in formats} | _ERRORS


def _format_parameter(kind: str) -> OpenApiParameter:
    return OpenApiParameter("format", enum=list(export.FORMATS[kind]), default="csv")


def _bad_format(kind: str) -> Response:
    *others, last = export.FORMATS[kind]
    names = f"{', '.join(others)} or {last}"
    message = f"Choose the format {names}."
    return Response(error_body(400, "invalid", message, {"format": [message]}), status=400)


class _FileNegotiation:
    """The export's `format` names the file, not a renderer: its errors are JSON."""

    def is_file_download(self) -> bool:
        return True

    def perform_content_negotiation(self, request, force=False):
        if self.is_file_download():
            renderer = self.get_renderers()[0]
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)


class SystemExportMixin(_FileNegotiation):
    """Adds the `export` action to the systems' viewset, with the list's filters."""

    def is_file_download(self) -> bool:
        return self.action == "export"

    @extend_schema(
        tags=["register"],
        summary="Export AI systems as CSV, or the register as XLSX or ZIP",
        description="The systems the list's filters select (archived ones with "
        "`archived=true`). `format=csv`: the systems, every field, streamed. `format=xlsx`: one "
        "workbook with the sheets Systems, Vendors and Models; `format=zip`: the same three "
        "tables as CSV files. Vendors and models are the active ones (all with "
        "`archived=true`) and every one an exported row refers to. Unknown facts are empty "
        "cells; datetimes are UTC. POST the XLSX or ZIP to …/imports/register/ to restore it.",
        parameters=[_format_parameter("systems")],
        responses=_responses(export.FORMATS["systems"]),
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request, *args, **kwargs):
        fmt = request.query_params.get("format", "csv")
        if fmt not in export.FORMATS["systems"]:
            return _bad_format("systems")
        queryset = self.filter_queryset(export.systems_for_export(self.organization))
        return export.export_response(
            self.organization, "systems", fmt, queryset,
            include_archived=export.wants_archived(request.query_params),
        )  # fmt: skip


class _ListExportView(_FileNegotiation, OrganizationScopedMixin, GenericAPIView):
    kind = ""
    model = None
    filter_backends = [DjangoFilterBackend]
    required_actions = {"GET": Action.VIEW_REGISTER}
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._base_manager.none()
        return getattr(export, f"{self.kind}_for_export")(self.organization)

    def get(self, request, org_slug):
        fmt = request.query_params.get("format", "csv")
        if fmt not in export.FORMATS[self.kind]:
            return _bad_format(self.kind)
        queryset = self.filter_queryset(self.get_queryset())
        return export.export_response(self.organization, self.kind, fmt, queryset)


class VendorExportView(_ListExportView):
    """Export the vendors, every field, with the vendor list's filters."""

    kind, model, filterset_class = "vendors", Vendor, VendorFilter

    @extend_schema(
        tags=["register"],
        operation_id="export_vendors",
        summary="Export vendors as CSV or XLSX",
        description="The vendors the list's filters select (archived ones with "
        "`archived=true`), every field: `format=csv` (streamed) or `format=xlsx`.",
        parameters=[_format_parameter("vendors")],
        responses=_responses(export.FORMATS["vendors"]),
    )
    def get(self, request, org_slug):
        return super().get(request, org_slug)


class ModelExportView(_ListExportView):
    """Export the AI models, every field, with the model list's filters."""

    kind, model, filterset_class = "models", AIModel, ModelFilter

    @extend_schema(
        tags=["register"],
        operation_id="export_models",
        summary="Export AI models as CSV or XLSX",
        description="The models the list's filters select (archived ones with "
        "`archived=true`), every field (evaluations and languages as JSON text, the model "
        "card's source): `format=csv` (streamed) or `format=xlsx`.",
        parameters=[_format_parameter("models")],
        responses=_responses(export.FORMATS["models"]),
    )
    def get(self, request, org_slug):
        return super().get(request, org_slug)
