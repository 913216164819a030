"""Read an AI model's register entry from a model card.

Two formats are understood, told apart by content rather than by file name:

- a Hugging Face model card: Markdown with optional YAML front matter (the Hub's ``README.md``);
- a Google Model Card Toolkit card: JSON following schema v0.0.1/v0.0.2.

Real cards are messy, so the parser keeps going wherever it can and says what it skipped in
``ModelCardImport.warnings`` instead of failing. Only input that cannot be a model card at all
(empty, binary, too large, broken JSON) raises ``ModelCardError``.

This package is pure: no database, no network (only the shared value checks of
``governance.core.validators``). Its modules, one job each:
``decoding`` (bytes to text, size first), ``frontmatter`` (YAML), ``markdown`` (sections and
facts), ``statements`` (compute and general purpose read from prose), ``licences`` (SPDX),
``huggingface`` and ``toolkit`` (the two formats) and ``fields`` (the result and shared helpers).
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


def parse_model_card(text: str | bytes, *, filename: str = "README.md") -> ModelCardImport:
    """Parse a Hugging Face model card or a Model Card Toolkit JSON card.

    ``text`` is normally ``str``; ``bytes`` (an uploaded file) are accepted and decoded as
    UTF-8, falling back to Windows-1252 with a warning. Raise ``ModelCardError`` when the input
    is empty, binary, larger than ``MAX_CARD_BYTES`` or JSON that is not a model card.
    """
    warnings = Warnings()
    text = as_text(text, warnings)
    if text.lstrip().startswith("{"):
        result = parse_mct(text, filename, warnings)
    else:
        result = parse_huggingface(text, filename, warnings)
    finish(result.fields, warnings)
    result.warnings = list(warnings)
    return result
