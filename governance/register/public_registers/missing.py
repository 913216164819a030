"""Say, per system and standard, what a public register record still lacks and where to fill it.

A readiness report joins the record, the standard's problems (for the Dutch standard: the
validator's field errors) and the list of missing information: each item names the standard's
field, whether the standard requires it, and the Annex field that fills it ("Legal basis: not
stated — fill it on the system's edit page"). ``valid`` is true only when nothing required is
missing and the record has no problem: an empty required field always blocks it. (The
validator reports an absent required field too; here it is listed once, as missing.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.register.models import RiskTier
from governance.register.public_registers import nl_v1, uk_atrs
from governance.register.public_registers.validate import FieldError, validate_record

EDIT = "edit"  # the system's edit page
SCREENING = "screening"  # the system's classification (screening)
RISKS = "risks"  # the risk register
MODELS = "models"  # the pages of the models the system uses
ORGANISATION = "organisation"  # the organisation's settings
EXPORT = "export"  # a choice made when downloading

WHERE_TEXT = {
    EDIT: "fill it on the system's edit page",
    SCREENING: "screen the system",
    RISKS: "record the system's risks in the risk register",
    MODELS: "add it on the pages of the models the system uses",
    ORGANISATION: "set it in the organisation's settings",
    EXPORT: "choose it when downloading",
}


@dataclass(frozen=True)
class MissingItem:
    field: str  # the standard's key
    label: str  # the standard's name for it
    required: bool
    annex_field: str  # the Annex field that fills it
    where: str  # one of WHERE_TEXT
    message: str

    def as_dict(self) -> dict:
        # By hand: dataclasses.asdict deep-copies, and a register has thousands of items.
        names = ("field", "label", "required", "annex_field", "where", "message")
        return {name: getattr(self, name) for name in names}


@dataclass
class Readiness:
    standard: str
    version: str
    record: dict
    missing: list[MissingItem]
    errors: list[FieldError] = field(default_factory=list)
    not_in_annex: list[str] = field(default_factory=list)
    # True when the standard expects the fields Annex does not keep (the ATRS template asks
    # for them all); False when they are optional (the Dutch ones).
    not_in_annex_expected: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors and not any(m.required for m in self.missing)

    @property
    def required_missing(self) -> list[MissingItem]:
        return [m for m in self.missing if m.required]

    @property
    def optional_missing(self) -> list[MissingItem]:
        return [m for m in self.missing if not m.required]

    def as_dict(self) -> dict:
        return {
            "standard": self.standard,
            "version": self.version,
            "valid": self.valid,
            "record": self.record,
            "missing": [m.as_dict() for m in self.missing],
            "errors": [e.as_dict() for e in self.errors],
            "not_in_annex": self.not_in_annex,
            "not_in_annex_expected": self.not_in_annex_expected,
        }


def _item(key, label, required, annex_field, where, state="not stated"):
    message = f"{annex_field}: {state} — {WHERE_TEXT[where]}."
    return MissingItem(key, label, required, annex_field, where, message)


# Dutch standard key → (Annex field, where to fill it). Keys absent here and from NL_ALWAYS are
# properties Annex does not keep (NL_NOT_IN_ANNEX).
NL_SOURCES = {
    "name": ("Name", EDIT),
    "description_short": ("Description", EDIT),
    "organization": ("Organisation name", ORGANISATION),
    "category": ("Tags named after the standard's themes", EDIT),
    "status": ("Lifecycle stage", EDIT),
    "begin_date": ("Put into service on", EDIT),
    "end_date": ("Ended on", EDIT),
    "contact_email": ("Contact point", EDIT),
    "website": ("Public page URL", EDIT),
    "publication_category": ("Publication category", EXPORT),
    "goal": ("Intended purpose", EDIT),
    "human_intervention": ("Human oversight", EDIT),
    "risks": ("Risks", RISKS),
    "lawful_basis": ("Legal basis", EDIT),
    "lawful_basis_grouping": ("Legal basis URL", EDIT),
    "process_index_url": ("Processing register URL", EDIT),
    "impacttoetsen_grouping": ("DPIA done, FRIA done", EDIT),
    "source_data": ("Training data of the system's models", MODELS),
    "methods_and_models": ("Models", EDIT),
    "provider": ("Vendor", EDIT),
    "publiccode": ("Source code URL", EDIT),
    "tags": ("Tags", EDIT),
    "publication_dt": ("Published on", EDIT),
}
NL_ALWAYS = ("lang", "standard_version", "source_id")
# "lars" is the register's own id, given on publication: nobody fills it.
NL_NOT_IN_ANNEX = ("proportionality", "url", "impacttoetsen", "source_data_grouping")


def nl_readiness(system, *, category: str | None = None) -> Readiness:
    """Return the Dutch v1.0 record of the system with what it lacks and its problems."""
    record = nl_v1.build_record(system, category=category)
    props = nl_v1.standard()
    missing = [
        item
        for key, (annex_field, where) in NL_SOURCES.items()
        if key not in record
        and (item := _nl_missing(system, record, key, props[key], annex_field, where))
    ]
    labels = [f"{props[k]['title']} ({k})" for k in NL_NOT_IN_ANNEX]
    # An absent required field is listed once, as missing (with where to fill it), not again
    # as a problem; the problems are what is wrong with the values Annex has.
    listed = {m.field for m in missing if m.required}
    errors = [e for e in validate_record(record) if e.field not in listed]
    return Readiness(
        "Algoritmeregister publicatiestandaard", nl_v1.STANDARD_VERSION, record, missing,
        errors, labels,
    )  # fmt: skip


def _nl_missing(system, record, key, spec, annex_field, where) -> MissingItem | None:
    label = f"{spec['title']} ({key})"
    required = spec.get("required") is True
    if key == "end_date":
        # Only a system out of use has an end date; in use, the field must stay empty.
        if record.get("status") != "Buiten gebruik":
            return None
        required = False
    if key == "publication_category":
        return _category_missing(system, label)
    if key == "impacttoetsen_grouping":
        unstated = [n for n, v in (("DPIA done", system.dpia_done), ("FRIA done", system.fria_done))
                    if v is None]  # fmt: skip
        if not unstated:
            return None  # both stated, none done: nothing to list, and nothing unknown
        annex_field = ", ".join(unstated)
    if key == "category":
        return None  # optional and rarely a tag: not worth a line of its own
    state = "empty" if key in ("description_short", "goal", "human_intervention") else None
    return _item(key, label, required, annex_field, where, state or "not stated")


def _category_missing(system, label) -> MissingItem:
    key = "publication_category"
    if system.risk_tier == RiskTier.UNSCREENED:
        return _item(
            key,
            label,
            True,
            "Risk tier",
            SCREENING,
            "not screened, so category A (high-risk AI system) cannot be ruled out",
        )
    if system.risk_tier == RiskTier.PROHIBITED:
        return _item(
            key,
            label,
            True,
            "Risk tier",
            SCREENING,
            "a prohibited practice (Art. 5), which no register category covers",
        )
    return _item(key, label, True, "Publication category", EXPORT,
                 "'Impactvolle algoritmes' (B) or 'Overige algoritmes' (C) depends on the "
                 "system's legal effects on people, which Annex does not record")  # fmt: skip


# ATRS field key → (Annex field, where to fill it), for the fields Annex fills.
ATRS_SOURCES = {
    "organisation": ("Organisation name", ORGANISATION),
    "phase": ("Lifecycle stage", EDIT),
    "date_published": ("Published on", EDIT),
    "name": ("Name", EDIT),
    "description": ("Description", EDIT),
    "website": ("Public page URL", EDIT),
    "contact_email": ("Contact point", EDIT),
    "organisation_or_department": ("Organisation name", ORGANISATION),
    "external_supplier_involvement": ("Vendor", EDIT),
    "external_supplier": ("Vendor", EDIT),
    "scope": ("Intended purpose", EDIT),
    "human_decisions_and_review": ("Human oversight", EDIT),
    "models": ("Models", EDIT),
    "source_data": ("Training data of the system's models", MODELS),
    "impact_assessments": ("DPIA done, FRIA done", EDIT),
    "risks": ("Risks", RISKS),
}


def atrs_readiness(system) -> Readiness:
    """Return the ATRS record of the system with what Annex's part of it lacks."""
    values = uk_atrs.field_values(system)
    missing = []
    for f in uk_atrs.FIELDS:
        if f.source is None or values[f.key] is not None:
            continue
        annex_field, where = ATRS_SOURCES[f.key]
        label = f"{uk_atrs.SECTIONS[f.section]}: {f.label}"
        missing.append(_item(f.key, label, f.required, annex_field, where))
    not_kept = [f"{uk_atrs.SECTIONS[f.section]}: {f.label}" for f in uk_atrs.FIELDS if not f.source]
    return Readiness(
        uk_atrs.STANDARD, uk_atrs.TEMPLATE_VERSION, uk_atrs.build_record(system), missing,
        [], not_kept, not_in_annex_expected=True,
    )  # fmt: skip
