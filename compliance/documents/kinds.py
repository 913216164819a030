"""The kinds of document Annex builds: each a subject type, a refusal rule and a renderer."""

from collections.abc import Callable
from dataclasses import dataclass

from compliance.documents.renderers.common import Built
from compliance.documents.renderers.model_card import build_model_card
from compliance.documents.renderers.registration import build_registration_data, why_not_registered
from compliance.documents.renderers.system_card import build_system_card


def _always(_subject) -> str | None:
    return None


@dataclass(frozen=True)
class DocumentKind:
    """What a document is about, when it may be made, and how it is rendered."""

    key: str
    label: str
    subject: str  # "system", "model" or "assessment"
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


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key


def kinds_for(subject: str) -> list[DocumentKind]:
    return [k for k in KINDS.values() if k.subject == subject]
