"""Export the register without losing anything: systems, vendors and models, as CSV or XLSX.

Every column is a ``Column``: its heading, the field it holds and how a record gives its
cell. ``restore`` reads the same columns back, so what this module writes is what a restore
recreates. Unknown facts (a flag or context nobody stated) are written as empty cells, never
as "no". Datetimes are written in UTC, to the second.

Files: the systems CSV (the list's filters), the vendors and models CSVs, one XLSX workbook
with the sheets Systems, Vendors and Models, and a ZIP of the three CSVs. CSV streams row by
row; XLSX and ZIP are written to a temporary file with bounded memory, then streamed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django_scopes import scope

from governance.register import selectors
from governance.register.models import AffectedPersons, AIModel, AISystem, Tag
from governance.register.spreadsheet_writing import (
    Sheet,
    stream_csv,
    write_csv_zip,
    write_workbook,
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
# What each export offers: the systems as one CSV, the whole register as a workbook or a ZIP.
FORMATS = {"systems": ("csv", "xlsx", "zip"), "vendors": ("csv", "xlsx"), "models": ("csv", "xlsx")}
# Rows are fetched in chunks, each chunk with its tags and models: memory stays flat.
CHUNK_SIZE = 1000
SHEET_TITLES = {"systems": "Systems", "vendors": "Vendors", "models": "Models"}
LIST_SEPARATOR = "; "  # tags, models and affected persons in one cell


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, the field it holds, and its cell for a record.

    ``restored`` False: the column informs (ids, timestamps, classification) and a restore
    does not write it.
    """

    header: str
    key: str
    value: Callable[[Any], Any]
    restored: bool = True
    width: int = 18


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A naive UTC datetime to the second: the same in CSV and XLSX (Excel has no zones)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def yes_no(value: bool | None) -> str:
    """Yes, no, or empty for a fact nobody stated."""
    return "" if value is None else "yes" if value else "no"


def _text(header: str, name: str, width: int = 18) -> Column:
    return Column(header, name, lambda o: getattr(o, name), True, width)


def _flag(header: str, name: str) -> Column:
    return Column(header, name, lambda o: yes_no(getattr(o, name)), True, 10)


@functools.cache
def _labels(model, name: str) -> dict:
    # get_FOO_display hashes lazy labels on every call: a third of a large export's time.
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _label(obj, name: str) -> str:
    value = getattr(obj, name)
    return _labels(type(obj), name).get(value, value)


def _choice(header: str, name: str) -> Column:
    # The label people read; blank stays blank (e.g. a deployment context not stated).
    return Column(header, name, lambda o: _label(o, name) if getattr(o, name) else "", True, 18)


def _date(header: str, name: str) -> Column:
    return Column(header, name, lambda o: getattr(o, name), True, 12)


def _stamp(header: str, name: str, restored: bool = False) -> Column:
    return Column(header, name, lambda o: _utc(getattr(o, name)), restored, 20)


def _email(header: str, name: str, restored: bool = True) -> Column:
    # Read from an annotation (see _related_text): no user row is built per record.
    return Column(header, name, lambda o: getattr(o, f"{name}_email") or "", restored, 24)


def _vendor(header: str) -> Column:
    return Column(header, "vendor", lambda o: o.vendor_name or "", True, 20)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


_AFFECTED = {value: str(label) for value, label in AffectedPersons.choices}

