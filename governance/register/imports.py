"""Import the register from spreadsheets and models from model cards.

A spreadsheet import is all-or-nothing: ``preview_import`` validates every row and says what
would happen, ``commit_import`` validates again inside one transaction and writes every row
through the register's services, or nothing at all. Reading the file is ``spreadsheets``'s
job and reading a card is ``modelcards``'s; this module turns their plain data into register
rows.

Uploads wait between the steps of the web flow in ``VAR_DIR/imports``, one file per upload
named by a random token; the token's owner (organisation and user) is stored beside it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope

from governance.audit.services import record_event
from governance.register import pending, services, value_mapping
from governance.register.import_cells import (
    PARSERS,
    REQUIRED_CHOICES,
    REQUIRED_MESSAGES,
    TAG_SEPARATORS,
    VALUE_FIELDS,
    CellError,
    Lookups,
    display_value,
)

# The importable fields and the column mapping live in import_fields; re-exported here.
from governance.register.import_fields import (
    IMPORT_FIELDS,
    REQUIRED_FIELDS,
    ImportField,
    MappingError,
    check_mapping,
    suggest_import_mapping,
)
from governance.register.import_upsert import (
    MATCH_FIELDS,
    MODES,
    RowMatcher,
    SystemUpdate,
    UpdateConflict,
    update_systems,
)
from governance.register.models import (
    AIModel,
    AISystem,
    Vendor,
)
from governance.register.spreadsheets import Table
from governance.tenancy.roles import Action

__all__ = [
    "IMPORT_FIELDS",
    "REQUIRED_FIELDS",
    "ImportFailed",
    "ImportField",
    "ImportPreview",
    "ImportResult",
    "MappingError",
    "ModelCardPreview",
    "PendingUpload",
    "RowError",
    "UploadNotFound",
    "check_mapping",
    "commit_import",
    "discard_upload",
    "get_upload",
    "import_model_card",
    "preview_import",
    "preview_model_card",
    "save_mapping",
    "save_upload",
    "suggest_import_mapping",
]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
PROGRESS_EVERY = 500  # rows between two calls of preview_import's progress callback


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class RowError:
    """One problem with one cell (row_number None: a problem with the whole file)."""

    row_number: int | None
    column_header: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row_number, "column": self.column_header, "field": self.field,
                "message": self.message}  # fmt: skip

    def __str__(self) -> str:
        if self.row_number is None:
            return self.message
        if self.column_header:
            return f"Row {self.row_number}, column '{self.column_header}': {self.message}"
        return f"Row {self.row_number}: {self.message}"


@dataclass
class ImportRow:
    """One spreadsheet row as it will be imported."""

    row_number: int
    data: dict[str, Any] = field(default_factory=dict)  # model fields for create_system
    ai_models: list[AIModel] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    new_vendor: str = ""  # the name of a vendor this import adds
    display: dict[str, str] = field(default_factory=dict)  # field key → text to show
    errors: list[RowError] = field(default_factory=list)
    blank: set[str] = field(default_factory=set)  # mapped fields whose cell is empty
    outcome: str = "new"  # new, changed, unchanged or error
    system: AISystem | None = None  # the system the row updates
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (old, new)
    defaulted: set[str] = field(default_factory=set)  # fields a default the user chose filled

    def stated_values(self) -> dict[str, Any]:
        """The values of the filled cells, by field: what an update of a system writes."""
        values = {k: v for k, v in self.data.items() if k not in self.blank}
        for key, value in (("ai_models", self.ai_models), ("tags", self.tags)):
            if key in self.display and key not in self.blank:
                values[key] = value
        if self.new_vendor and "vendor" not in self.blank:
            values["vendor"] = self.new_vendor
        return values


@dataclass
class ImportPreview:
    mapping: dict[str, str]  # header → field key
    rows: list[ImportRow]
    errors: list[RowError]
    new_vendors: list[str]
    mode: str = "add"
    match_on: str = "reference"
    defaults: dict[str, Any] = field(default_factory=dict)  # the user's, clean
    defaults_applied: dict[str, int] = field(default_factory=dict)  # field → rows it filled

    @property
    def applied_defaults(self) -> list[dict]:
        """Which defaults filled how many new systems: [{field, label, value, rows}]."""
        order = list(IMPORT_FIELDS)
        return sorted([
            {"field": key, "label": IMPORT_FIELDS[key].label, "rows": count,
             "value": display_value(key, self.defaults[key])}
            for key, count in self.defaults_applied.items()
        ], key=lambda d: order.index(d["field"]))  # fmt: skip

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_groups(self) -> list[dict]:
        return group_errors(self.errors)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def fingerprint(self) -> str:
        """A digest of what the commit would do: the commit refuses when it no longer holds."""
        digest = hashlib.sha256(f"{self.mode}|{self.match_on}".encode())
        for row in self.rows:
            system = f"{row.system.pk}@{row.system.row_version}" if row.system else ""
            changes = json.dumps(sorted(row.changes.items()), ensure_ascii=False)
            digest.update(f"|{row.row_number}:{row.outcome}:{system}:{changes}".encode())
        return digest.hexdigest()[:32]

    @property
    def system_count(self) -> int:
        return len(self.rows)

    @property
    def rows_with_errors(self) -> int:
        return len({e.row_number for e in self.errors})

    @property
    def fields(self) -> list[ImportField]:
        """The mapped fields, in the register's order."""
        mapped = set(self.mapping.values())
        return [f for k, f in IMPORT_FIELDS.items() if k in mapped]

    def summary(self) -> str:
        systems = f"{self.system_count} system{'s' if self.system_count != 1 else ''}"
        vendors = len(self.new_vendors)
        if vendors:
            return f"{systems} and {vendors} new vendor{'s' if vendors != 1 else ''}"
        return systems


