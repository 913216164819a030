"""Register fields a card maps to, the parse result, and text helpers both formats share."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_CARD_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 10_000
# Enough for the leaderboard-style cards that list dozens of results, small enough to keep a
# hostile card from flooding the register.
MAX_EVALUATIONS = 500
# Alias-heavy YAML ("billion laughs") loads cheaply because PyYAML shares nodes, but walking or
# serialising the result would not; refuse front matter that expands beyond this many nodes.
MAX_YAML_NODES = 50_000
MAX_HEADINGS = 1_000

FIELD_NAMES = (
    "name",
    "version",
    "provider",
    "licence",
    "model_type",
    "is_general_purpose",
    "training_compute_flops",
    "is_open_source",
    "intended_use",
    "limitations",
    "training_data",
    "evaluations",
    "languages",
    "tags",
    "base_model",
)

MODEL_TYPES = (
    "classification",
    "regression",
    "generative_text",
    "generative_image",
    "generative_audio",
    "embedding",
    "object_detection",
    "speech_recognition",
    "translation",
    "recommendation",
    "other",
)

# Lengths of the register's character columns; longer values are clipped with a warning.
_SHORT_LIMITS = {"name": 200, "version": 100, "provider": 200, "licence": 100, "base_model": 200}
_LONG_TEXT_FIELDS = ("intended_use", "limitations", "training_data")


class ModelCardError(ValueError):
    """Signal that the input cannot be read as a model card at all."""


@dataclass
class ModelCardImport:
    """Hold what a model card yielded: register fields, warnings and unmapped metadata."""

    fields: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    unmapped: dict[str, Any] = field(default_factory=dict)
    source_format: str = "huggingface"
    source_ref: str = ""  # the Hugging Face id ("org/model") or URL the card came from
    source_file: str = ""  # the card's file name (its path inside a ZIP)


TEMPLATE_RE = re.compile(r"\{\{[^{}]{0,2000}\}\}|\{%[^{}]{0,2000}%\}|\{#[^{}]{0,2000}#\}")
PLACEHOLDER_RE = re.compile(
    r"\[\s*(?:more information needed|needs more information|optional)\s*\]", re.IGNORECASE
)


MODEL_ID_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_HF_URL_RE = re.compile(
    r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets|spaces)/)?"
    r"([\w.-]+/[\w.-]+|[\w.-]+)(?:/.*)?$",
    re.IGNORECASE,
)


class Warnings(list):
    """Collect warnings once each, in the order they arose."""

    def add(self, message: str) -> None:
        if message not in self:
            self.append(message)


def metric_value(value: Any) -> float | str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else str(value)
    text = scalar_text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text[:100]
    return number if math.isfinite(number) else text


def cap_evaluations(evaluations: list, source: str, warnings: Warnings) -> list:
    if len(evaluations) > MAX_EVALUATIONS:
        warnings.add(
            f"{source}: {len(evaluations)} results were found; kept the first {MAX_EVALUATIONS}"
        )
        return evaluations[:MAX_EVALUATIONS]
    return evaluations


def empty_fields() -> dict[str, Any]:
    return {
        "name": "",
        "version": "",
        "provider": "",
        "licence": "",
        "model_type": "other",
        "is_general_purpose": None,
        "training_compute_flops": None,
        "is_open_source": None,
        "intended_use": "",
        "limitations": "",
        "training_data": "",
        "evaluations": [],
        "languages": [],
        "tags": [],
        "base_model": "",
    }


def finish(fields: dict[str, Any], warnings: Warnings) -> None:
    """Enforce column lengths and the long-text limit, warning about anything clipped."""
    for name, limit in _SHORT_LIMITS.items():
        value = " ".join(str(fields[name]).split())
        if len(value) > limit:
            warnings.add(f"{name}: longer than {limit} characters; it was shortened")
            value = clip(value, limit)
        fields[name] = value
    for name in _LONG_TEXT_FIELDS:
        text = fields[name]
        if len(text) > MAX_TEXT_CHARS:
            warnings.add(
                f"{name}: the text was {len(text):,} characters; kept the first {MAX_TEXT_CHARS:,}"
            )
            fields[name] = _truncate(text, MAX_TEXT_CHARS)
    for evaluation in fields["evaluations"]:
        for key in ("task", "dataset", "metric"):
            evaluation[key] = clip(evaluation[key], 200)


def _truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a paragraph, line or word boundary."""
    cut = text[: limit - 1]
    for separator in ("\n\n", "\n", ". ", " "):
        position = cut.rfind(separator)
        if position >= limit * 0.8:
            cut = cut[: position + (1 if separator == ". " else 0)]
            break
    return cut.rstrip() + "…"


def quoted(value: Any) -> str:
    """Quote a value from the card for a warning, keeping the warning readable."""
    return f"'{clip(str(value), 80)}'"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def scalar_text(value: Any) -> str:
    """Return a scalar YAML/JSON value as stripped text; lists and mappings give ''."""
    if value is None or isinstance(value, dict | list | tuple | set):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = TEMPLATE_RE.sub("", str(value))
    return PLACEHOLDER_RE.sub("", text).strip()


def string_list(
    value: Any, key: str, warnings: Warnings, *, is_language: bool = False
) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        if is_language and item is False:
            # YAML 1.1 reads the Norwegian code "no" as false.
            item = "no"
        if isinstance(item, dict | list):
            warnings.add(f"{key}: a nested value was skipped")
            continue
        text = scalar_text(item)
        if text:
            result.append(text)
    return unique(result)


def unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for item in items:
        item = item.strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            result.append(item)
    return result


def hf_id(value: str) -> str:
    """Turn a Hub URL into its repository id; leave anything else as it is."""
    value = value.strip()
    match = _HF_URL_RE.match(value)
    return match.group(2) if match else value


def filename_stem(filename: str) -> str:
    base = re.split(r"[\\/]", filename.strip())[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return stem.strip() or "model"


def json_safe(value: Any, depth: int = 0) -> Any:
    """Return ``value`` with only JSON types, so the caller can store it in a JSONField."""
    if depth > 50:
        return "…"
    if isinstance(value, dict):
        return {
            str(k): (
                "<base64 image omitted>"
                if k == "image" and isinstance(v, str) and len(v) > 200
                else json_safe(v, depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)
