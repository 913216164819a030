"""The register's export through the API: GET …/systems/export/?format=csv|xlsx."""

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.core.api import error_body
from governance.register import export, selectors


class SystemExportMixin:
    """Adds the `export` action to the systems' viewset, with the list's filters."""

    def perform_content_negotiation(self, request, force=False):
        # The export's `format` names the file, not a renderer: its errors are JSON.
        if self.action == "export":
            renderer = self.get_renderers()[0]
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        tags=["register"],
        summary="Export AI systems as CSV or XLSX",
        description="The systems the list's filters select (archived ones with "
        "`archived=true`), as `format=csv` (streamed) or `format=xlsx`: the columns of the web "
        "export, which the import reads back.",
        parameters=[OpenApiParameter("format", enum=["csv", "xlsx"], default="csv")],
        responses={(200, "text/csv"): OpenApiTypes.BINARY,
                   (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                   OpenApiTypes.BINARY, 400: OpenApiTypes.OBJECT},
    )  # fmt: skip
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request, *args, **kwargs):
        fmt = request.query_params.get("format", "csv")
        if fmt not in export.FORMATS:
            message = "Choose the format csv or xlsx."
            return Response(error_body(400, "invalid", message, {"format": [message]}), status=400)
        queryset = self.filter_queryset(selectors.systems_for_export(self.organization))
        if fmt == "csv":
            response = StreamingHttpResponse(
                export.stream_csv(queryset), content_type=export.FORMATS["csv"]
            )
        else:
            content, content_type, _name = export.export_systems(queryset, fmt)
            response = HttpResponse(content, content_type=content_type)
        filename = export.export_filename(self.organization, fmt)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