@dataclass
class ImportResult:
    systems: list[AISystem]  # the systems created
    vendors: list[Vendor]
    row_numbers: list[int]  # the rows of the systems created
    updated: list[AISystem] = field(default_factory=list)
    unchanged: int = 0
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.systems)


def group_errors(errors: list[RowError]) -> list[dict]:
    """Group identical problems: {column, field, message, count, rows (the first 20)}, most first.

    "412 rows: 'In gebruik' is not a lifecycle stage" reads better than 412 lines.
    """
    groups: dict[tuple[str, str, str], dict] = {}
    for error in errors:
        key = (error.column_header, error.field, error.message)
        group = groups.setdefault(key, {
            "column": error.column_header, "field": error.field, "message": error.message,
            "count": 0, "rows": [],
        })  # fmt: skip
        group["count"] += 1
        if len(group["rows"]) < 20 and error.row_number is not None:
            group["rows"].append(error.row_number)
    return sorted(groups.values(), key=lambda g: -g["count"])


class ImportFailed(Exception):
    """Signal that nothing was imported because of these row errors."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        rows = len({e.row_number for e in errors})
        super().__init__(
            f"{rows} row{'s' if rows != 1 else ''} ha{'ve' if rows != 1 else 's'} errors; "
            "nothing was imported."
        )


# --------------------------------------------------------------------------------------------
# Preview and commit
# --------------------------------------------------------------------------------------------


def preview_import(
    *,
    organization,
    table: Table,
    mapping: dict,
    mode: str = "add",
    match_on: str = "reference",
    tag_separator: str | None = None,
    values: dict | None = None,
    defaults: dict | None = None,
    progress=None,
) -> ImportPreview:
    """Validate every row of the table against the register and say what each row does.

    ``mode`` "add" only adds systems; "upsert" also updates the system a row matches on the
    ``match_on`` field (see ``import_upsert``). ``values`` maps the file's cell values to ours
    ({field: {file value: ours or "__unknown__"}}); ``defaults`` ({field: value}) fill what a
    new system's row does not state, and nothing else does. Write nothing. Raise
    ``MappingError`` when the mapping, the value map or the defaults are unusable.
    """
    clean_mapping = check_mapping(table.headers, mapping)
    _check_mode(clean_mapping, mode, match_on)
    value_map = _clean(value_mapping.clean_values, values, "values")
    chosen = _clean(value_mapping.clean_defaults, defaults, "defaults")
    columns = [(table.headers.index(h), h, key) for h, key in clean_mapping.items()]
    with scope(organization=organization):
        ctx = Lookups(organization)
        matcher = RowMatcher(organization, mode=mode, match_on=match_on, mapping=clean_mapping)
    ctx.value_map = value_map
    if tag_separator is not None:
        if tag_separator not in TAG_SEPARATORS:
            names = ", ".join(TAG_SEPARATORS.values())
            raise MappingError({"": [f"Split tags on one of: {names}."]}, param="tag_separator")
        ctx.tag_separators = tag_separator
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    applied: dict[str, int] = {}
    if not table.rows:
        errors.append(RowError(None, "", "", "The file has no rows below its heading row."))
    header_of = {key: header for header, key in clean_mapping.items()}
    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        row = _parse_row(cells, number, columns, ctx)
        matcher.classify(row)
        if row.system is None:
            _complete_new_row(row, chosen, header_of, applied)
        rows.append(row)
        errors.extend(row.errors)
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows))  # an import job's rows checked (register.import_jobs)
    new_vendors = sorted({r.new_vendor for r in rows if r.new_vendor}, key=str.casefold)
    return ImportPreview(mapping=clean_mapping, rows=rows, errors=errors, new_vendors=new_vendors,
                         mode=mode, match_on=match_on, defaults=chosen,
                         defaults_applied=applied)  # fmt: skip


def _clean(check, given, param: str):
    """Check a value map or the defaults; name the field of each problem in a MappingError."""
    try:
        return check(given)
    except value_mapping.ValueMapError as exc:
        named: dict[str, list[str]] = {}
        for key, messages in exc.errors.items():
            label = IMPORT_FIELDS[key].label if key in IMPORT_FIELDS else key
            named.setdefault("", []).extend(f"{label}: {m}" if label else m for m in messages)
        raise MappingError(named, param=param) from None


def _check_mode(clean_mapping: dict[str, str], mode: str, match_on: str) -> None:
    if mode not in MODES:
        raise MappingError({"": [f"'{mode}' is not an import mode: use add or upsert."]},
                           param="mode")  # fmt: skip
    if match_on not in MATCH_FIELDS or (
        mode == "upsert" and match_on not in clean_mapping.values()
    ):
        fields = " or ".join(IMPORT_FIELDS[k].label.lower() for k in MATCH_FIELDS)
        raise MappingError({"": [f"Rows are matched on a mapped column: {fields}; "
                                 f"'{match_on}' is not one of the mapped fields."]},
                           param="match_on")  # fmt: skip


def _parse_row(cells, number: int, columns, ctx) -> ImportRow:
    """Parse one row's mapped cells; an empty cell, or one that says "unknown", states nothing."""
    row = ImportRow(row_number=number)
    for index, header, key in columns:
        raw = cells[index].strip() if index < len(cells) else ""
        if not raw:
            row.blank.add(key)
        if key in REQUIRED_MESSAGES and not raw:
            row.errors.append(RowError(number, header, key, REQUIRED_MESSAGES[key]))
            continue
        try:
            value = PARSERS[key](raw, ctx)
        except CellError as exc:
            row.errors.append(RowError(number, header, key, str(exc)))
            continue
        row.display[key] = display_value(key, value)
        if value is None and key in VALUE_FIELDS:
            row.blank.add(key)  # not stated: no fact for a new system, no change to an old one
        elif key == "ai_models":
            row.ai_models = value
        elif key == "tags":
            row.tags = value
        elif key == "vendor" and isinstance(value, str):
            row.new_vendor = value
        else:
            row.data[key] = value
    return row