SYSTEM_COLUMNS = [
    _text("Reference", "reference", 14),
    _text("Name", "name", 30),
    _text("Intended purpose", "intended_purpose", 40),
    _text("Description", "description", 40),
    _choice("Operator role", "operator_role"),
    _choice("Lifecycle stage", "lifecycle_stage"),
    _choice("Deployment context", "deployment_context"),
    _vendor("Vendor"),
    _email("Business owner email", "business_owner"),
    _email("Technical owner email", "technical_owner"),
    _flag("Personal data", "processes_personal_data"),
    _flag("Biometric data", "processes_biometric_data"),
    _flag("Special categories of data", "processes_special_categories"),
    Column(
        "Affected persons",
        "affected_persons",
        lambda s: LIST_SEPARATOR.join(_AFFECTED.get(p, p) for p in s.affected_persons or []),
        True,
        24,
    ),  # fmt: skip
    _text("Human oversight", "human_oversight", 30),
    _date("Placed on the market", "placed_on_market_on"),
    _date("Put into service", "put_into_service_on"),
    _date("Significantly changed on", "significantly_changed_on"),
    _flag("Intended for public authorities", "intended_for_public_authorities"),
    _flag("Annex X component", "annex_x_component"),
    _text("EU database id", "eu_database_id"),
    _text("Legal basis", "legal_basis", 30),
    _text("Legal basis URL", "legal_basis_url", 30),
    _text("Public page URL", "public_page_url", 30),
    _text("Source code URL", "source_code_url", 30),
    _text("Processing register URL", "processing_register_url", 30),
    _text("Contact point", "contact_point", 24),
    _date("Published on", "published_on"),
    _date("Ended on", "ended_on"),
    _flag("DPIA done", "dpia_done"),
    _flag("FRIA done", "fria_done"),
    Column("Tags", "tags", lambda s: LIST_SEPARATOR.join(t.name for t in s.tags.all()), True, 20),
    Column(
        "Models",
        "ai_models",
        lambda s: LIST_SEPARATOR.join(str(m) for m in s.ai_models.all()),
        True,
        24,
    ),  # fmt: skip
    # The current classification: informs; a restore leaves systems unscreened.
    Column("Risk tier", "risk_tier", lambda s: _label(s, "risk_tier"), False, 14),
    Column("GPAI tier", "gpai_tier", lambda s: s.gpai_tier, False, 12),
    Column(
        "Classification version",
        "classification_version",
        lambda s: s.classification_version,
        False,
        10,
    ),  # fmt: skip
    _stamp("Classified at (UTC)", "classified_at"),
    _stamp("Archived at (UTC)", "archived_at", restored=True),
    _email("Created by", "created_by", restored=False),
    _stamp("Created at (UTC)", "created_at"),
    _stamp("Updated at (UTC)", "updated_at"),
    Column("Id", "uuid", lambda s: str(s.uuid), False, 38),
]

VENDOR_COLUMNS = [
    _text("Name", "name", 30),
    _text("Website", "website", 30),
    _text("Contact email", "contact_email", 28),
    _text("Country", "country", 16),
    _text("Notes", "notes", 40),
    _stamp("Archived at (UTC)", "archived_at", restored=True),
    _stamp("Created at (UTC)", "created_at"),
    _stamp("Updated at (UTC)", "updated_at"),
    Column("Id", "uuid", lambda v: str(v.uuid), False, 38),
]

MODEL_COLUMNS = [
    _text("Name", "name", 30),
    _text("Version", "version", 12),
    _text("Provider", "provider", 20),
    _vendor("Vendor"),
    _text("Licence", "licence", 14),
    _choice("Model type", "model_type"),
    _flag("General-purpose", "is_general_purpose"),
    _text("Training compute (FLOPs)", "training_compute_flops", 14),
    _flag("Open source", "is_open_source"),
    _date("Placed on the market", "placed_on_market_on"),
    _text("Base model", "base_model", 24),
    _text("Intended use", "intended_use", 40),
    _text("Limitations", "limitations", 40),
    _text("Training data", "training_data", 40),
    Column("Evaluations (JSON)", "evaluations", lambda m: _json(m.evaluations), True, 40),
    Column("Languages (JSON)", "languages", lambda m: _json(m.languages), True, 16),
    _choice("Source", "source"),
    _text("Source reference", "source_ref", 24),
    _text("Source file", "source_file", 20),
    _stamp("Archived at (UTC)", "archived_at", restored=True),
    _email("Created by", "created_by", restored=False),
    _stamp("Created at (UTC)", "created_at"),
    _stamp("Updated at (UTC)", "updated_at"),
    Column("Id", "uuid", lambda m: str(m.uuid), False, 38),
]

COLUMNS = {"systems": SYSTEM_COLUMNS, "vendors": VENDOR_COLUMNS, "models": MODEL_COLUMNS}
HEADERS = [c.header for c in SYSTEM_COLUMNS]


# --------------------------------------------------------------------------------------------
# What is exported
# --------------------------------------------------------------------------------------------


def _classification_version(organization):
    """The number of each system's current classification record, or None when unscreened.

    The records belong to the classification app, which builds on the register: they are
    reached through their relation to the system, so the register does not import that app.
    """
    relation = AISystem._meta.fields_map.get("classifications")
    if relation is None:
        return Value(None, output_field=IntegerField())
    records = relation.related_model._base_manager.filter(
        organization=organization, system=OuterRef("pk")
    ).order_by("-version")
    return Subquery(records.values("version")[:1], output_field=IntegerField())


def _related_text(**paths):
    # A joined column as text, instead of a related row built per record (a third of the
    # time of a large export went into building users and vendors).
    return {name: F(path) for name, path in paths.items()}


