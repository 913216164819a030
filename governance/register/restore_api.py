"""REST API: restore the register from an Annex export (POST …/imports/register/)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.core.api import OrganizationScopedMixin, RejectUnknownFieldsMixin, error_body
from governance.register import restore
from governance.register.restore_files import MAX_BYTES, MAX_ROWS, read_export
from governance.register.spreadsheets import SpreadsheetError
from governance.tenancy.roles import Action

SHOWN = 500


class RestoreRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text=f"The XLSX workbook (sheets Systems, Vendors, Models) or the ZIP of CSV files "
        f"that the export makes (…/systems/export/?format=xlsx or zip): up to "
        f"{MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows a sheet."
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Check and count; write nothing."
    )


class IssueSerializer(serializers.Serializer):
    sheet = serializers.CharField(help_text="Systems, Vendors or Models ('' for the file).")
    row = serializers.IntegerField(allow_null=True, help_text="The sheet's row (1 is the heading).")
    column = serializers.CharField()
    message = serializers.CharField()


class CountsSerializer(serializers.Serializer):
    vendors = serializers.IntegerField()
    models = serializers.IntegerField()
    systems = serializers.IntegerField()
    archived_vendors = serializers.IntegerField()
    archived_models = serializers.IntegerField()
    archived_systems = serializers.IntegerField()
    classified_in_file = serializers.IntegerField(
        help_text="Systems the file shows as classified: they are restored unscreened."
    )


class RestorePreviewSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField(help_text="True when the restore would succeed.")
    counts = CountsSerializer()
    note = serializers.CharField()
    warnings = IssueSerializer(many=True)
    errors = IssueSerializer(many=True)


class RestoreResultSerializer(serializers.Serializer):
    counts = CountsSerializer()
    note = serializers.CharField()
    warnings = IssueSerializer(many=True)
    systems = inline_serializer("RestoredSystem", many=True, fields={
        "uuid": serializers.UUIDField(), "name": serializers.CharField(),
    })  # fmt: skip


RESTORE_ERROR = inline_serializer("RestoreError", fields={"error": inline_serializer(
    "RestoreErrorBody", fields={
        "status": serializers.IntegerField(), "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": inline_serializer("RestoreErrorFields", fields={
            "file": serializers.ListField(child=serializers.CharField(), required=False),
            "rows": IssueSerializer(many=True, required=False),
        }),
    })})  # fmt: skip


def _invalid(message: str, fields: dict) -> Response:
    return Response(error_body(400, "invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)


@extend_schema(tags=["register import"])
class RegisterRestoreView(OrganizationScopedMixin, APIView):
    """Restore vendors, models and AI systems from an Annex export: all of them, or none."""

    required_actions = {"POST": Action.EDIT_REGISTER}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="restore_register",
        summary="Restore the register from an Annex export",
        description=(
            "Upload an export (multipart `file`). Vendors, then models, then systems are "
            "added with every field, link and tag; archived rows stay archived. A vendor, "
            "model or reference already in the organisation, or any bad cell, is a 400 listing "
            "every problem as `error.fields.rows[]` = `{sheet, row, column, message}`, and "
            "nothing is written. An owner's email that is not a member leaves the owner empty, "
            "with a warning. Classifications are not restored (they come from screenings): "
            "the systems are unscreened. `dry_run=true`: a 200 with the counts, warnings and "
            "problems, nothing written."
        ),
        request={"multipart/form-data": RestoreRequestSerializer},
        responses={
            201: RestoreResultSerializer,
            200: OpenApiResponse(RestorePreviewSerializer, description="The dry run."),
            400: OpenApiResponse(RESTORE_ERROR, description="Nothing was restored.", examples=[
                OpenApiExample("A bad cell", value=error_body(
                    400, "invalid", "1 problem in the file; nothing was restored.",
                    {"rows": [{"sheet": "Systems", "row": 4, "column": "Vendor",
                               "message": "No vendor 'Acme' is in the vendors sheet or the "
                                          "register."}]})),
            ]),
            403: OpenApiResponse(description="The role or the token does not allow editing."),
        },
    )  # fmt: skip
    def post(self, request, org_slug):
        serializer = RestoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        upload.seek(0)
        try:
            tables, _fmt = read_export(upload.read(MAX_BYTES + 1), upload.name or "")
        except SpreadsheetError as exc:
            return _invalid(str(exc), {"file": [str(exc)]})
        if serializer.validated_data["dry_run"]:
            plan = restore.plan_restore(organization=self.organization, tables=tables)
            return Response({
                "dry_run": True, "valid": plan.ok, "counts": plan.counts(),
                "note": restore.UNSCREENED, "warnings": _issues(plan.warnings),
                "errors": _issues(plan.errors),
            })  # fmt: skip
        try:
            result = restore.commit_restore(organization=self.organization,
                                            acting=self.membership, tables=tables,
                                            filename=upload.name or "")  # fmt: skip
        except restore.RestoreFailed as exc:
            return _invalid(str(exc), {"rows": _issues(exc.errors)})
        return Response({
            "counts": result.counts, "note": restore.UNSCREENED,
            "warnings": _issues(result.warnings),
            "systems": [{"uuid": str(s.uuid), "name": s.name} for s in result.systems],
        }, status=status.HTTP_201_CREATED)  # fmt: skip


def _issues(issues) -> list[dict]:
    return [issue.as_dict() for issue in issues[:SHOWN]]