def _complete_new_row(row: ImportRow, chosen: dict, header_of: dict, applied: dict) -> None:
    """Give a row that adds a system the defaults the user chose; a required fact must be there.

    Only the user's defaults fill a fact the row does not state: never the register's own.
    """
    for key, value in chosen.items():
        if key not in row.data and not any(e.field == key for e in row.errors):
            row.data[key] = list(value) if isinstance(value, list) else value
            row.display[key] = display_value(key, value)
            row.defaulted.add(key)
            applied[key] = applied.get(key, 0) + 1
    for key in REQUIRED_CHOICES:
        if key in row.data or any(e.field == key for e in row.errors):
            continue
        label = IMPORT_FIELDS[key].label.lower()
        if key in header_of:
            message = (f"the {label} is not stated (the cell is empty or says unknown): "
                       "choose a default for new systems in the value step, or fill the "
                       "cell.")  # fmt: skip
        else:
            message = (f"no column gives the {label}: map one, or choose a default for new "
                       "systems in the value step.")  # fmt: skip
        row.errors.append(RowError(row.row_number, header_of.get(key, ""), key, message))
        row.outcome = "error"


def commit_import(
    *,
    organization,
    acting,
    table: Table,
    mapping: dict,
    filename: str = "",
    mode: str = "add",
    match_on: str = "reference",
    expected_fingerprint: str | None = None,
    tag_separator: str | None = None,
    values: dict | None = None,
    defaults: dict | None = None,
) -> ImportResult:
    """Import every row, or nothing: raise ``ImportFailed`` with the errors of any bad row.

    With ``expected_fingerprint`` (a preview's), refuse when the preview no longer holds.
    """  # fmt: skip
    options = {"mode": mode, "match_on": match_on, "expected_fingerprint": expected_fingerprint,
               "tag_separator": tag_separator, "values": values,
               "defaults": defaults}  # fmt: skip
    if acting.organization_id != organization.pk or not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow importing into the register.")
    with scope(organization=organization):
        try:
            with transaction.atomic():
                return _commit(organization, acting, table, mapping, filename, **options)
        except IntegrityError as exc:
            # Someone else added a vendor with the same name in the meantime.
            raise ImportFailed([RowError(
                None, "", "", "The register changed while importing. Nothing was imported; "
                "try again.",
            )]) from exc  # fmt: skip
        except UpdateConflict as exc:
            raise ImportFailed([RowError(None, "", "", str(exc))]) from exc


