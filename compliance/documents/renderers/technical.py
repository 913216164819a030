"""Technical documentation draft (Art. 11, Annex IV): each section filled from what Annex holds.

Each Annex IV section takes register facts and the answers of the gap-analysis items that
speak to it; what is still missing is listed per section.
"""

from django.utils.text import slugify

from compliance.assessments.models import Assessment, AssessmentKind
from compliance.documents.models import Document, DocumentStatus
from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.assessment_data import assessment_groups
from compliance.documents.renderers.common import (
    Built,
    classification_facts,
    data_version,
    field_row,
    header,
    missing_of,
)
from governance.classification.selectors import classifications_of
from governance.register.selectors import models_of_system

# (number, title, obligation codes whose gap-analysis answers document it)
SECTIONS = [
    ("1", "General description of the AI system", ["art_13"]),
    ("2", "Elements and development process", ["art_10", "art_11"]),
    ("2(e)", "Human oversight measures", ["art_14"]),
    ("2(g)-(h)", "Validation, testing and cybersecurity", ["art_15"]),
    ("3", "Monitoring, functioning and control", ["art_12"]),
    ("4", "Appropriateness of the performance metrics", []),
    ("5", "Risk management system", ["art_9"]),
    ("6", "Changes over the life cycle", []),
    ("7", "Harmonised standards and other solutions applied", ["art_17"]),
    ("8", "EU declaration of conformity", ["art_47"]),
    ("9", "Post-market monitoring", ["art_72"]),
]


def why_not_technical(system) -> str | None:
    facts = classification_facts(system)
    if facts is None:
        return "The system has not been screened: classify it first."
    if "art_11" not in {row["code"] for row in facts["obligations"]}:
        return (
            "Technical documentation (Art. 11, Annex IV) is owed by the provider of a high-risk "
            "system; the current classification does not owe it in your role."
        )
    return None


def _latest_gap_analysis(system):
    return (
        Assessment.objects.filter(
            organization=system.organization,
            system=system,
            kind=AssessmentKind.GAP_ANALYSIS,
            framework__slug="eu-ai-act",
        )
        .select_related("framework")
        .order_by("-created_at")
        .first()
    )


def _general(system) -> list[dict]:
    models = ", ".join(str(m) for m in models_of_system(system))
    return [
        field_row("1(a) Intended purpose", system.intended_purpose, "Annex IV 1(a)"),
        field_row("1(a) Provider", system.organization.name, "Annex IV 1(a)"),
        field_row("1(b) Interaction with other systems", system.description, "Annex IV 1(b)"),
        field_row("1(c) Models and versions", models, "Annex IV 1(c)"),
        field_row(
            "1(d) Form placed on the market",
            system.get_deployment_context_display(),
            "Annex IV 1(d)",
        ),
        field_row("2(e) Human oversight", system.human_oversight, "Annex IV 2(e)"),
    ]


def technical_data(system) -> dict:
    assessment = _latest_gap_analysis(system)
    groups = {g["key"]: g for g in assessment_groups(assessment)["groups"]} if assessment else {}
    general = _general(system)
    sections = []
    missing = [f"1: {label}" for label in missing_of(general)]
    if assessment is None:
        missing.append("No EU AI Act gap analysis of this system: its answers fill sections 2-9")
    for number, title, obligations in SECTIONS:
        items = [i for code in obligations for i in groups.get(code, {}).get("items", [])]
        answered = [i for i in items if not i["unanswered"] and not i["gap"]]
        open_items = [i for i in items if i["unanswered"] or i["gap"]]
        sections.append(
            {"number": number, "title": title, "answered": answered, "open": open_items}
        )
        missing += [f"{number}: {i['code']} {i['title']}" for i in open_items]
        if obligations and not items and assessment is not None:
            missing.append(f"{number}: nothing in the gap analysis documents this section yet")
    changes = [
        {"version": c.version, "at": c.created_at, "tier": c.get_tier_display(), "note": c.note}
        for c in classifications_of(system)
    ]
    declaration = (
        Document.objects.filter(
            organization=system.organization,
            kind="declaration_of_conformity",
            subject_ref=str(system.uuid),
            status=DocumentStatus.DONE,
        )
        .order_by("-number")
        .first()
    )
    if declaration is None:
        missing.append("8: no EU declaration of conformity has been generated")
    return {
        "system": {"uuid": str(system.uuid), "name": system.name},
        "general": general,
        "sections": sections,
        "changes": changes,
        "declaration": {
            "id": str(declaration.uuid),
            "number": declaration.number,
            "sha256": declaration.sha256,
        }
        if declaration
        else None,
        "assessment": {"title": assessment.title, "status": assessment.get_status_display()}
        if assessment
        else None,
        "missing": missing,
    }


def build_technical_documentation(document) -> Built:
    system = document.system
    data = technical_data(system)
    context = {
        **header(document, title=f"Technical documentation: {system.name}"),
        **data,
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/technical_documentation.html", context)
    name = f"technical-documentation-{slugify(system.name)[:60] or 'system'}.pdf"
    return Built(pdf, name, "application/pdf", data)
