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

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django_scopes import scope, scopes_disabled

from governance.audit.services import record_event
from governance.core.validators import plain_text_problem
from governance.register import pending, services
from governance.register.modelcards import ModelCardImport, parse_model_card
from governance.register.models import (
    AffectedPersons,
    AIModel,
    AISystem,
    DeploymentContext,
    LifecycleStage,
    OperatorRole,
    Vendor,
)
from governance.register.spreadsheets import Table, suggest_mapping
from governance.tenancy.roles import Action, Role

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


# --------------------------------------------------------------------------------------------
# The importable fields
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    """One register field a spreadsheet column can feed."""

    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False
    help: str = ""


def _f(key, label, synonyms, required=False, help=""):
    return key, ImportField(key, label, tuple(synonyms), required, help)


# The order is the order of the preview table and of the mapping select.
IMPORT_FIELDS: dict[str, ImportField] = dict(
    [
        _f("name", "Name", ["name", "system", "system name", "ai system", "ai system name",
                            "title", "system title", "application", "application name", "tool",
                            "use case name"], True),
        _f("reference", "Reference", ["reference", "ref", "id", "system id", "identifier",
                                      "inventory id", "cmdb id", "asset id", "asset number"]),
        _f("intended_purpose", "Intended purpose",
           ["intended purpose", "purpose", "use case", "what it is for", "objective",
            "business purpose"], True),
        _f("description", "Description", ["description", "details", "summary", "notes",
                                           "comments", "remarks"]),
        _f("operator_role", "Operator role",
           ["operator role", "role", "our role", "ai act role", "eu ai act role",
            "organisation role", "organization role", "actor role"],
           help="Provider, deployer, importer, distributor, authorised representative, "
                "product manufacturer."),
        _f("lifecycle_stage", "Lifecycle stage",
           ["lifecycle stage", "lifecycle", "stage", "status", "phase", "lifecycle status"],
           help="Planned, in development, testing / pilot, in production, retired."),
        _f("deployment_context", "Deployment context",
           ["deployment context", "deployment", "context", "used by", "audience"],
           help="Internal use, customer-facing, public service, embedded in a product, "
                "supplied to other organisations."),
        _f("vendor", "Vendor", ["vendor", "supplier", "vendor name", "supplier name",
                                "manufacturer", "third party", "company"],
           help="By name; vendors not in the register yet are added with the import."),
        _f("business_owner", "Business owner (email)",
           ["business owner", "owner", "owner email", "owner e-mail", "business owner email",
            "system owner", "accountable", "product owner", "responsible"],
           help="The email address of a member of the organisation."),
        _f("technical_owner", "Technical owner (email)",
           ["technical owner", "tech owner", "technical owner email", "technical contact",
            "it owner", "engineering owner", "technical lead"],
           help="The email address of a member of the organisation."),
        _f("processes_personal_data", "Processes personal data",
           ["processes personal data", "personal data", "pii", "gdpr", "uses personal data"],
           help="Yes or no."),
        _f("processes_biometric_data", "Processes biometric data",
           ["processes biometric data", "biometric data", "biometrics", "biometric"],
           help="Yes or no."),
        _f("processes_special_categories", "Processes special categories (GDPR Art. 9)",
           ["processes special categories", "special categories", "special category data",
            "sensitive data", "art 9 data", "gdpr art 9"],
           help="Yes or no."),
        _f("affected_persons", "Affected persons",
           ["affected persons", "affected people", "affected groups", "data subjects",
            "impacted persons", "who is affected"],
           help="A comma- or semicolon-separated list, e.g. 'Employees; Customers'."),
        _f("human_oversight", "Human oversight", ["human oversight", "oversight",
                                                  "human in the loop", "human review", "hitl"]),
        _f("placed_on_market_on", "Placed on the market on",
           ["placed on market on", "placed on the market", "placed on market", "market date",
            "release date", "launch date"],
           help="A date: YYYY-MM-DD, DD/MM/YYYY or an Excel date."),
        _f("put_into_service_on", "Put into service on",
           ["put into service on", "put into service", "in service since", "go live",
            "go-live date", "live date", "deployment date", "service date"],
           help="A date: YYYY-MM-DD, DD/MM/YYYY or an Excel date."),
        _f("eu_database_id", "EU database ID",
           ["eu database id", "eu database", "eu registration", "eu registration number",
            "registration number", "eu db id"]),
        _f("tags", "Tags", ["tags", "labels", "keywords", "tag"],
           help="A comma- or semicolon-separated list."),
        _f("ai_models", "Models",
           ["models", "ai models", "model", "model names", "underlying model", "uses models",
            "llm", "foundation model"],
           help="Models already in the register, as 'name version', separated by semicolons."),
    ]
)  # fmt: skip
REQUIRED_FIELDS = tuple(k for k, f in IMPORT_FIELDS.items() if f.required)
# Names API callers may use for a field besides its key.
_FIELD_ALIASES = {"models": "ai_models"}


