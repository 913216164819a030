"""REST API for imports: the register from a spreadsheet (model cards: ``modelcard_api``).

The endpoint validates everything before writing anything. A spreadsheet import is
all-or-nothing: one bad row and nothing is imported, with every problem listed by row and
column.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.core.api import OrganizationScopedMixin, RejectUnknownFieldsMixin, error_body
from governance.register import import_job_api, imports, saved_mappings
from governance.register.import_cells import VALUE_FIELDS
from governance.register.spreadsheets import SpreadsheetError, read_table
from governance.tenancy.roles import Action

PREVIEW_ROWS = 50


def _invalid(message: str, fields: dict) -> Response:
    return Response(error_body(400, "invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)


def _read_upload(upload, limit: int) -> bytes | None:
    """Read at most ``limit + 1`` bytes, enough to tell a file that is too large."""
    upload.seek(0)
    return upload.read(limit + 1)


# --- Schema ---------------------------------------------------------------------------------


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="The spreadsheet row number (1 is the heading row); null "
        "for a problem with the whole file."
    )  # fmt: skip
    column = serializers.CharField(help_text="The column heading, as in the file.")
    field = serializers.CharField(help_text="The register field the column feeds.")
    message = serializers.CharField()


class SystemImportRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(help_text="A CSV or XLSX file, up to 5 MB and 10,000 rows.")
    mapping = serializers.JSONField(
        required=False, binary=True,
        help_text="A JSON object {column heading: field} (field null or \"\" to ignore the "
        "column). When given it is the whole mapping: columns it leaves out are ignored. "
        "Without it the columns are matched by their headings. Fields: "
        + ", ".join(imports.IMPORT_FIELDS) + ".",
    )  # fmt: skip
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Validate and preview; write nothing."
    )
    mode = serializers.ChoiceField(
        choices=imports.MODES, required=False, default="add",
        help_text="`add`: every row is a new system (a row matching one is an error). `upsert`: "
        "a row matching a system updates it (only its filled, mapped cells).",
    )  # fmt: skip
    match_on = serializers.ChoiceField(
        choices=imports.MATCH_FIELDS, required=False,
        help_text="The field rows are matched to systems on (case does not count); default "
        "`reference`, or the saved mapping's.",
    )  # fmt: skip
    mapping_name = serializers.CharField(
        required=False, max_length=100,
        help_text="Apply a saved mapping (or a ready-made one, by key or name): its columns, "
        "values, defaults, tag separator and match field. `values` and `defaults` sent too "
        "override it field by field. A heading the file lacks, or a field the register no "
        "longer has, is a 400 naming it.",
    )  # fmt: skip
    saved_mapping = serializers.UUIDField(
        required=False,
        help_text="Apply a saved mapping by its id (instead of `mapping_name`).",
    )
    values = serializers.JSONField(
        required=False, binary=True,
        help_text='Map the file\'s values to ours: {field: {file value: our value or '
        '"__unknown__"}}, for ' + ", ".join(VALUE_FIELDS) + '. Unknown keeps the fact "not '
        'stated". Obvious values (Ja/Nee, In gebruik, oui/non, …) need no mapping.',
    )  # fmt: skip
    defaults = serializers.JSONField(
        required=False, binary=True,
        help_text="{field: value} for new systems whose row states nothing for the field; only "
        "these defaults are applied. A new system needs an operator_role and a "
        "lifecycle_stage: from its row or from here.",
    )  # fmt: skip
    tag_separator = serializers.ChoiceField(
        choices=[",", ";", "|", "\n"], required=False,
        help_text="What separates the tags of a cell (default: commas, semicolons and line "
        "breaks). A tag over 60 characters is an error, never cut.",
    )  # fmt: skip
    fingerprint = serializers.CharField(
        required=False, max_length=64,
        help_text="A dry run's `fingerprint`: the import is refused (400) unless it would do "
        "exactly what that dry run showed.",
    )  # fmt: skip


class RowOutcomeSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["new", "changed", "unchanged", "error"])
    system = serializers.UUIDField(allow_null=True, help_text="The system the row updates.")
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="{field: [old, new]} as text, for a changed row.",
    )


class SystemImportPreviewSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField(help_text="True when a real import would succeed.")
    rows = serializers.IntegerField(help_text="Data rows in the file.")
    systems_to_create = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Rows that would add a system.")
    updated = serializers.IntegerField(help_text="Rows that would change a system.")
    unchanged = serializers.IntegerField(help_text="Rows that match a system and change nothing.")
    fingerprint = serializers.CharField(help_text="Send it with the import to hold it to this.")
    outcomes = RowOutcomeSerializer(many=True)
    new_vendors = serializers.ListField(
        child=serializers.CharField(), help_text="Vendors the import adds, in the same transaction."
    )
    mapping = serializers.DictField(child=serializers.CharField(allow_null=True))
    errors = RowErrorSerializer(many=True)
    error_groups = serializers.ListField(
        child=serializers.DictField(), help_text="Identical problems grouped, most first: "
        "{column, field, message, count, rows (the first 20)}.",
    )  # fmt: skip
    defaults_applied = serializers.ListField(
        child=serializers.DictField(), help_text="The defaults the request chose that fill new "
        "systems: {field, label, value, rows}. Nothing else fills a fact a row leaves out.",
    )  # fmt: skip
    sample = serializers.ListField(
        child=serializers.DictField(), help_text=f"The first {PREVIEW_ROWS} rows as they would "
        "be imported: {\"row\": number, field: text}."
    )  # fmt: skip


class SystemImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    outcomes = RowOutcomeSerializer(many=True)
    new_vendors = serializers.ListField(child=serializers.CharField())
    systems = inline_serializer(
        "ImportedSystem", many=True,
        fields={"row": serializers.IntegerField(), "uuid": serializers.UUIDField(),
                "name": serializers.CharField()},
    )  # fmt: skip


def _error_schema(name: str, fields: dict):
    """Document the API's one error shape with this endpoint's `fields`."""
    body = inline_serializer(
        f"{name}Body",
        fields={
            "status": serializers.IntegerField(),
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": inline_serializer(f"{name}Fields", fields=fields),
        },
    )
    return inline_serializer(name, fields={"error": body})


SYSTEM_IMPORT_ERROR = _error_schema("SystemImportError", {
    "rows": RowErrorSerializer(many=True, required=False),
    "groups": serializers.ListField(child=serializers.DictField(), required=False),
    "file": serializers.ListField(child=serializers.CharField(), required=False),
    "mapping": serializers.ListField(child=serializers.CharField(), required=False),
    "mapping_name": serializers.ListField(child=serializers.CharField(), required=False),
    "values": serializers.ListField(child=serializers.CharField(), required=False),
    "defaults": serializers.ListField(child=serializers.CharField(), required=False),
})  # fmt: skip


# --- Views ----------------------------------------------------------------------------------


@extend_schema(tags=["register import"])
class SystemImportView(OrganizationScopedMixin, APIView):
    """Import AI systems from a CSV or XLSX spreadsheet: every row, or none."""

    required_actions = {"POST": Action.EDIT_REGISTER}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="import_systems",
        summary="Import AI systems from a spreadsheet",
        description=(
            "Upload the register as CSV or XLSX (multipart). Columns are matched to fields by "
            "their headings, or by `mapping`. Every row is validated first; if any row has a "
            "problem nothing is imported and the answer is a 400 listing every problem as "
            "`error.fields.rows[]` = `{row, column, field, message}`. Vendors named in the file "
            "that are not in the register are added in the same transaction. With "
            "`dry_run=true` nothing is written and the answer is a 200 preview, with the same "
            "row errors in `errors`."
        ),
        request={"multipart/form-data": SystemImportRequestSerializer},
        responses={
            201: SystemImportResultSerializer,
            200: OpenApiResponse(SystemImportPreviewSerializer, description="The dry run."),
            202: import_job_api.JOB_202,
            400: OpenApiResponse(SYSTEM_IMPORT_ERROR, description="Nothing was imported.",
                                 examples=[OpenApiExample("A row with a problem", value=error_body(
                                     400, "invalid", "1 row has errors; nothing was imported.",
                                     {"rows": [{"row": 7, "column": "Owner",
                                                "field": "business_owner",
                                                "message": "nobody with the email x@y.test is a "
                                                           "member of Acme."}]}))]),
            403: OpenApiResponse(description="The role or the token does not allow editing."),
        },
    )  # fmt: skip
    def post(self, request, org_slug):
        serializer = SystemImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        upload = params["file"]
        data = _read_upload(upload, imports.MAX_UPLOAD_BYTES)
        try:
            table = read_table(data, upload.name or "", max_bytes=imports.MAX_UPLOAD_BYTES,
                               max_rows=imports.MAX_ROWS)  # fmt: skip
        except SpreadsheetError as exc:
            return _invalid(str(exc), {"file": [str(exc)]})
        try:
            mapping, options = _options(self.organization, table, params)
            preview = imports.preview_import(
                organization=self.organization, table=table, mapping=mapping, **options
            )
        except imports.MappingError as exc:
            messages = [f"{h}: {m}" if h else m for h, ms in exc.errors.items() for m in ms]
            return _invalid(f"The {exc.param.replace('_', ' ')} cannot be used: " + str(exc),
                            {exc.param: messages})  # fmt: skip
        if params["dry_run"]:
            return Response(self._preview_body(table, preview))
        queued = import_job_api.queue_response(
            request, membership=self.membership, table=table, filename=upload.name or "",
            mapping=mapping, options=options, preview=preview,
        )  # fmt: skip
        if queued is not None:  # too large for a request: a Celery job commits it (202)
            return queued
        try:
            result = imports.commit_import(
                organization=self.organization,
                acting=self.membership,
                table=table,
                mapping=mapping,
                filename=upload.name or "",
                expected_fingerprint=params.get("fingerprint"),
                **options,
            )
        except imports.ImportFailed as exc:
            return _invalid(str(exc), {"rows": [e.as_dict() for e in exc.errors],
                                       "groups": imports.group_errors(exc.errors)})  # fmt: skip
        body = {
            "created": result.created,
            "updated": len(result.updated),
            "unchanged": result.unchanged,
            "outcomes": _outcomes(result.rows),
            "new_vendors": [v.name for v in result.vendors],
            "systems": [
                {"row": number, "uuid": str(system.uuid), "name": system.name}
                for number, system in zip(result.row_numbers, result.systems, strict=True)
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @staticmethod
    def _preview_body(table, preview) -> dict:
        return {
            "dry_run": True,
            "valid": preview.ok,
            "rows": len(table.rows),
            "systems_to_create": preview.count("new") if preview.ok else 0,
            "created": preview.count("new"),
            "updated": preview.count("changed"),
            "unchanged": preview.count("unchanged"),
            "fingerprint": preview.fingerprint,
            "outcomes": _outcomes(preview.rows),
            "new_vendors": preview.new_vendors,
            "mapping": {h: preview.mapping.get(h) for h in table.headers},
            "errors": [e.as_dict() for e in preview.errors],
            "error_groups": preview.error_groups,
            "defaults_applied": preview.applied_defaults,
            "sample": [
                {"row": row.row_number, **row.display} for row in preview.rows[:PREVIEW_ROWS]
            ],
        }


def _options(organization, table, params) -> tuple[dict, dict]:
    """Return (the column mapping, the import options) from the request and any saved mapping.

    Raise MappingError (its ``param`` the request field at fault).
    """
    mapping = params.get("mapping")
    options = {"mode": params["mode"], "match_on": params.get("match_on") or "reference",
               "tag_separator": params.get("tag_separator"), "values": params.get("values"),
               "defaults": params.get("defaults")}  # fmt: skip
    name, mapping_id = params.get("mapping_name"), params.get("saved_mapping")
    if not name and mapping_id is None:
        return (imports.suggest_import_mapping(table.headers) if mapping is None else mapping,
                options)  # fmt: skip
    param = "mapping_name" if name else "saved_mapping"
    if mapping is not None:
        raise imports.MappingError({"": ["Send a mapping or a saved mapping, not both."]},
                                   param=param)  # fmt: skip
    try:
        spec = saved_mappings.find_spec(organization, name=name or "", mapping_id=mapping_id)
    except LookupError as exc:
        raise imports.MappingError({"": [str(exc)]}, param=param) from None
    columns, saved = saved_mappings.apply_to_headers(spec, table.headers)
    for key in ("values", "defaults"):
        given = options[key]
        if given is not None and not isinstance(given, dict):
            continue  # preview_import names the problem
        merged = {**saved[key], **(given or {})}
        if key == "values":
            merged = {f: {**saved[key].get(f, {}), **(given or {}).get(f, {})}
                      if isinstance((given or {}).get(f, {}), dict) else (given or {})[f]
                      for f in merged}  # fmt: skip
        options[key] = merged
    options["tag_separator"] = options["tag_separator"] or saved["tag_separator"]
    options["match_on"] = params.get("match_on") or saved["match_on"]
    return columns, options


def _outcomes(rows) -> list[dict]:
    return [
        {"row": r.row_number, "outcome": r.outcome,
         "system": str(r.system.uuid) if r.system is not None else None,
         "changes": {k: list(v) for k, v in r.changes.items()}}
        for r in rows
    ]  # fmt: skip
