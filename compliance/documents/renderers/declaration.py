"""EU declaration of conformity (Art. 47, Annex V): every Annex V item, ready to sign."""

from django.utils import timezone
from django.utils.text import slugify

from compliance.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.common import (
    Built,
    classification_facts,
    data_version,
    field_row,
    header,
    missing_of,
)
from governance.classification import codes
from governance.classification.selectors import current_classification


def approved_gap_analysis(system):
    """Return the system's newest approved EU AI Act gap analysis, or None."""
    return (
        Assessment.objects.filter(
            organization=system.organization,
            system=system,
            kind=AssessmentKind.GAP_ANALYSIS,
            framework__slug="eu-ai-act",
            status=AssessmentStatus.APPROVED,
        )
        .select_related("approved_by", "framework")
        .order_by("-approved_at")
        .first()
    )


def why_not_declared(system) -> str | None:
    """Return why no declaration can be drawn up for this system, or None when it can."""
    facts = classification_facts(system)
    if facts is None:
        return "The system has not been screened: classify it first."
    if facts["tier"] != "high_risk":
        return (
            f"The system is {facts['tier_label'].lower()}, not high-risk: an EU declaration of "
            "conformity is drawn up for high-risk AI systems only (Art. 47)."
        )
    if "art_47" not in {row["code"] for row in facts["obligations"]}:
        role = codes.ROLES.get(facts["role"] or "")
        return (
            f"Your organisation is the {role.label.lower() if role else facts['role']} of this "
            "system, not its provider: the provider draws up the declaration (Art. 16(g), 47)."
        )
    if approved_gap_analysis(system) is None:
        return (
            "No EU AI Act gap analysis of this system is approved yet: approve one before "
            "declaring conformity."
        )
    return None


def _other_acts(system) -> str:
    record = current_classification(system)
    annex_i = (record.screening.get("annex_i") or {}) if record else {}
    legislation = codes.ANNEX_I.get(annex_i.get("legislation") or "")
    return f"{legislation.label} ({legislation.act})" if legislation else ""


def system_facts(system):
    return getattr(system, "document_facts", None)


def declaration_data(system) -> dict:
    details = getattr(system.organization, "document_details", None)
    extra = system_facts(system)
    facts = classification_facts(system) or {}
    assessment = approved_gap_analysis(system)
    provider = ""
    if details and details.address:
        provider = "\n".join(
            x
            for x in (
                details.legal_name or system.organization.name,
                details.address,
                details.country,
            )
            if x
        )
    route = facts.get("conformity_route") or ""
    rows = [
        field_row(
            "1. AI system name, type and reference",
            " · ".join(x for x in (system.name, system.reference) if x),
            "Annex V point 1",
        ),
        field_row(
            "2. Provider (or authorised representative) name and address",
            provider,
            "Annex V point 2",
        ),
        field_row(
            "6. Harmonised standards or common specifications",
            extra.harmonised_standards if extra else "",
            "Annex V point 6",
        ),
        _notified_body_row(route, extra),
        field_row("8. Place of issue", details.signing_place if details else "", "Annex V point 8"),
        field_row(
            "8. Signatory (name and function)",
            ", ".join(
                x
                for x in ((details.signatory_name, details.signatory_function) if details else ())
                if x
            ),
            "Annex V point 8",
        ),
    ]
    return {
        "system": {"uuid": str(system.uuid), "name": system.name},
        "rows": rows,
        "other_acts": _other_acts(system),
        "personal_data": system.processes_personal_data is not False,
        "basis": facts.get("basis", []),
        "assessment": {
            "title": assessment.title,
            "approved_at": assessment.approved_at,
            "approved_by": assessment.approved_by.display_name if assessment.approved_by else "",
        }
        if assessment
        else None,
        "on_behalf_of": details.legal_name
        if details and details.legal_name
        else system.organization.name,
        "issued_on": timezone.localdate(),
        "missing": missing_of(rows) + _unstated_data(system),
    }


def _unstated_data(system) -> list[str]:
    # Annex V point 5: not stated is not "no", so the GDPR statement stays in and the fact is
    # listed as missing until the register states it.
    if system.processes_personal_data is None:
        return ["5. Whether the system processes personal data (not stated in the register)"]
    return []


def _notified_body_row(route: str, extra) -> dict:
    """Annex V point 7: owed where a notified body took part (Annex VII, or the product's law)."""
    internal = route and "notified" not in route.lower() and "product" not in route.lower()
    if internal:
        return field_row(
            "7. Notified body and certificate", f"Not applicable: {route}", "Annex V point 7"
        )
    value = ", ".join(x for x in ((extra.notified_body, extra.certificate) if extra else ()) if x)
    return field_row("7. Notified body and certificate", value, "Annex V point 7")


def build_declaration(document) -> Built:
    system = document.system
    data = declaration_data(system)
    context = {
        **header(document, title=f"EU declaration of conformity: {system.name}"),
        **data,
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/declaration_of_conformity.html", context)
    name = f"eu-declaration-of-conformity-{slugify(system.name)[:60] or 'system'}.pdf"
    return Built(pdf, name, "application/pdf", data)