def suggest_import_mapping(headers: list[str]) -> dict[str, str | None]:
    """Suggest which register field each spreadsheet header feeds (None: ignore it)."""
    return suggest_mapping(headers, {k: list(f.synonyms) for k, f in IMPORT_FIELDS.items()})


class MappingError(ValueError):
    """Signal an unusable mapping; ``errors`` maps a header ('' for the whole) to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def check_mapping(headers: list[str], mapping: dict[str, Any]) -> dict[str, str]:
    """Return the mapping as {header: field key}, ignored headers left out.

    Raise ``MappingError`` for a header the file does not have, a field we do not know, a
    field given to two columns, or a required field left unmapped.
    """
    if not isinstance(mapping, dict):
        raise MappingError({"": ["The mapping must be an object of column heading → field."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    by_field: dict[str, str] = {}
    known_headers = set(headers)
    for header, target in mapping.items():
        if target is None or (isinstance(target, str) and target.strip().lower() in ("", "ignore")):
            continue
        if header not in known_headers:
            errors.setdefault(header, []).append(f"The file has no column '{header}'.")
            continue
        key = _FIELD_ALIASES.get(str(target).strip(), str(target).strip())
        if key not in IMPORT_FIELDS:
            errors.setdefault(header, []).append(f"'{target}' is not a field that can be imported.")
            continue
        if key in by_field:
            label = IMPORT_FIELDS[key].label
            errors.setdefault(header, []).append(
                f"{label} is already fed by the column '{by_field[key]}'. Map a field only once."
            )
            continue
        by_field[key] = header
        clean[header] = key
    missing = [IMPORT_FIELDS[k].label for k in REQUIRED_FIELDS if k not in by_field]
    if missing:
        errors.setdefault("", []).append(
            "Choose the column for "
            + " and for ".join(missing)
            + ": "
            + ("it is" if len(missing) == 1 else "they are")
            + " required."
        )
    if errors:
        raise MappingError(errors)
    # Keep the file's column order, whatever order the caller gave.
    return {h: clean[h] for h in headers if h in clean}


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


@dataclass
class ImportPreview:
    mapping: dict[str, str]  # header → field key
    rows: list[ImportRow]
    errors: list[RowError]
    new_vendors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors

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
    systems: list[AISystem]
    vendors: list[Vendor]
    row_numbers: list[int]

    @property
    def created(self) -> int:
        return len(self.systems)


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
# Reading cells
# --------------------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def _key(text: str) -> str:
    """Normalise a choice for matching: case, punctuation and spacing do not count."""
    return " ".join(re.sub(r"[\s_\-/.,()]+", " ", text.casefold()).split())


def _choice_index(choices, aliases: dict[str, list[str]]) -> dict[str, str]:
    index = {}
    for value, label in choices:
        index[_key(value)] = value
        index[_key(str(label))] = value
        for alias in aliases.get(value, []):
            index[_key(alias)] = value
    return index


_CHOICES = {
    "operator_role": (OperatorRole, _choice_index(OperatorRole.choices, {
        "deployer": ["user", "operator"],  # the AI Act's drafts said "user"
        "authorised_representative": ["authorized representative", "representative",
                                      "authorised rep", "authorized rep"],
        "product_manufacturer": ["manufacturer"],
    })),
    "lifecycle_stage": (LifecycleStage, _choice_index(LifecycleStage.choices, {
        "planned": ["idea", "proposed", "planning", "plan"],
        "in_development": ["development", "dev", "developing", "building", "in progress"],
        "testing": ["test", "pilot", "poc", "proof of concept", "trial", "in testing"],
        "in_production": ["production", "prod", "live", "deployed", "in use", "operational",
                          "active", "in operation"],
        "retired": ["decommissioned", "archived", "sunset", "discontinued", "withdrawn"],
    })),
    "deployment_context": (DeploymentContext, _choice_index(DeploymentContext.choices, {
        "internal": ["internal", "in house", "employees"],
        "customer_facing": ["customer facing", "external", "customers", "client facing"],
        "public_service": ["public", "public sector", "government"],
        "embedded_product": ["embedded", "product", "in a product", "embedded product"],
        "sold_to_others": ["sold", "supplied", "b2b", "sold to others", "resold"],
    })),
}  # fmt: skip

_AFFECTED = _choice_index(AffectedPersons.choices, {
    "employees": ["employee", "applicants", "applicant", "staff", "workers", "candidates"],
    "customers": ["customer", "clients", "consumers"],
    "patients": ["patient"],
    "students": ["student", "pupils", "learners"],
    "children": ["child", "minors", "kids"],
    "citizens": ["citizen", "the public", "public", "general public"],
    "vulnerable": ["vulnerable groups", "vulnerable people", "vulnerable persons"],
})  # fmt: skip

_TRUE = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "ja", "j", "oui", "si", "sí",
                   "wahr", "on"})  # fmt: skip
_FALSE = frozenset({"no", "n", "false", "f", "0", "nein", "non", "falsch", "off", "-", "–", "—"})

_DATE_HINT = "Write dates as YYYY-MM-DD (e.g. 2024-03-31) or DD/MM/YYYY."
# Excel stores dates as days since 30 December 1899; this range is 1954 to 2119, so a bare
# year or a small number is never mistaken for a date.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_SERIALS = range(20_000, 80_000)
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d. %B %Y")


def _text(limit: int | None):
    def parse(value: str, ctx) -> str:
        if limit is not None and len(value) > limit:
            raise _CellError(f"The text is {len(value):,} characters long; the limit is {limit}.")
        # One-line fields (names, references) are shown to people: no hidden direction tricks.
        problem = plain_text_problem(value) if limit is not None else None
        if problem:
            raise _CellError(problem)
        return value

    return parse


def _choice(name: str):
    enum, index = _CHOICES[name]

    def parse(value: str, ctx) -> str:
        if not value:
            return AISystem._meta.get_field(name).default
        found = index.get(_key(value))
        if found is None:
            allowed = ", ".join(f"'{label}'" for label in enum.labels)
            raise _CellError(f"'{value}' is not one of {allowed}.")
        return found

    return parse


def _boolean(value: str, ctx) -> bool:
    key = value.strip().casefold().rstrip(".")
    if not key or key in _FALSE:
        return False
    if key in _TRUE:
        return True
    raise _CellError(
        f"'{value}' is not yes or no. Write yes or no (true/false, 1/0 and x work too)."
    )


def _date(value: str, ctx) -> dt.date | None:
    if not value:
        return None
    text = value.strip()
    # XLSX date cells arrive as ISO text, with a time when the cell had one.
    iso = re.fullmatch(
        r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text
    )
    ymd = iso or re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text)
    if ymd:
        candidates = [(int(ymd[1]), int(ymd[2]), int(ymd[3]))]
    elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        # Day first, as in Europe; month first only when the day-first reading is impossible.
        candidates = [(year, second, first)] + ([(year, first, second)] if second > 12 else [])
    elif re.fullmatch(r"\d+(?:\.\d+)?", text) and int(float(text)) in _EXCEL_SERIALS:
        # A fraction is the time of day.
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    else:
        cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.replace(",", " "))
        cleaned = " ".join(cleaned.split())
        for fmt in _TEXT_DATE_FORMATS:
            try:
                return dt.datetime.strptime(cleaned, fmt).date()
            except ValueError:
                continue
        raise _CellError(f"'{value}' is not a date. {_DATE_HINT}")
    for year, month, day in candidates:
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise _CellError(f"'{value}' is not a valid date. {_DATE_HINT}")


def _split(value: str, separators: str = ",;\n") -> list[str]:
    parts = re.split("[" + re.escape(separators) + "]", value)
    return [p.strip() for p in parts if p.strip()]


def _owner(value: str, ctx):
    if not value:
        return None
    # "Alice Archer <alice@acme.test>" as mail programs write it.
    bracketed = re.search(r"<([^<>]+)>", value)
    email = (bracketed[1] if bracketed else value).strip().removeprefix("mailto:").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise _CellError(
            f"'{value}' is not an email address. Give the email address of a member of "
            f"{ctx.organization.name}."
        ) from None
    user = ctx.members.get(email.casefold())
    if user is None:
        raise _CellError(f"nobody with the email {email} is a member of {ctx.organization.name}.")
    return user


def _vendor(value: str, ctx):
    if not value:
        return None
    name = " ".join(value.split())
    if len(name) > 200:
        raise _CellError(f"The vendor name is {len(name):,} characters long; the limit is 200.")
    vendor = ctx.vendors.get(name.casefold())
    if vendor is not None:
        return vendor
    # A vendor named the same way in several rows is created once, spelled as first seen.
    return ctx.new_vendors.setdefault(name.casefold(), name)


def _affected(value: str, ctx) -> list[str]:
    codes: list[str] = []
    unknown: list[str] = []
    for item in _split(value):
        code = _AFFECTED.get(_key(item))
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        allowed = ", ".join(f"'{label}'" for label in AffectedPersons.labels)
        listed = ", ".join(f"'{u}'" for u in unknown)
        raise _CellError(f"{listed} {'is' if len(unknown) == 1 else 'are'} not one of {allowed}.")
    return codes


def _tags(value: str, ctx) -> list[str]:
    seen: dict[str, str] = {}
    for tag in _split(value):
        seen.setdefault(tag.casefold(), tag[:60].strip())
    return list(seen.values())


def _models(value: str, ctx) -> list[AIModel]:
    found: list[AIModel] = []
    unknown: list[str] = []
    for item in _split(value, ";\n|"):
        model = ctx.find_model(item)
        if model is None and "," in item:
            # Commas separate models too, unless the whole text names one.
            parts = [ctx.find_model(p) or p for p in _split(item, ",")]
        else:
            parts = [model or item]
        for part in parts:
            if isinstance(part, str):
                unknown.append(part)
            elif part not in found:
                found.append(part)
    if unknown:
        problems = []
        for item in unknown:
            versions = ctx.model_versions(item)
            if versions:
                problems.append(
                    f"'{item}' has several versions in the register ({', '.join(versions)}); "
                    "write the name and the version, e.g. "
                    f"'{item} {versions[-1] if versions[-1] != '(none)' else versions[0]}'."
                )
            else:
                problems.append(
                    f"no model '{item}' is in the register. Add it first (or import its "
                    "model card), then import this file again."
                )
        raise _CellError(" ".join(problems))
    return found


# field key → (parser, where the value goes: a model field, or "ai_models" / "tags")
_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "name": _text(200),
    "reference": _text(60),
    "intended_purpose": _text(None),
    "description": _text(None),
    "operator_role": _choice("operator_role"),
    "lifecycle_stage": _choice("lifecycle_stage"),
    "deployment_context": _choice("deployment_context"),
    "vendor": _vendor,
    "business_owner": _owner,
    "technical_owner": _owner,
    "processes_personal_data": _boolean,
    "processes_biometric_data": _boolean,
    "processes_special_categories": _boolean,
    "affected_persons": _affected,
    "human_oversight": _text(None),
    "placed_on_market_on": _date,
    "put_into_service_on": _date,
    "eu_database_id": _text(100),
    "tags": _tags,
    "ai_models": _models,
}
assert set(_PARSERS) == set(IMPORT_FIELDS)

_REQUIRED_MESSAGES = {
    "name": "A name is required.",
    "intended_purpose": "The intended purpose is required (Art. 3(12)).",
}


def _display(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if key in _CHOICES:
        return str(_CHOICES[key][0](value).label)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "affected_persons":
        return ", ".join(str(AffectedPersons(v).label) for v in value)
    if key in ("business_owner", "technical_owner"):
        return value.email
    if key == "vendor":
        return value.name if isinstance(value, Vendor) else f"{value} (new)"
    if key == "ai_models":
        return "; ".join(str(m) for m in value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


# --------------------------------------------------------------------------------------------
# Preview and commit
# --------------------------------------------------------------------------------------------


class _Lookups:
    """What rows refer to, loaded once per import instead of once per row."""

    def __init__(self, organization):
        from governance.tenancy.models import Membership

        self.organization = organization
        with scopes_disabled():
            memberships = (
                Membership.objects.filter(organization=organization)
                .exclude(role=Role.SERVICE_ACCOUNT)
                .select_related("user")
            )
            self.members = {
                m.user.email.casefold(): m.user for m in memberships if not m.is_expired
            }
        # Archived vendors count: their names are taken (one name per organisation).
        self.vendors = {
            v.name.casefold(): v for v in Vendor.objects.filter(organization=organization)
        }
        self.new_vendors: dict[str, str] = {}
        self._models: dict[str, AIModel] = {}
        self._by_name: dict[str, list[AIModel]] = {}
        for model in AIModel.objects.filter(organization=organization, archived_at=None):
            name, version = " ".join(model.name.split()), " ".join(model.version.split())
            self._by_name.setdefault(name.casefold(), []).append(model)
            for text in (f"{name} {version}", f"{name}:{version}", f"{name}@{version}",
                         f"{name} v{version}", f"{name} ({version})"):  # fmt: skip
                self._models.setdefault(text.strip().casefold(), model)
        self.existing_systems = {
            (name.casefold(), reference.casefold()): archived is not None
            for name, reference, archived in AISystem.objects.filter(
                organization=organization
            ).values_list("name", "reference", "archived_at")
        }

    def find_model(self, text: str) -> AIModel | None:
        text = " ".join(text.split()).casefold()
        model = self._models.get(text)
        if model is not None:
            return model
        same_name = self._by_name.get(text, [])
        if len(same_name) == 1:
            return same_name[0]
        # Several versions: the name alone means the one without a version, if there is one.
        return next((m for m in same_name if not m.version), None)

    def model_versions(self, text: str) -> list[str]:
        same_name = self._by_name.get(" ".join(text.split()).casefold(), [])
        return sorted(m.version or "(none)" for m in same_name) if len(same_name) > 1 else []


def preview_import(*, organization, table: Table, mapping: dict) -> ImportPreview:
    """Validate every row of the table against the register; write nothing.

    Raise ``MappingError`` when the mapping itself is unusable.
    """
    clean_mapping = check_mapping(table.headers, mapping)
    columns = [(table.headers.index(h), h, key) for h, key in clean_mapping.items()]
    with scope(organization=organization):
        ctx = _Lookups(organization)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str], int] = {}
    if not table.rows:
        errors.append(RowError(None, "", "", "The file has no rows below its heading row."))
    name_header = next(h for h, k in clean_mapping.items() if k == "name")
    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        row = ImportRow(row_number=number)
        for index, header, key in columns:
            raw = cells[index].strip() if index < len(cells) else ""
            if key in _REQUIRED_MESSAGES and not raw:
                row.errors.append(RowError(number, header, key, _REQUIRED_MESSAGES[key]))
                continue
            try:
                value = _PARSERS[key](raw, ctx)
            except _CellError as exc:
                row.errors.append(RowError(number, header, key, str(exc)))
                continue
            row.display[key] = _display(key, value)
            if key == "ai_models":
                row.ai_models = value
            elif key == "tags":
                row.tags = value
            elif key == "vendor" and isinstance(value, str):
                row.new_vendor = value
            else:
                row.data[key] = value
        name = row.data.get("name")
        if name:
            identity = (name.casefold(), row.data.get("reference", "").casefold())
            reference = row.data.get("reference")
            ref = f" with the reference '{reference}'" if reference else ""
            if identity in ctx.existing_systems:
                archived = " (archived)" if ctx.existing_systems[identity] else ""
                row.errors.append(RowError(
                    number, name_header, "name",
                    f"an AI system named '{name}'{ref} is in the register already{archived}.",
                ))  # fmt: skip
            elif identity in first_seen:
                row.errors.append(RowError(
                    number, name_header, "name",
                    f"'{name}'{ref} is also in row {first_seen[identity]}; "
                    "each system may appear once.",
                ))  # fmt: skip
            else:
                first_seen[identity] = number
        rows.append(row)
        errors.extend(row.errors)
    new_vendors = sorted({r.new_vendor for r in rows if r.new_vendor}, key=str.casefold)
    return ImportPreview(mapping=clean_mapping, rows=rows, errors=errors, new_vendors=new_vendors)


def commit_import(
    *, organization, acting, table: Table, mapping: dict, filename: str = ""
) -> ImportResult:
    """Import every row, or nothing: raise ``ImportFailed`` with the errors of any bad row."""
    if acting.organization_id != organization.pk or not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow importing into the register.")
    with scope(organization=organization):
        try:
            with transaction.atomic():
                return _commit(organization, acting, table, mapping, filename)
        except IntegrityError as exc:
            # Someone else added a vendor with the same name in the meantime.
            raise ImportFailed([RowError(
                None, "", "", "The register changed while importing. Nothing was imported; "
                "try again.",
            )]) from exc  # fmt: skip


def _commit(organization, acting, table, mapping, filename) -> ImportResult:
    preview = preview_import(organization=organization, table=table, mapping=mapping)
    if preview.errors:
        raise ImportFailed(preview.errors)
    vendors: dict[str, Vendor] = {}
    for name in preview.new_vendors:
        vendors[name.casefold()] = services.create_vendor(
            organization=organization, acting=acting, data={"name": name}
        )
    items = []
    for row in preview.rows:
        data = dict(row.data)
        if row.new_vendor:
            data["vendor"] = vendors[row.new_vendor.casefold()]
        items.append((data, row.ai_models, row.tags))
    try:
        systems = services.create_systems(organization=organization, acting=acting, items=items)
    except services.ItemInvalid as exc:
        raise ImportFailed(
            _row_errors(preview.rows[exc.index], exc.error, preview.mapping)
        ) from exc
    record_event(
        organization=organization,
        actor=acting.user,
        action="register.imported",
        object_type="register.import",
        object_repr=(filename or "spreadsheet")[:300],
        changes={
            "file": filename,
            "format": table.format,
            "systems": len(systems),
            "new_vendors": preview.new_vendors,
            "mapping": preview.mapping,
        },
    )
    return ImportResult(
        systems=systems,
        vendors=list(vendors.values()),
        row_numbers=[r.row_number for r in preview.rows],
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


# --------------------------------------------------------------------------------------------
# Model cards
# --------------------------------------------------------------------------------------------

# What the register stores from a card; "tags" has no column on models.
_CARD_FIELDS = tuple(f for f in services.MODEL_FIELDS if f != "vendor")


@dataclass
class ModelCardPreview:
    card: ModelCardImport
    data: dict[str, Any]  # fields for create_model, overrides applied
    errors: dict[str, list[str]]  # field → messages, e.g. a duplicate name and version
    unmapped: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.errors


def _card_data(card: ModelCardImport, overrides: dict | None) -> dict[str, Any]:
    data = {k: card.fields.get(k) for k in _CARD_FIELDS if k in card.fields}
    # The card may not say; the register records "not known to be" as False.
    for flag in ("is_general_purpose", "is_open_source"):
        data[flag] = bool(data.get(flag))
    for key in ("evaluations", "languages"):
        data[key] = list(data.get(key) or [])
    for key, value in (overrides or {}).items():
        if key in ("name", "version") and value is not None:
            data[key] = " ".join(str(value).split())
    return data


def preview_model_card(
    *, organization, text: str | bytes, filename: str = "README.md", overrides: dict | None = None
) -> ModelCardPreview:
    """Parse a card and say what would be stored; raise ``ModelCardError`` for a non-card."""
    card = parse_model_card(text, filename=filename)
    data = _card_data(card, overrides)
    unmapped = dict(card.unmapped)
    if card.fields.get("tags"):
        unmapped = {"tags": card.fields["tags"], **unmapped}
    errors: dict[str, list[str]] = {}
    if not data.get("name"):
        errors["name"] = ["The card names no model; give it a name."]
    else:
        with scope(organization=organization):
            taken = AIModel.objects.filter(
                organization=organization, name=data["name"], version=data.get("version", "")
            ).exists()
        if taken:
            version = f" version '{data['version']}'" if data.get("version") else " (no version)"
            errors["name"] = [
                f"The model '{data['name']}'{version} is in the register already. "
                "Change the name or the version to import it as another model."
            ]
    return ModelCardPreview(card=card, data=data, errors=errors, unmapped=unmapped)


def import_model_card(
    *, organization, acting, text: str | bytes, filename: str = "README.md",
    overrides: dict | None = None, vendor: Vendor | None = None,
) -> tuple[AIModel, ModelCardPreview]:  # fmt: skip
    """Add the model a card describes; raise ``ValidationError`` (by field) when it cannot."""
    preview = preview_model_card(
        organization=organization, text=text, filename=filename, overrides=overrides
    )
    if preview.errors:
        raise ValidationError(preview.errors)
    data = dict(preview.data)
    if vendor is not None:
        data["vendor"] = vendor
    with scope(organization=organization):
        model = services.create_model(
            organization=organization, acting=acting, data=data, source=AIModel.Source.MODEL_CARD
        )
    return model, preview


def display_card_value(value: Any) -> str:
    """Render a card value for the preview page."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=1)[:2000]
    return str(value)
