"""EU database registration data (Art. 49, Annex VIII Sections A, B and C, as amended)."""

import json

from django.utils.text import slugify

from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.common import (
    Built,
    classification_facts,
    data_version,
    field_row,
    header,
    missing_of,
)

SECTIONS = {
    "A": ("Section A: provider of a high-risk AI system", "Art. 49(1)", "art_49"),
    "B": ("Section B: provider of a system claimed not high-risk", "Art. 49(2)", "art_49_2"),
    "C": ("Section C: deployer that is a public authority", "Art. 49(3)", "art_49_3"),
}

_STATUS = {
    "planned": "Not yet placed on the market or put into service",
    "in_development": "Not yet placed on the market or put into service",
    "testing": "Not yet placed on the market or put into service (testing)",
    "in_production": "On the market / in service",
    "retired": "No longer on the market / in service",
}


def registration_sections(system) -> list[str]:
    """Return the Annex VIII sections this system's registration needs, from its obligations."""
    facts = classification_facts(system)
    if facts is None:
        return []
    owed = {row["code"] for row in facts["obligations"]}
    return [key for key, (_t, _c, code) in SECTIONS.items() if code in owed]


def why_not_registered(system) -> str | None:
    """Return why no registration data applies, or None when it does."""
    if classification_facts(system) is None:
        return "The system has not been screened: classify it first."
    if not registration_sections(system):
        return (
            "The current classification owes no registration in the EU database "
            "(Art. 49(1), (2) or (3)) for this system in this role."
        )
    return None


def _details(system):
    details = getattr(system.organization, "document_details", None)
    return details


def _party(details, organization) -> str:
    if details is None:
        return ""
    parts = [details.legal_name or organization.name, details.address, details.country]
    contact = ", ".join(x for x in (details.contact_email, details.contact_phone) if x)
    if not (details.address and contact):
        return ""
    return "\n".join(p for p in parts if p) + f"\n{contact}"


def _section_a(system, details, facts) -> list[dict]:
    extra = getattr(system, "document_facts", None)
    rows = [
        field_row(
            "A.1 Provider name, address and contact",
            _party(details, system.organization),
            "Annex VIII A.1",
        ),
        field_row(
            "A.3 Authorised representative",
            details.representative if details else "",
            "Annex VIII A.3",
            required=False,
        ),
        field_row(
            "A.4 Trade name and reference",
            " · ".join(x for x in (system.name, system.reference) if x),
            "Annex VIII A.4",
        ),
        field_row("A.5 Intended purpose", system.intended_purpose, "Annex VIII A.5"),
        field_row("A.6 Information used and operating logic", system.description, "Annex VIII A.6"),
        field_row("A.7 Status", _STATUS.get(system.lifecycle_stage, ""), "Annex VIII A.7"),
        field_row("A.10 Member States", extra.member_states if extra else "", "Annex VIII A.10"),
        field_row("A.11 EU declaration of conformity", _declaration(system), "Annex VIII A.11"),
        field_row(
            "A.12 Electronic instructions for use",
            extra.instructions_url if extra else "",
            "Annex VIII A.12",
        ),
    ]
    route = (facts.get("conformity_route") or "").lower()
    if "notified" in route or "product" in route:
        certificate = ", ".join(
            x for x in ((extra.notified_body, extra.certificate) if extra else ()) if x
        )
        rows.insert(6, field_row("A.8 Notified-body certificate", certificate, "Annex VIII A.8"))
    return rows


def _declaration(system) -> str:
    from compliance.documents.models import Document, DocumentStatus

    latest = (
        Document.objects.filter(
            organization=system.organization,
            kind="declaration_of_conformity",
            subject_ref=str(system.uuid),
            status=DocumentStatus.DONE,
        )
        .order_by("-number")
        .first()
    )
    if latest is None:
        return ""
    return f"Version {latest.number}, {latest.finished_at:%d %B %Y}, SHA-256 {latest.sha256}"


