"""Reports about one assessment: the gap analysis, the Statement of Applicability, the FRIA."""

from django.utils.text import slugify

from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.assessment_data import (
    assessment_actions,
    assessment_groups,
    assessment_header,
)
from compliance.documents.renderers.charts import score_bars
from compliance.documents.renderers.common import Built, data_version, header

FRIA_SECTIONS = [
    ("Applicability", "Art. 27(1)"),
    ("Processes in which the system is used", "Art. 27(1)(a)"),
    ("Period and frequency of use", "Art. 27(1)(b)"),
    ("Persons and groups likely to be affected", "Art. 27(1)(c)"),
    ("Specific risks of harm", "Art. 27(1)(d)"),
    ("Human oversight measures", "Art. 27(1)(e)"),
    ("Measures if risks materialise", "Art. 27(1)(f)"),
]


def _render(document, assessment, *, title, template, extra=None) -> Built:
    data = {
        "assessment": assessment_header(assessment),
        **assessment_groups(assessment),
        "actions": assessment_actions(assessment),
        **(extra or {}),
    }
    chart = score_bars(
        [(g["key"], g["title"], g["score"]["percent"]) for g in data["groups"]],
        title=f"Score by group: {assessment.title}",
    )
    context = {
        **header(document, title=title),
        **data,
        "chart": chart,
        "data_version": data_version(data),
    }
    pdf = render_pdf(template, context)
    kind = document.kind.replace("_", "-")
    name = f"{kind}-{slugify(assessment.title)[:50] or 'report'}.pdf"
    return Built(pdf, name, "application/pdf", data)


def build_gap_report(document) -> Built:
    assessment = document.assessment
    return _render(
        document,
        assessment,
        title=f"Gap analysis: {assessment.title}",
        template="documents/pdf/gap_report.html",
    )


def build_statement_of_applicability(document) -> Built:
    assessment = document.assessment
    return _render(
        document,
        assessment,
        title=f"Statement of Applicability: {assessment.title}",
        template="documents/pdf/statement_of_applicability.html",
    )


def build_fria(document) -> Built:
    assessment = document.assessment
    notification = assessment.notification or {}
    return _render(
        document,
        assessment,
        title=f"Fundamental rights impact assessment: {assessment.title}",
        template="documents/pdf/fria.html",
        extra={"notification": notification, "fria_sections": FRIA_SECTIONS},
    )


def why_not_gap_report(assessment) -> str | None:
    if assessment.kind != "gap_analysis":
        return "This is not a gap analysis."
    return None


def why_not_soa(assessment) -> str | None:
    if assessment.framework.slug != "iso-42001":
        return "A Statement of Applicability belongs to an ISO/IEC 42001 assessment."
    return None


def why_not_fria(assessment) -> str | None:
    if assessment.kind != "fria":
        return "This assessment is not a fundamental rights impact assessment (Art. 27)."
    return None
