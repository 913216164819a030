"""The register fields a spreadsheet column can feed, and checking a column mapping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from governance.register.import_cells import PARSERS
from governance.register.spreadsheets import suggest_mapping

__all__ = [
    "IMPORT_FIELDS",
    "REQUIRED_FIELDS",
    "ImportField",
    "MappingError",
    "check_mapping",
    "suggest_import_mapping",
]


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
        _f("legal_basis", "Legal basis", ["legal basis", "lawful basis", "legal ground",
                                          "statutory basis", "legislation"]),
        _f("legal_basis_url", "Legal basis (link)", ["legal basis url", "legal basis link",
                                                     "link to legislation", "legislation url"]),
        _f("public_page_url", "Public page (link)", ["public page", "public page url", "website",
                                                     "more information", "information page"]),
        _f("source_code_url", "Source code (link)", ["source code", "source code url",
                                                     "code repository", "repository", "git url"]),
        _f("processing_register_url", "Record of processing (link)",
           ["processing register", "record of processing", "processing register url",
            "ropa", "gdpr register", "art 30 register"]),
        _f("contact_point", "Contact point", ["contact point", "contact", "contact email",
                                              "public contact", "enquiries"]),
        _f("published_on", "Published on", ["published on", "publication date", "published",
                                            "date published"],
           help="A date: YYYY-MM-DD, DD/MM/YYYY or an Excel date."),
        _f("ended_on", "Ended on", ["ended on", "end date", "decommissioned on",
                                    "retired on", "date ended"],
           help="A date: YYYY-MM-DD, DD/MM/YYYY or an Excel date."),
        _f("dpia_done", "DPIA done", ["dpia done", "dpia", "data protection impact assessment",
                                      "dpia completed"], help="Yes or no."),
        _f("fria_done", "FRIA done", ["fria done", "fria", "fundamental rights impact assessment",
                                      "fria completed"], help="Yes or no."),
    ]
)  # fmt: skip
# Every importable field has a cell parser (governance.register.import_cells).
assert set(PARSERS) == set(IMPORT_FIELDS)

REQUIRED_FIELDS = tuple(k for k, f in IMPORT_FIELDS.items() if f.required)
# Names API callers may use for a field besides its key.
_FIELD_ALIASES = {"models": "ai_models"}


def suggest_import_mapping(headers: list[str]) -> dict[str, str | None]:
    """Suggest which register field each spreadsheet header feeds (None: ignore it)."""
    return suggest_mapping(headers, {k: list(f.synonyms) for k, f in IMPORT_FIELDS.items()})


class MappingError(ValueError):
    """Signal an unusable mapping; ``errors`` maps a header ('' for the whole) to messages.

    ``param`` names the request parameter at fault (mapping, values, defaults, …).
    """

    def __init__(self, errors: dict[str, list[str]], *, param: str = "mapping"):
        self.errors = errors
        self.param = param
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