def _commit(organization, acting, table, mapping, filename, *, mode, match_on,
            expected_fingerprint, tag_separator, values=None,
            defaults=None) -> ImportResult:  # fmt: skip
    preview = preview_import(
        organization=organization, table=table, mapping=mapping, mode=mode, match_on=match_on,
        tag_separator=tag_separator, values=values, defaults=defaults,
    )  # fmt: skip
    if preview.errors:
        raise ImportFailed(preview.errors)
    if expected_fingerprint and expected_fingerprint != preview.fingerprint:
        raise ImportFailed([RowError(None, "", "", "The register changed since the preview, so "
                                     "the import would not do what it showed. Nothing was "
                                     "imported; preview the file again.")])  # fmt: skip
    vendors: dict[str, Vendor] = {}
    for name in preview.new_vendors:
        vendors[name.casefold()] = services.create_vendor(
            organization=organization, acting=acting, data={"name": name}
        )
    new_rows = [r for r in preview.rows if r.outcome == "new"]
    changed = [r for r in preview.rows if r.outcome == "changed"]
    items = []
    for row in new_rows:
        data = dict(row.data)
        if row.new_vendor:
            data["vendor"] = vendors[row.new_vendor.casefold()]
        items.append((data, row.ai_models, row.tags))
    try:
        systems = services.create_systems(organization=organization, acting=acting, items=items)
    except services.ItemInvalid as exc:
        raise ImportFailed(_row_errors(new_rows[exc.index], exc.error, preview.mapping)) from exc
    updates = [_update_of(row, index, vendors) for index, row in enumerate(changed)]
    try:
        updated = update_systems(organization=organization, acting=acting, updates=updates)
    except services.ItemInvalid as exc:
        raise ImportFailed(_row_errors(changed[exc.index], exc.error, preview.mapping)) from exc
    record_event(
        organization=organization,
        actor=acting.user,
        action="register.imported",
        object_type="register.import",
        object_repr=(filename or "spreadsheet")[:300],
        changes={
            "file": filename,
            "format": table.format,
            "mode": mode,
            "match_on": match_on,
            "systems": len(systems),
            "updated": len(updated),
            "unchanged": preview.count("unchanged"),
            "new_vendors": preview.new_vendors,
            "mapping": preview.mapping,
        },
    )
    return ImportResult(
        systems=systems,
        vendors=list(vendors.values()),
        row_numbers=[r.row_number for r in new_rows],
        updated=updated,
        unchanged=preview.count("unchanged"),
        rows=preview.rows,
    )


def _update_of(row: ImportRow, index: int, vendors: dict[str, Vendor]) -> SystemUpdate:
    """The update a changed row makes: only the fields the preview showed changing."""
    values = row.stated_values()
    data = {k: values[k] for k in row.changes if k not in ("ai_models", "tags")}
    if isinstance(data.get("vendor"), str):
        data["vendor"] = vendors[data["vendor"].casefold()]
    return SystemUpdate(
        system=row.system,
        expected_version=row.system.row_version,
        data=data,
        ai_models=values["ai_models"] if "ai_models" in row.changes else None,
        tags=values["tags"] if "tags" in row.changes else None,
        index=index,
    )


def _row_errors(row: ImportRow, exc: ValidationError, mapping: dict[str, str]) -> list[RowError]:
    """Turn a service's validation error into row errors, naming the column where we can."""
    header_of = {key: header for header, key in mapping.items()}
    if not hasattr(exc, "error_dict"):
        return [RowError(row.row_number, "", "", m) for m in exc.messages]
    return [
        RowError(row.row_number, header_of.get(name, ""), name if name != "__all__" else "", m)
        for name, messages in exc.message_dict.items()
        for m in messages
    ]


# --------------------------------------------------------------------------------------------
# Uploads waiting between the steps of the web flow: rows of governance.register.pending
# --------------------------------------------------------------------------------------------

PendingUpload = pending.PendingImport
UploadNotFound = pending.UploadNotFound
save_upload = pending.save_upload
get_upload = pending.get_upload
save_mapping = pending.save_mapping
discard_upload = pending.discard_upload


# Model cards: governance.register.modelcard_imports, re-exported here.
from governance.register.modelcard_imports import (  # noqa: E402, F401
    ModelCardPreview,
    display_card_value,
    import_model_card,
    preview_model_card,
)