def systems_for_export(organization):
    """Every system of the organisation (archived too) with what its columns read, no N+1."""
    return (
        selectors.systems_of(organization, include_archived=True)
        .annotate(
            **_related_text(
                vendor_name="vendor__name",
                business_owner_email="business_owner__email",
                technical_owner_email="technical_owner__email",
                created_by_email="created_by__email",
            )
        )  # fmt: skip
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.filter(organization=organization)),
            Prefetch(
                "ai_models",
                queryset=AIModel.objects.filter(organization=organization).only(
                    "id", "name", "version"
                ),
            ),
        )
        .annotate(classification_version=_classification_version(organization))
    )


def vendors_for_export(organization):
    return selectors.vendors_of(organization, include_archived=True)


def models_for_export(organization):
    return selectors.models_of(organization, include_archived=True).annotate(
        **_related_text(vendor_name="vendor__name", created_by_email="created_by__email")
    )


def register_querysets(organization, systems, *, include_archived: bool) -> dict[str, Any]:
    """The three tables of a whole-register file for these (filtered) systems.

    Vendors and models: the active ones, the archived ones too when asked, and always those
    the exported systems and models refer to, so that no link of the file points nowhere.
    """
    vendors, models = vendors_for_export(organization), models_for_export(organization)
    if not include_archived:
        system_ids = systems.order_by().values("pk")
        used_models = AISystem.ai_models.through.objects.filter(aisystem_id__in=system_ids)
        models = models.filter(Q(archived_at=None) | Q(pk__in=used_models.values("aimodel_id")))
        vendors = vendors.filter(
            Q(archived_at=None)
            | Q(pk__in=systems.order_by().exclude(vendor=None).values("vendor_id"))
            | Q(pk__in=models.order_by().exclude(vendor=None).values("vendor_id"))
        )
    return {"systems": systems, "vendors": vendors, "models": models}


def rows(columns: list[Column], queryset) -> Iterator[list]:
    """Yield the cells of every record, fetched CHUNK_SIZE at a time with their relations."""
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(record) for column in columns]


def _scoped(organization, iterator: Iterator) -> Iterator:
    """Read each piece of a streamed body inside the tenant's scope, and only while reading.

    The body is read after the view returns, outside its scope. The scope is entered around
    each step and left before the piece is handed on: a body the client stops reading half-way
    must not leave the worker's thread in this tenant's scope.
    """
    while True:
        with scope(organization=organization):
            try:
                piece = next(iterator)
            except StopIteration:
                return
        yield piece


def sheet(kind: str, queryset) -> Sheet:
    columns = COLUMNS[kind]
    return Sheet(
        title=SHEET_TITLES[kind],
        headers=[c.header for c in columns],
        rows=rows(columns, queryset),
        widths=[c.width for c in columns],
    )


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------


def export_filename(organization, kind: str, fmt: str) -> str:
    what = {"systems": "ai-systems", "vendors": "vendors", "models": "ai-models"}[kind]
    if kind == "systems" and fmt == "zip":
        what = "register"
    return f"{organization.slug}-{what}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def export_response(organization, kind: str, fmt: str, queryset, *, include_archived=False):
    """Answer with the export file of ``kind`` ("systems", "vendors", "models") in ``fmt``.

    ``queryset`` is the filtered list; for systems as XLSX or ZIP the file is the whole
    register of those systems (see register_querysets). CSV streams; XLSX and ZIP are built
    in a temporary file, which is streamed and then deleted.
    """
    if fmt == "csv":
        columns = COLUMNS[kind]
        body = stream_csv([c.header for c in columns], rows(columns, queryset))
        response = StreamingHttpResponse(_scoped(organization, body))
    else:
        if kind == "systems":
            tables = register_querysets(organization, queryset, include_archived=include_archived)
        else:
            tables = {kind: queryset}
        sheets = [sheet(k, qs) for k, qs in tables.items()]
        # Closed by FileResponse once streamed (or below on failure); deleted on close.
        target = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            (write_workbook if fmt == "xlsx" else write_csv_zip)(sheets, target)
        except BaseException:
            target.close()
            raise
        target.seek(0)
        response = FileResponse(target)
    response["Content-Type"] = CONTENT_TYPES[fmt]
    filename = export_filename(organization, kind, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def wants_archived(params) -> bool:
    """Whether the request asked for archived rows (the lists' `archived` filter)."""
    return str(params.get("archived", "")).lower() in ("true", "only")


__all__ = [
    "COLUMNS",
    "CONTENT_TYPES",
    "Column",
    "FORMATS",
    "export_response",
    "models_for_export",
    "register_querysets",
    "systems_for_export",
    "vendors_for_export",
    "wants_archived",
]
