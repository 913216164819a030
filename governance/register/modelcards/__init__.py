"""Read an AI model's register entry from a model card.

Two formats are understood, told apart by content rather than by file name:

- a Hugging Face model card: Markdown with optional YAML front matter (the Hub's ``README.md``);
- a Google Model Card Toolkit card: JSON following schema v0.0.1/v0.0.2.

Real cards are messy, so the parser keeps going wherever it can and says what it skipped in
``ModelCardImport.warnings`` instead of failing. Only input that cannot be a model card at all
(empty, binary, too large, broken JSON, a dataset card, a licence or arbitrary text) raises
``ModelCardError``.

This package is pure: no database, no network (only the shared value checks of
``governance.core.validators``). Its modules, one job each:
``decoding`` (bytes to text, size first), ``frontmatter`` (YAML), ``markdown`` (sections and
facts), ``statements`` (compute and general purpose read from prose), ``licences`` (SPDX),
``huggingface`` and ``toolkit`` (the two formats), ``recognise`` (what is not a model card),
``provenance`` (the Hugging Face id and file a card came from) and ``fields`` (the result and
shared helpers).
"""

from __future__ import annotations

from governance.register.modelcards.decoding import as_text
from governance.register.modelcards.fields import (
    FIELD_NAMES,
    MAX_CARD_BYTES,
    MAX_TEXT_CHARS,
    MODEL_TYPES,
    ModelCardError,
    ModelCardImport,
    Warnings,
    finish,
)
from governance.register.modelcards.huggingface import parse_huggingface
from governance.register.modelcards.provenance import clean_source_ref, clip_file
from governance.register.modelcards.toolkit import parse_mct

__all__ = [
    "FIELD_NAMES",
    "MAX_CARD_BYTES",
    "MAX_TEXT_CHARS",
    "MODEL_TYPES",
    "ModelCardError",
    "ModelCardImport",
    "parse_model_card",
]


def parse_model_card(
    text: str | bytes, *, filename: str = "README.md", source_ref: str = ""
) -> ModelCardImport:
    """Parse a Hugging Face model card or a Model Card Toolkit JSON card.

    ``text`` is normally ``str``; ``bytes`` (an uploaded file) are accepted and decoded as
    UTF-8, falling back to Windows-1252 with a warning. ``filename`` may be a path (inside a
    ZIP); ``source_ref`` is the Hugging Face id or URL the caller knows the card by. Raise
    ``ModelCardError`` when the input is empty, binary, larger than ``MAX_CARD_BYTES``, or not
    a model card (JSON without Model Card Toolkit sections, a dataset card, a licence text…).
    """
    warnings = Warnings()
    text = as_text(text, warnings)
    explicit = clean_source_ref(source_ref)
    if text.lstrip().startswith("{"):
        result = parse_mct(text, filename, warnings, explicit)
    else:
        result = parse_huggingface(text, filename, warnings, explicit)
    result.source_file = clip_file(filename)
    finish(result.fields, warnings)
    result.warnings = list(warnings)
    return result
