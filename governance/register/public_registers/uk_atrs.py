"""Build a UK Algorithmic Transparency Recording Standard (ATRS) record from a system.

The fields follow the ATRS template v3.0 (GOV.UK, Central Digital and Data Office / DSIT: a
metadata section, Tier 1 "Overview" for the public, and Tier 2's five sections: owner and
responsibility; description and rationale; decision-making process; tool specification; risks,
mitigations and impact assessments). ATRS has no machine schema: ``FIELDS`` is Annex's reading
of the template. ``required`` marks what the template asks of every record; a field Annex does
not keep (``source`` None) is listed for the person publishing to complete in the template and
does not count against Annex's part of the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance.register.models import LifecycleStage
from governance.register.public_registers import sources

STANDARD = "Algorithmic Transparency Recording Standard"
TEMPLATE_VERSION = "3.0"

PHASE = {
    LifecycleStage.PLANNED: "Pre-deployment",
    LifecycleStage.IN_DEVELOPMENT: "Pre-deployment",
    LifecycleStage.TESTING: "Beta/Pilot",
    LifecycleStage.IN_PRODUCTION: "Production",
    LifecycleStage.RETIRED: "Retired",
}

SECTIONS = {
    "metadata": "Metadata",
    "tier_1": "Tier 1 - Overview",
    "owner_and_responsibility": "Tier 2 - Owner and Responsibility",
    "description_and_rationale": "Tier 2 - Description and Rationale",
    "decision_making_process": "Tier 2 - Decision-Making Process",
    "tool_specification": "Tier 2 - Tool Specification",
    "risks_and_impact": "Tier 2 - Risks, Mitigations and Impact Assessments",
}


@dataclass(frozen=True)
class AtrsField:
    key: str
    section: str
    label: str
    required: bool
    # system -> value (text, list, or None when the system does not state it); None: not kept
    source: Callable | None


def _text(attr: str) -> Callable:
    return lambda s: getattr(s, attr).strip() or None


def _phase(system):
    return PHASE.get(system.lifecycle_stage)


def _supplier_involved(system):
    # A vendor on record says yes; no vendor says nothing (not "no": it may be unrecorded).
    return "Yes" if system.vendor_id else None


def _models(system):
    out = [
        {
            "name": m.name,
            "version": m.version,
            "model_type": str(m.get_model_type_display()),
            "provider": m.provider,
            "licence": m.licence,
        }
        for m in sources.models_of(system)
    ]
    return out or None


def _source_data(system):
    out = [
        {"model": str(m), "training_data": m.training_data.strip()}
        for m in sources.models_of(system)
        if m.training_data.strip()
    ]
    return out or None


def _impact_assessments(system):
    """Return the assessments done; [] when both are stated as not done; None when unknown."""
    out = []
    if system.dpia_done:
        out.append({"name": "Data Protection Impact Assessment (DPIA)", "completed": "Yes"})
    if system.fria_done:
        out.append({"name": "Fundamental Rights Impact Assessment (FRIA)", "completed": "Yes"})
    if out or (system.dpia_done is False and system.fria_done is False):
        return out
    return None


def _risks(system):
    out = [
        {"name": r.title, "description": r.description, "mitigation": r.treatment_notes}
        for r in sources.risks_of(system)
    ]
    return out or None


def _f(key, section, label, required=False, source=None):
    return AtrsField(key, section, label, required, source)


FIELDS: tuple[AtrsField, ...] = (
    _f("organisation", "metadata", "Organisation", True, lambda s: s.organization.name),
    _f("function", "metadata", "Function"),
    _f("phase", "metadata", "Phase", True, _phase),
    _f("geographic_region", "metadata", "Geographical region"),
    _f("date_published", "metadata", "Date published", False,
       lambda s: s.published_on.isoformat() if s.published_on else None),
    _f("name", "tier_1", "Name", True, _text("name")),
    _f("description", "tier_1", "Description", True, _text("description")),
    _f("website", "tier_1", "Website", True, _text("public_page_url")),
    _f("contact_email", "tier_1", "Contact email", True, _text("contact_point")),
    _f("organisation_or_department", "owner_and_responsibility", "Organisation or department",
       True, lambda s: s.organization.name),
    _f("team", "owner_and_responsibility", "Team"),
    _f("senior_responsible_owner", "owner_and_responsibility", "Senior responsible owner"),
    _f("external_supplier_involvement", "owner_and_responsibility",
       "External supplier involvement", False, _supplier_involved),
    _f("external_supplier", "owner_and_responsibility", "External supplier", False,
       lambda s: s.vendor.name if s.vendor_id else None),
    _f("companies_house_number", "owner_and_responsibility", "Companies House number"),
    _f("external_supplier_role", "owner_and_responsibility", "External supplier role"),
    _f("procurement_procedure_type", "owner_and_responsibility", "Procurement procedure type"),
    _f("data_access_terms", "owner_and_responsibility", "Data access terms"),
    _f("detailed_description", "description_and_rationale", "Detailed description"),
    _f("scope", "description_and_rationale", "Scope", True, _text("intended_purpose")),
    _f("benefit", "description_and_rationale", "Benefit"),
    _f("previous_process", "description_and_rationale", "Previous process"),
    _f("alternatives_considered", "description_and_rationale", "Alternatives considered"),
    _f("process_integration", "decision_making_process", "Process integration"),
    _f("provided_information", "decision_making_process", "Provided information"),
    _f("frequency_and_scale_of_usage", "decision_making_process",
       "Frequency and scale of usage"),
    _f("human_decisions_and_review", "decision_making_process", "Human decisions and review",
       True, _text("human_oversight")),
    _f("required_training", "decision_making_process", "Required training"),
    _f("appeals_and_review", "decision_making_process", "Appeals and review"),
    _f("system_architecture", "tool_specification", "System architecture"),
    _f("models", "tool_specification", "Models", False, _models),
    _f("source_data", "tool_specification", "Source data", False, _source_data),
    _f("impact_assessments", "risks_and_impact", "Impact assessments", True,
       _impact_assessments),
    _f("risks", "risks_and_impact", "Risks", True, _risks),
)  # fmt: skip
BY_KEY = {f.key: f for f in FIELDS}


def field_values(system) -> dict[str, object]:
    """Return {field key: value or None} for every field of the template."""
    return {f.key: (f.source(system) if f.source else None) for f in FIELDS}


def build_record(system) -> dict:
    """Return the record as JSON: the template's sections, each field's value or null."""
    values = field_values(system)
    record = {
        "standard": STANDARD,
        "template_version": TEMPLATE_VERSION,
        "source_id": system.reference or str(system.uuid),
    }
    for section in SECTIONS:
        record[section] = {f.key: values[f.key] for f in FIELDS if f.section == section}
    return record


def heading(field: AtrsField) -> str:
    """Return the CSV heading of a field: its section and label, unique across the template."""
    return f"{SECTIONS[field.section]}: {field.label}"


def csv_headings() -> list[str]:
    return ["Source ID", *(heading(f) for f in FIELDS)]


def csv_row(system) -> list[str]:
    """Return the system's row: lists as "; "-joined text, unstated values empty."""
    values = field_values(system)
    return [system.reference or str(system.uuid), *(_cell(values[f.key]) for f in FIELDS)]


def _cell(value) -> str:
    if value is None:
        return ""
    if value == []:
        return "None"  # stated: none (an unknown value is the empty cell)
    if isinstance(value, list):
        return "; ".join(" — ".join(str(v) for v in item.values() if v) for item in value)
    return str(value)
