"""The kinds of document Annex builds: each a subject type, a refusal rule and a renderer."""

from collections.abc import Callable
from dataclasses import dataclass

from compliance.documents.renderers.board import build_board_report
from compliance.documents.renderers.common import Built
from compliance.documents.renderers.declaration import build_declaration, why_not_declared
from compliance.documents.renderers.incident import build_incident_report
from compliance.documents.renderers.model_card import build_model_card
from compliance.documents.renderers.registration import build_registration_data, why_not_registered
from compliance.documents.renderers.reports import (
    build_fria,
    build_gap_report,
    build_statement_of_applicability,
    why_not_fria,
    why_not_gap_report,
    why_not_soa,
)
from compliance.documents.renderers.system_card import build_system_card
from compliance.documents.renderers.technical import (
    build_technical_documentation,
    why_not_technical,
)


def _always(_subject) -> str | None:
    return None


@dataclass(frozen=True)
class DocumentKind:
    """What a document is about, when it may be made, and how it is rendered."""

    key: str
    label: str
    subject: str  # "system", "model", "assessment", "incident" or "organization"
    build: Callable[..., Built]
    refusal: Callable[..., str | None] = _always
    description: str = ""


KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.key] = kind
    return kind


register_kind(
    DocumentKind(
        "system_card",
        "System card",
        "system",
        build_system_card,
        description="Identity, purpose, classification, data, models and obligations (R.3.8).",
    )
)
register_kind(
    DocumentKind(
        "model_card",
        "Model card",
        "model",
        build_model_card,
        description="What the model is for, its training data and evaluations (Annex XI-XII).",
    )
)
register_kind(
    DocumentKind(
        "registration_data",
        "EU database registration data",
        "system",
        build_registration_data,
        refusal=why_not_registered,
        description="Annex VIII Section A, B or C, as the classification requires (Art. 49).",
    )
)

register_kind(
    DocumentKind(
        "declaration_of_conformity",
        "EU declaration of conformity",
        "system",
        build_declaration,
        refusal=why_not_declared,
        description="Annex V, ready to sign: high-risk systems you provide, once a gap "
        "analysis is approved (Art. 47).",
    )
)
register_kind(
    DocumentKind(
        "technical_documentation",
        "Technical documentation",
        "system",
        build_technical_documentation,
        refusal=why_not_technical,
        description="Annex IV draft from the register, classification, gap analysis and "
        "evidence, with what is missing per section (Art. 11).",
    )
)
register_kind(
    DocumentKind(
        "fria",
        "Fundamental rights impact assessment",
        "assessment",
        build_fria,
        refusal=why_not_fria,
        description="Art. 27 assessment and its notification to the market surveillance authority.",
    )
)
register_kind(
    DocumentKind(
        "gap_report",
        "Gap-analysis report",
        "assessment",
        build_gap_report,
        refusal=why_not_gap_report,
        description="Scores by article or clause, gaps, evidence and remediation actions.",
    )
)
register_kind(
    DocumentKind(
        "statement_of_applicability",
        "Statement of Applicability",
        "assessment",
        build_statement_of_applicability,
        refusal=why_not_soa,
        description="ISO/IEC 42001 Annex A controls: applicable or not, why, and how far "
        "implemented.",
    )
)
register_kind(
    DocumentKind(
        "board_report",
        "Board report",
        "organization",
        build_board_report,
        description="The board dashboard on paper: portfolio, readiness, residual risks, "
        "deadlines, the regulatory timeline and the year's trend.",
    )
)
register_kind(
    DocumentKind(
        "incident_report",
        "Serious-incident report",
        "incident",
        build_incident_report,
        description="Art. 73 report of one serious incident with the R.3.5 fields and its "
        "deadline.",
    )
)

# Kinds a member who does not read the register may still see and request (the board).
BOARD_KINDS = frozenset({"board_report"})


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key


def kinds_for(subject: str) -> list[DocumentKind]:
    return [k for k in KINDS.values() if k.subject == subject]
