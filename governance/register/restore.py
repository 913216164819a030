"""Restore the register from an Annex export: vendors, then models, then systems, all or none.

``plan_restore`` reads the three tables of an export (``restore_files.read_export``) with the
columns the export wrote (``export.COLUMNS``), checks every cell and every link, and says what
a restore would add; it writes nothing. ``commit_restore`` plans again inside one
transaction and writes everything through bulk inserts and the register's services, or
nothing.

Choices made here:
- An owner's email that is not a member of the target organisation leaves the owner empty,
  with a warning per email (the people of a restored register are often invited later).
- A vendor, a model (name and version) or a reference already in the organisation is an
  error: a restore adds, it never merges (update a register with the systems import).
- The classification is not restored: it comes from screenings, so restored systems are
  unscreened. The preview says so.
- Archived rows come back archived, with their archiving time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django_scopes import scope, scopes_disabled

from governance.audit.services import record_event, record_events
from governance.register import export, services
from governance.register.models import AffectedPersons, AIModel, AISystem, Vendor
from governance.register.restore_files import SHEETS
from governance.register.spreadsheets import Table
from governance.tenancy.roles import Action, Role

UNSCREENED = (
    "Classifications are not restored: they come from screenings. The restored systems are "
    "unscreened until they are screened again."
)
REQUIRED = {"vendors": ("name",), "models": ("name",), "systems": ("name", "intended_purpose")}
# Columns that name other records: resolved against the file and the register, not parsed.
_LINKS = {"vendor", "business_owner", "technical_owner", "tags", "ai_models"}
_AFFECTED = {
    **{value.casefold(): value for value, _label in AffectedPersons.choices},
    **{str(label).casefold(): value for value, label in AffectedPersons.choices},
}
_YES, _NO = {"yes", "true", "y", "1"}, {"no", "false", "n", "0"}


@dataclass
class Issue:
    """A problem (or a warning) with a cell, a row or the file (row None)."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message}  # fmt: skip

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class RestoreFailed(Exception):
    """Nothing was restored because of these problems."""

    def __init__(self, errors: list[Issue]):
        self.errors = errors
        super().__init__(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the file; "
            "nothing was restored."
        )


@dataclass
class SystemRow:
    row: int
    data: dict  # fields create_systems takes
    extras: dict  # fields it does not take (written after), e.g. archived_at
    ai_models: list = field(default_factory=list)
    tags: list = field(default_factory=list)