def _section_b(system, details, facts) -> list[dict]:
    return [
        field_row(
            "B.1 Provider name, address and contact",
            _party(details, system.organization),
            "Annex VIII B.1",
        ),
        field_row(
            "B.3 Authorised representative",
            details.representative if details else "",
            "Annex VIII B.3",
            required=False,
        ),
        field_row(
            "B.4 Trade name and reference",
            " · ".join(x for x in (system.name, system.reference) if x),
            "Annex VIII B.4",
        ),
        field_row("B.5 Intended purpose", system.intended_purpose, "Annex VIII B.5"),
        field_row(
            "B.6 Art. 6(3) conditions relied on",
            ", ".join(facts.get("art_6_3_conditions") or []),
            "Annex VIII B.6",
        ),
        field_row("B.8 Status", _STATUS.get(system.lifecycle_stage, ""), "Annex VIII B.8"),
    ]


def _section_c(system, details, facts) -> list[dict]:
    return [
        field_row(
            "C.1 Deployer name, address and contact",
            _party(details, system.organization),
            "Annex VIII C.1",
        ),
        field_row("C.3 Provider's EU database entry", system.eu_database_id, "Annex VIII C.3"),
        field_row(
            "C.4 Summary of the fundamental rights impact assessment", "", "Annex VIII C.4, Art. 27"
        ),
        field_row(
            "C.5 Summary of the data protection impact assessment",
            "",
            "Annex VIII C.5",
            required=system.processes_personal_data is not False,
        ),
    ]


_BUILDERS = {"A": _section_a, "B": _section_b, "C": _section_c}


def registration_data(system) -> dict:
    """Return the registration data per Annex VIII section, with what is missing."""
    facts = classification_facts(system) or {}
    from governance.classification.selectors import current_classification

    record = current_classification(system)
    facts["art_6_3_conditions"] = list(
        (record.screening if record else {}).get("art_6_3_conditions") or []
    )
    details = _details(system)
    sections = []
    for key in registration_sections(system):
        title, citation, _code = SECTIONS[key]
        rows = _BUILDERS[key](system, details, facts)
        sections.append({"key": key, "title": title, "citation": citation, "rows": rows})
    missing = [f"{s['key']}: {label}" for s in sections for label in missing_of(s["rows"])]
    notes = []
    if "B" in [s["key"] for s in sections]:
        notes.append(
            "Regulation (EU) 2026/1744 deleted points 7 and 9 of Section B; Art. 49(4)(b) still "
            "refers to point 9, a reference left dangling by the amendment."
        )
    if any(p == "annex_iii_2" for p in facts.get("annex_iii", [])):
        notes.append("Annex III point 2 systems are registered at national level (Art. 49(5)).")
    return {
        "system": {"uuid": str(system.uuid), "name": system.name},
        "sections": sections,
        "missing": missing,
        "notes": notes,
    }


def registration_json(system) -> str:
    """Return the registration data as JSON: each section's fields, values and gaps."""
    data = registration_data(system)
    out = {
        "schema": "annex-eu-database-registration/1",
        "system": data["system"],
        "sections": [
            {
                "section": s["key"],
                "legal_basis": s["citation"],
                "fields": [
                    {
                        "field": r["label"],
                        "source": r["citation"],
                        "value": None
                        if r["missing"] or r["value"] == "Not stated"
                        else str(r["value"]),
                        "missing": r["missing"],
                    }
                    for r in s["rows"]
                ],
            }
            for s in data["sections"]
        ],
        "missing": data["missing"],
        "notes": data["notes"],
    }
    return json.dumps(out, indent=2, ensure_ascii=False)


def build_registration_data(document) -> Built:
    system = document.system
    data = registration_data(system)
    context = {
        **header(document, title=f"EU database registration: {system.name}"),
        **data,
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/registration_data.html", context)
    return Built(
        pdf, f"registration-{slugify(system.name)[:60] or 'system'}.pdf", "application/pdf", data
    )