@dataclass
class RestorePlan:
    vendors: list[Vendor] = field(default_factory=list)
    models: list[AIModel] = field(default_factory=list)
    systems: list[SystemRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    classified_in_file: int = 0  # systems the export shows as screened
    vendor_by_name: dict = field(default_factory=dict)
    model_by_key: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict:
        archived_systems = sum(1 for s in self.systems if s.extras.get("archived_at"))
        return {
            "vendors": len(self.vendors),
            "models": len(self.models),
            "systems": len(self.systems),
            "archived_vendors": sum(1 for v in self.vendors if v.archived_at),
            "archived_models": sum(1 for m in self.models if m.archived_at),
            "archived_systems": archived_systems,
            "classified_in_file": self.classified_in_file,
        }


@dataclass
class RestoreResult:
    vendors: list[Vendor]
    models: list[AIModel]
    systems: list[AISystem]
    warnings: list[Issue]
    counts: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------


def model_key(name: str, version: str) -> str:
    """How a system's Models cell names a model: "name version", as the export writes it."""
    return f"{' '.join(name.split())} {' '.join(version.split())}".strip().casefold()


def split_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


def _boolean(raw: str) -> bool:
    key = raw.strip().casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError(f"'{raw}' is not yes or no (leave the cell empty for 'not stated').")


def _datetime(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(f"'{raw}' is not a date and time (YYYY-MM-DD HH:MM:SS).") from None
    # The export writes UTC without a zone (Excel has none).
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _date(raw: str) -> dt.date:
    try:
        # An XLSX date cell can read back with a midnight time: "2024-03-01 00:00:00".
        return dt.datetime.fromisoformat(raw.strip()).date()
    except ValueError:
        raise ValidationError(f"'{raw}' is not a date (YYYY-MM-DD).") from None


def _json_list(raw: str, *, lenient: bool) -> list:
    try:
        value = json.loads(raw)
    except ValueError:
        if lenient:  # languages written by hand: "en; fr"
            return split_list(raw)
        raise ValidationError("The cell is not valid JSON.") from None
    if not isinstance(value, list):
        raise ValidationError("The cell must hold a JSON list ([…]).")
    return value


def _choice(model_field, raw: str) -> str:
    index = {}
    for value, label in model_field.choices:
        index[str(value).casefold()] = value
        index[str(label).casefold()] = value
    found = index.get(raw.strip().casefold())
    if found is None:
        allowed = ", ".join(f"'{label}'" for value, label in model_field.choices if value)
        raise ValidationError(f"'{raw}' is not one of {allowed}.")
    return found


def _typed(model_field, raw: str) -> Any:
    """The cell's text as the field's Python value (empty: null, the default, or "")."""
    if raw == "":
        if model_field.null:
            return None
        return model_field.get_default() if model_field.has_default() else ""
    if isinstance(model_field, models.BooleanField):
        return _boolean(raw)
    if isinstance(model_field, models.DateTimeField):
        return _datetime(raw)
    if isinstance(model_field, models.DateField):
        return _date(raw)
    if isinstance(model_field, models.FloatField):
        try:
            return float(raw)
        except ValueError:
            raise ValidationError(f"'{raw}' is not a number.") from None
    if isinstance(model_field, models.JSONField):
        return _json_list(raw, lenient=model_field.name == "languages")
    if model_field.choices:
        return _choice(model_field, raw)
    return raw


def _affected(raw: str) -> list[str]:
    codes, unknown = [], []
    for item in split_list(raw):
        code = _AFFECTED.get(item.casefold())
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise ValidationError(f"{', '.join(repr(u) for u in unknown)}: not a group of affected "
                              "persons Annex knows.")  # fmt: skip
    return codes


def cell_value(model, key: str, raw: str) -> Any:
    """Return the value of one restored cell; raise ValidationError with a message."""
    if key in ("tags", "ai_models"):
        return split_list(raw)
    if key in _LINKS:
        return raw.strip()
    if key == "affected_persons":
        return _affected(raw)
    model_field = model._meta.get_field(key)
    return model_field.clean(_typed(model_field, raw), None)


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------


class _Sheet:
    """One table of the export with its restored columns found by heading."""

    def __init__(self, kind: str, table: Table, plan: RestorePlan):
        self.kind, self.table, self.plan = kind, table, plan
        self.title = table.sheet_name or SHEETS[kind]
        by_header = {c.header.casefold(): c for c in export.COLUMNS[kind]}
        self.columns = []
        for index, header in enumerate(table.headers):
            column = by_header.get(header.casefold())
            if column is None:
                plan.warnings.append(Issue(self.title, None, header, "Not a column of an Annex "
                                           "export: ignored."))  # fmt: skip
            elif column.restored:
                self.columns.append((index, column))
        self.header_of = {c.key: c.header for _i, c in self.columns}
        keys = {c.key for _i, c in self.columns}
        self.usable = True
        for key in REQUIRED[kind]:
            if key not in keys:
                header = next(c.header for c in export.COLUMNS[kind] if c.key == key)
                self.error(None, "", f"The sheet has no column '{header}'.")
                self.usable = False  # its rows would only repeat the problem

    def error(self, row: int | None, key: str, message: str) -> None:
        self.plan.errors.append(Issue(self.title, row, self.header_of.get(key, key), message))

    def records(self, model):
        """Yield (row number, {field: value}) per row; cell problems become errors."""
        if not self.usable:
            return
        for cells, number in zip(self.table.rows, self.table.row_numbers, strict=True):
            values = {}
            for index, column in self.columns:
                raw = cells[index].strip() if index < len(cells) else ""
                try:
                    values[column.key] = cell_value(model, column.key, raw)
                except ValidationError as exc:
                    self.error(number, column.key, " ".join(exc.messages))
            yield number, values

    def check(self, row: int, instance, exclude: list[str]) -> None:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False,
                                validate_constraints=False)  # fmt: skip
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.error(row, "" if name == "__all__" else name, message)

    def lookup(self, row: int, key: str, found: dict, name: str, what: str):
        if not name:
            return None
        target = found.get(" ".join(name.split()).casefold())
        if target is None:
            self.error(row, key, f"No {what} '{name}' is in the {what}s sheet or the register.")
        return target


def _plan_vendors(organization, table: Table, plan: RestorePlan) -> None:
    sheet = _Sheet("vendors", table, plan)
    existing = {v.name.casefold(): v for v in Vendor.objects.filter(organization=organization)}
    seen: dict[str, int] = {}
    for row, values in sheet.records(Vendor):
        name = " ".join((values.get("name") or "").split())
        key = name.casefold()
        if key in existing:
            sheet.error(row, "name", f"A vendor named '{name}' is in the register already.")
        elif key in seen:
            sheet.error(row, "name", f"The vendor '{name}' is also in row {seen[key]}.")
        vendor = Vendor(organization=organization, **values)
        sheet.check(row, vendor, ["organization"])
        seen.setdefault(key, row)
        plan.vendors.append(vendor)
        plan.vendor_by_name.setdefault(key, vendor)
    plan.vendor_by_name.update(existing)


def _plan_models(organization, table: Table, plan: RestorePlan) -> None:
    sheet = _Sheet("models", table, plan)
    existing = {model_key(m.name, m.version): m
                for m in AIModel.objects.filter(organization=organization)}  # fmt: skip
    seen: dict[str, int] = {}
    for row, values in sheet.records(AIModel):
        values["vendor"] = sheet.lookup(row, "vendor", plan.vendor_by_name,
                                        values.get("vendor", ""), "vendor")  # fmt: skip
        model = AIModel(organization=organization, **values)
        key = model_key(model.name, model.version)
        if key in existing:
            sheet.error(row, "name", f"The model '{model}' is in the register already.")
        elif key in seen:
            sheet.error(row, "name", f"The model '{model}' is also in row {seen[key]}.")
        sheet.check(row, model, ["organization", "created_by", "vendor"])
        seen.setdefault(key, row)
        plan.models.append(model)
        plan.model_by_key.setdefault(key, model)
    plan.model_by_key.update(existing)


def _members(organization) -> dict:
    from governance.tenancy.models import Membership

    with scopes_disabled():
        memberships = (
            Membership.objects.filter(organization=organization)
            .exclude(role=Role.SERVICE_ACCOUNT)
            .select_related("user")
        )
        return {m.user.email.casefold(): m.user for m in memberships if not m.is_expired}


def _classified(table: Table) -> int:
    header = next(c.header for c in export.SYSTEM_COLUMNS if c.key == "risk_tier")
    index = next((i for i, h in enumerate(table.headers) if h.casefold() == header.casefold()),
                 None)  # fmt: skip
    if index is None:
        return 0
    unscreened = {"", "not screened"}
    return sum(1 for cells in table.rows if cells[index].strip().casefold() not in unscreened)


def _plan_systems(organization, table: Table, plan: RestorePlan) -> None:
    sheet = _Sheet("systems", table, plan)
    members, references = _members(organization), {}
    for row, values in sheet.records(AISystem):
        for key in ("business_owner", "technical_owner"):
            email = values.get(key, "")
            values[key] = members.get(email.casefold()) if email else None
            if email and values[key] is None:
                plan.warnings.append(Issue(sheet.title, row, sheet.header_of[key],
                                           f"{email} is not a member of {organization.name}: "
                                           "the owner is left empty."))  # fmt: skip
        values["vendor"] = sheet.lookup(row, "vendor", plan.vendor_by_name,
                                        values.get("vendor", ""), "vendor")  # fmt: skip
        ai_models = [sheet.lookup(row, "ai_models", plan.model_by_key, name, "model")
                     for name in values.pop("ai_models", [])]  # fmt: skip
        tags = values.pop("tags", [])
        for tag in tags:
            if len(tag) > 60:
                sheet.error(row, "tags", f"The tag '{tag[:40]}…' is longer than 60 characters.")
        reference = (values.get("reference") or "").casefold()
        if reference and reference in references:
            sheet.error(row, "reference", f"The reference '{values['reference']}' is also in "
                        f"row {references[reference]}.")  # fmt: skip
        references.setdefault(reference, row)
        system = AISystem(organization=organization, **values)
        sheet.check(row, system, services.BULK_CLEAN_EXCLUDE)
        data = {k: v for k, v in values.items() if k in services.SYSTEM_FIELDS}
        extras = {k: v for k, v in values.items() if k not in data}
        plan.systems.append(SystemRow(row, data, extras, [m for m in ai_models if m], tags))
    _check_references(organization, sheet, plan)
    plan.classified_in_file = _classified(table)


def _check_references(organization, sheet: _Sheet, plan: RestorePlan) -> None:
    wanted = [s.data.get("reference") or "" for s in plan.systems]
    taken = set(services.taken_references(organization, wanted))
    for system in plan.systems:
        reference = system.data.get("reference") or ""
        if reference and reference.lower() in taken:
            sheet.error(system.row, "reference", services.REFERENCE_TAKEN.format(reference))


def plan_restore(*, organization, tables: dict[str, Table]) -> RestorePlan:
    """Check an export's tables against the organisation and say what a restore adds."""
    plan = RestorePlan()
    with scope(organization=organization):
        _plan_vendors(organization, tables["vendors"], plan)
        _plan_models(organization, tables["models"], plan)
        _plan_systems(organization, tables["systems"], plan)
    return plan


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def commit_restore(*, organization, acting, tables: dict[str, Table], filename: str = ""):
    """Restore every vendor, model and system of the export, or nothing (RestoreFailed)."""
    if acting.organization_id != organization.pk or not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow restoring the register.")
    with scope(organization=organization):
        try:
            with transaction.atomic():
                plan = plan_restore(organization=organization, tables=tables)
                if plan.errors:
                    raise RestoreFailed(plan.errors)
                return _write(organization, acting, plan, filename)
        except IntegrityError as exc:
            raise RestoreFailed([Issue("", None, "", "The register changed while restoring. "
                                       "Nothing was restored; try again.")]) from exc  # fmt: skip


def _write(organization, acting, plan: RestorePlan, filename: str) -> RestoreResult:
    Vendor.objects.bulk_create(plan.vendors, batch_size=500)
    for model in plan.models:
        model.created_by = acting.user
        model.vendor = model.vendor  # take the id of a vendor saved just above
    AIModel.objects.bulk_create(plan.models, batch_size=500)
    items = [(s.data, s.ai_models, s.tags) for s in plan.systems]
    try:
        systems = services.create_systems(organization=organization, acting=acting, items=items)
    except services.ItemInvalid as exc:
        row = plan.systems[exc.index].row
        messages = exc.error.message_dict if hasattr(exc.error, "error_dict") else {
            "": exc.error.messages}  # fmt: skip
        raise RestoreFailed([Issue(SHEETS["systems"], row, "" if k == "__all__" else k, m)
                             for k, ms in messages.items() for m in ms]) from exc  # fmt: skip
    _write_extras(systems, plan.systems)
    _record(organization, acting, plan, systems, filename)
    return RestoreResult(plan.vendors, plan.models, systems, plan.warnings, plan.counts())


def _write_extras(systems: list[AISystem], rows: list[SystemRow]) -> None:
    """Write what create_systems does not take (the archiving time) in few statements."""
    changed, fields = [], set()
    for system, row in zip(systems, rows, strict=True):
        extras = {k: v for k, v in row.extras.items() if v not in (None, "", [])}
        for name, value in extras.items():
            setattr(system, name, value)
        if extras:
            changed.append(system)
            fields.update(extras)
    if changed:
        AISystem.objects.bulk_update(changed, sorted(fields), batch_size=200)


def _record(organization, acting, plan, systems, filename) -> None:
    events = [{"action": "vendor.created", "obj": v, "changes": {"restored": True}}
              for v in plan.vendors]  # fmt: skip
    events += [{"action": "model.created", "obj": m, "changes": {"source": m.source,
                                                                 "restored": True}}
               for m in plan.models]  # fmt: skip
    record_events(organization=organization, actor=acting.user, events=events)
    record_event(
        organization=organization,
        actor=acting.user,
        action="register.restored",
        object_type="register.restore",
        object_repr=(filename or "export")[:300],
        changes={"file": filename, **plan.counts(), "systems_created": len(systems),
                 "warnings": len(plan.warnings)},
    )  # fmt: skip
