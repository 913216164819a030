"""Read an AI model's register entry from a model card.

Two formats are understood, told apart by content rather than by file name:

- a Hugging Face model card: Markdown with optional YAML front matter (the Hub's ``README.md``);
- a Google Model Card Toolkit card: JSON following schema v0.0.1/v0.0.2.

Real cards are messy, so the parser keeps going wherever it can and says what it skipped in
``ModelCardImport.warnings`` instead of failing. Only input that cannot be a model card at all
(empty, binary, too large, broken JSON) raises ``ModelCardError``.

This module is pure: no Django, no database, no network.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = [
    "FIELD_NAMES",
    "MAX_CARD_BYTES",
    "MAX_TEXT_CHARS",
    "MODEL_TYPES",
    "ModelCardError",
    "ModelCardImport",
    "parse_model_card",
]

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


# --------------------------------------------------------------------------------------------
# Task (pipeline_tag) → register model type
# --------------------------------------------------------------------------------------------

_PIPELINE_TYPES = {
    # classification
    "text-classification": "classification",
    "token-classification": "classification",
    "zero-shot-classification": "classification",
    "image-classification": "classification",
    "zero-shot-image-classification": "classification",
    "audio-classification": "classification",
    "video-classification": "classification",
    "tabular-classification": "classification",
    "voice-activity-detection": "classification",
    # regression
    "tabular-regression": "regression",
    "time-series-forecasting": "regression",
    # text generation, including models that read images or audio and answer in text
    "text-generation": "generative_text",
    "text2text-generation": "generative_text",
    "summarization": "generative_text",
    "conversational": "generative_text",
    "image-to-text": "generative_text",
    "image-text-to-text": "generative_text",
    "visual-question-answering": "generative_text",
    "audio-text-to-text": "generative_text",
    "video-text-to-text": "generative_text",
    # image (and, for want of a separate type, video and 3D) generation
    "text-to-image": "generative_image",
    "image-to-image": "generative_image",
    "unconditional-image-generation": "generative_image",
    "text-to-video": "generative_image",
    "image-to-video": "generative_image",
    "text-to-3d": "generative_image",
    "image-to-3d": "generative_image",
    # audio generation
    "text-to-speech": "generative_audio",
    "text-to-audio": "generative_audio",
    "audio-to-audio": "generative_audio",
    # embeddings
    "feature-extraction": "embedding",
    "sentence-similarity": "embedding",
    "image-feature-extraction": "embedding",
    # detection, speech, translation
    "object-detection": "object_detection",
    "zero-shot-object-detection": "object_detection",
    "automatic-speech-recognition": "speech_recognition",
    "translation": "translation",
    # known tasks with no closer register type
    "fill-mask": "other",
    "question-answering": "other",
    "table-question-answering": "other",
    "document-question-answering": "other",
    "image-segmentation": "other",
    "mask-generation": "other",
    "depth-estimation": "other",
    "keypoint-detection": "other",
    "reinforcement-learning": "other",
    "robotics": "other",
    "graph-ml": "other",
    "any-to-any": "other",
    "other": "other",
}

# --------------------------------------------------------------------------------------------
# Licences
# --------------------------------------------------------------------------------------------

# fmt: off
_SPDX_IDS = (
    "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
    "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear",
    "BSD-4-Clause", "BSL-1.0", "C-UDA-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
    "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-NC-2.0",
    "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5",
    "CC-BY-ND-3.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5", "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
    "CC0-1.0", "CDDL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "ECL-2.0", "EPL-1.0", "EPL-2.0", "etalab-2.0", "EUPL-1.1", "EUPL-1.2", "GFDL-1.3-only",
    "GFDL-1.3-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
    "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "LPPL-1.3c", "MIT", "MIT-0", "MPL-2.0", "MS-PL", "NCSA", "ODbL-1.0", "ODC-By-1.0", "OFL-1.1",
    "OSL-3.0", "PDDL-1.0", "PostgreSQL", "Python-2.0", "UPL-1.0", "Unlicense", "WTFPL", "Zlib",
)
# fmt: on

_SPDX_BY_KEY = {spdx.lower(): spdx for spdx in _SPDX_IDS}
# Hugging Face identifiers and common spellings that name exactly one SPDX licence. Deprecated
# SPDX ids such as "GPL-3.0" mean "-only" according to SPDX itself.
_SPDX_BY_KEY.update(
    {
        "apache-2": "Apache-2.0",
        "apache2": "Apache-2.0",
        "apache2.0": "Apache-2.0",
        "apache-v2": "Apache-2.0",
        "apache-v2.0": "Apache-2.0",
        "asl-2.0": "Apache-2.0",
        "mit-0": "MIT-0",
        "expat": "MIT",
        "bsd-2": "BSD-2-Clause",
        "bsd-3": "BSD-3-Clause",
        "bsd-2-clause-simplified": "BSD-2-Clause",
        "bsd-3-clause-new": "BSD-3-Clause",
        "bsd-3-clause-revised": "BSD-3-Clause",
        "c-uda": "C-UDA-1.0",
        "cc0": "CC0-1.0",
        "cdla-sharing": "CDLA-Sharing-1.0",
        "gpl-2.0": "GPL-2.0-only",
        "gpl-2": "GPL-2.0-only",
        "gplv2": "GPL-2.0-only",
        "gpl-2.0+": "GPL-2.0-or-later",
        "gpl-3.0": "GPL-3.0-only",
        "gpl-3": "GPL-3.0-only",
        "gplv3": "GPL-3.0-only",
        "gpl-3.0+": "GPL-3.0-or-later",
        "lgpl-2.1": "LGPL-2.1-only",
        "lgpl-2.1+": "LGPL-2.1-or-later",
        "lgpl-3.0": "LGPL-3.0-only",
        "lgplv3": "LGPL-3.0-only",
        "lgpl-3.0+": "LGPL-3.0-or-later",
        "agpl-3.0": "AGPL-3.0-only",
        "agplv3": "AGPL-3.0-only",
        "agpl-3.0+": "AGPL-3.0-or-later",
        "eupl-1.2": "EUPL-1.2",
        "mpl-2": "MPL-2.0",
        "epl-2": "EPL-2.0",
        "odbl": "ODbL-1.0",
        "odc-by": "ODC-By-1.0",
        "pddl": "PDDL-1.0",
        "bsl": "BSL-1.0",
        "boost-1.0": "BSL-1.0",
        "postgres": "PostgreSQL",
        "the-unlicense": "Unlicense",
    }
)

# OSI-approved licences (opensource.org/licenses); only these make a model "open source" here.
# fmt: off
_OSI_APPROVED = frozenset((
    "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
    "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CDDL-1.0",
    "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "GPL-2.0-only", "GPL-2.0-or-later",
    "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later",
    "LGPL-3.0-only", "LGPL-3.0-or-later", "LPPL-1.3c", "MIT", "MIT-0", "MPL-2.0", "MS-PL", "NCSA",
    "OFL-1.1", "OSL-3.0", "PostgreSQL", "Python-2.0", "UPL-1.0", "Unlicense", "Zlib",
))
# fmt: on

# Licences known not to be open source: non-commercial or no-derivatives clauses, use
# restrictions (the RAIL family, Llama, Gemma) or an explicit "proprietary".
_RESTRICTED_LICENCE = re.compile(
    r"(?:^|[-_ ])(?:nc|nd)(?:[-_ ]|$)|rail|llama|gemma|deepfloyd|non-?commercial|research|"
    r"proprietary|all[-_ ]rights[-_ ]reserved",
    re.IGNORECASE,
)

_LICENCE_URL_PATTERNS = (
    (re.compile(r"apache\.org/licenses/license-2\.0", re.I), lambda m: "Apache-2.0"),
    (re.compile(r"(?:opensource\.org|spdx\.org)/licenses/([\w.+-]+?)(?:\.html|\.php)?/?$", re.I),
     lambda m: m.group(1)),
    (re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)", re.I),
     lambda m: f"cc-{m.group(1)}-{m.group(2)}"),
    (re.compile(r"creativecommons\.org/publicdomain/zero/1\.0", re.I), lambda m: "CC0-1.0"),
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Markdown sections
# --------------------------------------------------------------------------------------------

# Matched against normalised headings (lower case, words separated by single spaces).
_SECTION_PATTERNS = {
    "intended_use": [
        r"^(?:intended )?uses?$",
        r"^(?:primary |main )?intended (?:uses?|use cases?|purposes?|users?|applications?)"
        r"(?: and (?:limitations|users|use cases))?$",
        r"^(?:direct|downstream)(?: uses?| usage)?$",
        r"^use cases?$",
        r"^intended purpose$",
    ],
    "limitations": [
        r"\blimitations?\b",
        r"\bbias(?:es)?\b",
        r"\brisks?\b",
        r"\bout of scope\b",
        r"\bmisuses?\b",
        r"\bmalicious use\b",
        r"^ethical considerations?\b",
        r"^(?:caveats?|caveats and recommendations|recommendations)$",
    ],
    "training_data": [
        r"^(?:pre ?training|training|fine ?tuning)(?: and evaluation)? "
        r"(?:data|datasets?|corpus|corpora)(?: and procedure)?$",
        r"^(?:training )?datasets?$",
    ],
}
_SECTION_RES = {
    name: re.compile("|".join(f"(?:{p})" for p in patterns))
    for name, patterns in _SECTION_PATTERNS.items()
}

_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Title and closing hashes are split off in code: a regex doing it backtracks quadratically on
# long runs of spaces. (Every pattern here is applied to untrusted text of up to 1 MB.)
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TEMPLATE_RE = re.compile(r"\{\{[^{}]{0,2000}\}\}|\{%[^{}]{0,2000}%\}|\{#[^{}]{0,2000}#\}")
_PLACEHOLDER_RE = re.compile(
    r"\[\s*(?:more information needed|needs more information|optional)\s*\]", re.IGNORECASE
)
# Whole lines that templates leave behind when nothing was filled in.
_BOILERPLATE_LINE_RE = re.compile(
    r"^[ \t]*(?:more information needed\.?|information needed\.?|to be added\.?|tbd\.?|todo\.?|"
    r"users \(both direct and downstream\) should be made aware of the risks, biases and "
    r"limitations of the model\. more information needed for further recommendations\.)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_EMPTY_BULLET_RE = re.compile(r"^[ \t]*[-*+][ \t]+\*\*[^*\n]+\*\*[ \t]*:?[ \t]*$", re.MULTILINE)
_BOLD_FACT_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?\*\*(?P<label>[^*\n]{1,80}?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*)$"
)
_MODEL_CARD_FOR_RE = re.compile(r"^model card\b(?:\s+for\b|\s*[:\-–—])?\s*", re.IGNORECASE)
_OPTIONAL_RE = re.compile(r"\s*[\[(]\s*optional\s*[\])]", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9]+")
_EMPHASIS_RE = re.compile(r"\*\*|__|\*|`")
_IMAGE_RE = re.compile(r"!\[[^\]\n]{0,1000}\]\([^)\n]{0,2000}\)")
_LINK_RE = re.compile(r"\[([^\]\n]{0,1000})\]\([^)\n]{0,2000}\)")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>\n]{0,1000}>")
_MODEL_ID_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_HF_URL_RE = re.compile(
    r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets|spaces)/)?"
    r"([\w.-]+/[\w.-]+|[\w.-]+)(?:/.*)?$",
    re.IGNORECASE,
)


@dataclass
class _Section:
    level: int
    title: str  # as displayed, Markdown removed
    key: str  # normalised for matching
    lines: list[str]
    parent: int | None = None

    @property
    def text(self) -> str:
        return _clean_text("\n".join(self.lines))


class _Warnings(list):
    """Collect warnings once each, in the order they arose."""

    def add(self, message: str) -> None:
        if message not in self:
            self.append(message)


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def parse_model_card(text: str | bytes, *, filename: str = "README.md") -> ModelCardImport:
    """Parse a Hugging Face model card or a Model Card Toolkit JSON card.

    ``text`` is normally ``str``; ``bytes`` (an uploaded file) are accepted and decoded as
    UTF-8, falling back to Windows-1252 with a warning. Raise ``ModelCardError`` when the input
    is empty, binary, larger than ``MAX_CARD_BYTES`` or JSON that is not a model card.
    """
    warnings = _Warnings()
    text = _as_text(text, warnings)
    if text.lstrip().startswith("{"):
        result = _parse_mct(text, filename, warnings)
    else:
        result = _parse_huggingface(text, filename, warnings)
    _finish(result.fields, warnings)
    result.warnings = list(warnings)
    return result


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _as_text(data: Any, warnings: _Warnings) -> str:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        _check_size(len(raw))
        text = _decode(raw, warnings)
    elif isinstance(data, str):
        # Character count bounds the UTF-8 size from below, so huge input fails before encoding.
        if len(data) > MAX_CARD_BYTES:
            _check_size(len(data))
        _check_size(len(data.encode("utf-8", "surrogatepass")))
        # Lone surrogates (from a lossy decode upstream) cannot be stored; make them visible.
        text = data.encode("utf-8", "replace").decode("utf-8")
    else:
        raise ModelCardError(f"Expected the text of a model card, not {type(data).__name__}.")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ModelCardError("The model card is empty.")
    if _looks_binary(text):
        raise ModelCardError(
            "This file is not a text model card (it contains binary data). "
            "Upload the card's README.md or a Model Card Toolkit JSON file."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_size(size: int) -> None:
    if size > MAX_CARD_BYTES:
        raise ModelCardError(
            f"The model card is {_megabytes(size)} MB; the limit is "
            f"{_megabytes(MAX_CARD_BYTES)} MB."
        )


def _megabytes(size: int) -> str:
    # Round up so that a file just over the limit never reads as being at the limit.
    value = math.ceil(size / (1024 * 1024) * 10) / 10
    return f"{value:g}"


def _decode(raw: bytes, warnings: _Warnings) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ModelCardError("The model card is not readable UTF-16 text.") from exc
    if b"\x00" in raw:
        raise ModelCardError(
            "This file is not a text model card (it contains binary data). "
            "Upload the card's README.md or a Model Card Toolkit JSON file."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ModelCardError(
            "The model card is neither UTF-8 nor Windows-1252 text. Save it as UTF-8 and try again."
        ) from exc
    warnings.add("the file is not UTF-8; it was read as Windows-1252 text")
    return text


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    # A stray control character happens in real cards; binary data has them everywhere.
    bad = len(_CONTROL_CHARS_RE.findall(text))
    return bad > max(8, len(text) // 100)


# --------------------------------------------------------------------------------------------
# Hugging Face Markdown cards
# --------------------------------------------------------------------------------------------


# libyaml's safe loader is about ten times faster than the pure-Python one on a 1 MB card.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Front-matter keys that only dataset cards use.
_DATASET_CARD_KEYS = frozenset(
    ("task_categories", "task_ids", "size_categories", "annotations_creators", "pretty_name")
)


def _parse_huggingface(text: str, filename: str, warnings: _Warnings) -> ModelCardImport:
    front_matter, body = _front_matter(text, warnings)
    # Index by normalised key; the first spelling of a key wins, later ones stay unmapped.
    meta: dict[str, tuple[str, Any]] = {}
    for original, value in front_matter.items():
        meta.setdefault(_meta_key(original), (original, value))
    body = _HTML_COMMENT_RE.sub("", body)
    sections = _split_sections(body)
    if len(sections) > MAX_HEADINGS:
        warnings.add(
            f"the card has {MAX_HEADINGS:,} headings or more; any after the {MAX_HEADINGS:,}th "
            "were read as plain text"
        )
    facts = _bold_facts(body)
    fields = _empty_fields()
    used: set[str] = set()
    if meta.keys() & _DATASET_CARD_KEYS and not meta.keys() & {"model_index", "pipeline_tag"}:
        warnings.add("this looks like a dataset card, not a model card; check every field")

    def take(*names: str) -> Any:
        """Return the first front-matter value among ``names`` and mark its key as mapped."""
        for name in names:
            key = _meta_key(name)
            if key in meta:
                original, value = meta[key]
                used.add(original)
                return value
        return None

    _hf_name_and_provider(fields, take, sections, facts, filename, warnings)

    version = take("version", "model_version")
    fields["version"] = _scalar_text(version) or _fact(facts, "model version", "version")

    _hf_licence(fields, take, facts, warnings)
    _hf_model_type(fields, take("pipeline_tag"), take("tags"), warnings)

    languages = take("language", "languages")
    fields["languages"] = _string_list(languages, "language", warnings, is_language=True)
    if not fields["languages"]:
        fact = _fact(facts, "language s nlp", "languages", "language s", "language")
        fields["languages"] = _unique(re.split(r"\s*(?:,|;|\band\b)\s*", fact)) if fact else []

    datasets = [_hf_id(d) for d in _string_list(take("datasets"), "datasets", warnings)]
    base_models = [_hf_id(b) for b in _string_list(take("base_model"), "base_model", warnings)]
    fields["base_model"] = ", ".join(_unique(base_models)) or _hf_id(
        _fact(facts, "finetuned from model", "fine tuned from model", "base model")
    )

    claims = _claims(sections)
    fields["intended_use"] = _section_text(sections, claims, "intended_use")
    fields["limitations"] = _section_text(sections, claims, "limitations")
    training_text = _section_text(sections, claims, "training_data")
    parts = []
    if datasets:
        parts.append("Datasets: " + ", ".join(_unique(datasets)))
    if training_text:
        parts.append(training_text)
    fields["training_data"] = "\n\n".join(parts)

    fields["evaluations"] = _model_index_evaluations(take("model-index"), warnings)

    compute = take("training_compute_flops", "training_compute")
    fields["training_compute_flops"] = _compute_from_meta(compute, warnings)
    if fields["training_compute_flops"] is None:
        fields["training_compute_flops"] = _compute_from_text(body, warnings)

    general = take("is_general_purpose", "general_purpose")
    if isinstance(general, bool):
        fields["is_general_purpose"] = general
    else:
        fields["is_general_purpose"] = _general_purpose_from_text(body, warnings)

    # Copy what is left so the caller can show or store it; "license_link" is deliberately left
    # here because the register has no column for it.
    unmapped = {key: _json_safe(value) for key, value in front_matter.items() if key not in used}
    return ModelCardImport(fields=fields, unmapped=unmapped, source_format="huggingface")


def _front_matter(text: str, warnings: _Warnings) -> tuple[dict[str, Any], str]:
    """Split off YAML front matter; return it as a dict with string keys, and the body."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].rstrip() != "---":
        warnings.add("no YAML front matter; fields were read from the Markdown sections only")
        return {}, text
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        warnings.add(
            "front matter: the opening '---' has no closing '---'; "
            "the whole file was read as Markdown"
        )
        return {}, text
    yaml_text = "\n".join(lines[start + 1 : end])
    body = "\n".join(lines[end + 1 :])
    fallback = "fields were read from the Markdown sections only"
    try:
        data = yaml.load(yaml_text, Loader=_YAML_LOADER)  # a safe loader: no Python objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f" on line {mark.line + start + 2}" if mark is not None else ""
        warnings.add(f"front matter: the YAML could not be read ({problem}{where}); {fallback}")
        return {}, body
    except RecursionError:
        warnings.add(f"front matter: the YAML is nested too deeply to read; {fallback}")
        return {}, body
    if data is None:
        warnings.add(f"front matter is empty; {fallback}")
        return {}, body
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        warnings.add(
            f"front matter: expected 'key: value' pairs but found {kind}; it was ignored and "
            f"{fallback}"
        )
        return {}, body
    if _node_count_exceeds(data, MAX_YAML_NODES):
        warnings.add(
            f"front matter: the YAML expands to too much data; it was ignored and {fallback}"
        )
        return {}, body
    return {str(key): value for key, value in data.items()}, body


def _meta_key(key: str) -> str:
    # Hub metadata mixes "model-index" and "pipeline_tag"; accept either spelling of each.
    return key.strip().lower().replace("-", "_")


def _node_count_exceeds(data: Any, limit: int) -> bool:
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set):
            stack.extend(node)
    return False


def _hf_name_and_provider(fields, take, sections, facts, filename, warnings) -> None:
    model_index = take("model-index")
    index_name = ""
    if isinstance(model_index, list) and model_index and isinstance(model_index[0], dict):
        index_name = _scalar_text(model_index[0].get("name"))
    heading = next((s.title for s in sections if s.level == 1 and s.title), "")
    heading = _MODEL_CARD_FOR_RE.sub("", heading).strip()
    candidates = (
        _scalar_text(take("model_name")),
        index_name,
        _clean_inline(_TEMPLATE_RE.sub("", heading)),
    )
    name = next((_hf_id(c) for c in candidates if _hf_id(c)), "")
    if not name:
        name = _filename_stem(filename)
        warnings.add(
            f"name: the card does not state a model name; used the file name {_quoted(name)}"
        )

    provider = _scalar_text(take("model_creator", "developers", "developed_by", "provider"))
    if _MODEL_ID_RE.match(name):
        org, name = name.split("/", 1)
        provider = provider or org
    provider = provider or _fact(facts, "developed by", "model developers", "developers")
    fields["name"] = name
    fields["provider"] = provider


def _hf_licence(fields, take, facts, warnings) -> None:
    raw = take("license", "licence")
    licence_name = _scalar_text(take("license_name", "licence_name"))
    values = _string_list(raw, "license", warnings)
    source = "license"
    if values and [v.lower() for v in values] == ["other"] and licence_name:
        # The Hub's convention: "license: other" plus a human name in license_name.
        values, source = [licence_name], "license_name"
    if not values:
        fact = _fact(facts, "license", "licence")
        if fact:
            values, source = [fact], "License"
    if not values:
        warnings.add("license: not stated; the licence was left empty")
        return
    fields["licence"], fields["is_open_source"] = _licence_from_values(values, source, warnings)


def _licence_from_values(
    values: list[str], source: str, warnings: _Warnings
) -> tuple[str, bool | None]:
    """Map licence names to SPDX where possible; return the licence and its openness."""
    mapped: list[str] = []
    openness: list[bool | None] = []
    for value in _unique(values):
        spdx = _spdx(value)
        if spdx is None:
            warnings.add(
                f"{source}: '{_clip(value, 80)}' is not an SPDX identifier; kept as written"
            )
            mapped.append(value)
            openness.append(False if _RESTRICTED_LICENCE.search(value) else None)
        else:
            mapped.append(spdx)
            if spdx in _OSI_APPROVED:
                openness.append(True)
            else:
                openness.append(False if _RESTRICTED_LICENCE.search(spdx) else None)
    licence = " AND ".join(mapped)
    if len(mapped) > 1:
        warnings.add(
            f"{source}: several licences are listed; recorded as {_quoted(licence)}. Check whether "
            "they apply together or are alternatives"
        )
    if False in openness:
        return licence, False
    if openness and all(o is True for o in openness):
        return licence, True
    return licence, None


def _spdx(value: str) -> str | None:
    """Return the SPDX identifier that ``value`` unambiguously names, or None."""
    text = value.strip().strip("\"'")
    if re.match(r"https?://", text, re.I):
        for pattern, build in _LICENCE_URL_PATTERNS:
            match = pattern.search(text.rstrip("/"))
            if match:
                text = build(match)
                break
        else:
            return None
    key = text.lower()
    if key in _SPDX_BY_KEY:
        return _SPDX_BY_KEY[key]
    # Tolerate prose spellings: "Apache License, Version 2.0", "MIT License", "BSD 3-Clause".
    key = re.sub(r"[,()\"']", " ", key)
    key = re.sub(r"\b(?:the|licen[cs]es?|version)\b", " ", key)
    key = re.sub(r"\bv(\d)", r"\1", key)
    key = re.sub(r"[\s_]+", "-", key.strip()).strip("-")
    key = re.sub(r"-+", "-", key)
    return _SPDX_BY_KEY.get(key)


def _hf_model_type(fields, pipeline_tag: Any, tags: Any, warnings: _Warnings) -> None:
    tag_list = [t for t in (tags if isinstance(tags, list) else [tags]) if isinstance(t, str)]
    fields["tags"] = _unique(t.strip() for t in tag_list)
    pipeline = _scalar_text(pipeline_tag).lower()
    if pipeline:
        if pipeline in _PIPELINE_TYPES:
            fields["model_type"] = _PIPELINE_TYPES[pipeline]
        else:
            warnings.add(
                f"pipeline_tag: {_quoted(pipeline)} is not a known task; "
                "the model type was set to 'other'"
            )
        return
    # Older cards name the task only among their tags.
    for tag in fields["tags"]:
        mapped = _PIPELINE_TYPES.get(tag.lower())
        if mapped and mapped != "other":
            fields["model_type"] = mapped
            return
    if any("recommend" in tag.lower() for tag in fields["tags"]):
        fields["model_type"] = "recommendation"
        return
    warnings.add("pipeline_tag: not stated; the model type was set to 'other'")


def _model_index_evaluations(model_index: Any, warnings: _Warnings) -> list[dict[str, Any]]:
    if model_index is None:
        return []
    if not isinstance(model_index, list):
        warnings.add("model-index: expected a list of models; evaluation results were skipped")
        return []
    evaluations: list[dict[str, Any]] = []
    for m, model in enumerate(model_index):
        where = "model-index" if len(model_index) == 1 else f"model-index[{m}]"
        if not isinstance(model, dict):
            warnings.add(f"{where}: entry is not a mapping; skipped")
            continue
        results = model.get("results")
        if not isinstance(results, list):
            warnings.add(f"{where}: has no list of results; skipped")
            continue
        for r, result in enumerate(results):
            if not isinstance(result, dict):
                warnings.add(f"{where}: results[{r}] is not a mapping; skipped")
                continue
            task = _named(result.get("task"))
            dataset = _dataset_label(result.get("dataset"))
            metrics = result.get("metrics")
            if not isinstance(metrics, list) or not metrics:
                warnings.add(f"{where}: results[{r}] has no metrics; skipped")
                continue
            if not task:
                warnings.add(f"{where}: results[{r}] has no task; imported with the task empty")
            if not dataset:
                warnings.add(
                    f"{where}: results[{r}] has no dataset; imported with the dataset empty"
                )
            for k, metric in enumerate(metrics):
                label = f"{where}: results[{r}].metrics[{k}]"
                if not isinstance(metric, dict):
                    warnings.add(f"{label} is not a mapping; skipped")
                    continue
                name = _scalar_text(metric.get("name")) or _scalar_text(metric.get("type"))
                value = _metric_value(metric.get("value"))
                if not name:
                    warnings.add(f"{label} has no type or name; skipped")
                    continue
                if value is None:
                    warnings.add(f"{label} ({_quoted(name)}) has no value; skipped")
                    continue
                evaluations.append(
                    {"task": task, "dataset": dataset, "metric": name, "value": value}
                )
    return _cap_evaluations(evaluations, "model-index", warnings)


def _named(value: Any) -> str:
    """Return a readable label for a model-index ``task`` (its name, else its type)."""
    if isinstance(value, dict):
        return _scalar_text(value.get("name")) or _scalar_text(value.get("type"))
    return _scalar_text(value)


def _dataset_label(value: Any) -> str:
    if not isinstance(value, dict):
        return _scalar_text(value)
    label = _scalar_text(value.get("name")) or _hf_id(_scalar_text(value.get("type")))
    # Config and split tell apart results that share a dataset name.
    details = [_scalar_text(value.get(k)) for k in ("config", "split")]
    details = [d for d in details if d and d.lower() != "default"]
    if label and details:
        label = f"{label} ({', '.join(details)})"
    return label


def _metric_value(value: Any) -> float | str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else str(value)
    text = _scalar_text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text[:100]
    return number if math.isfinite(number) else text


def _cap_evaluations(evaluations: list, source: str, warnings: _Warnings) -> list:
    if len(evaluations) > MAX_EVALUATIONS:
        warnings.add(
            f"{source}: {len(evaluations)} results were found; kept the first {MAX_EVALUATIONS}"
        )
        return evaluations[:MAX_EVALUATIONS]
    return evaluations


# A stated training compute such as "Training compute: 3.8e25 FLOPs" or "2.1 × 10^24 FLOP".
# Prefixed units (GFLOPs, TFLOPS) and rates (FLOP/s) describe speed or inference cost, not
# training compute, so they are left alone on purpose.
_FLOPS_RE = re.compile(
    r"(?<![\w.])(?P<mantissa>\d{1,30}(?:[.,]\d{1,30}){0,12})"
    r"(?:[eE](?P<exp1>[+-]?\d{1,3})"
    r"|[ \t]{0,3}(?:[x×*·]|\\times)[ \t]{0,3}10[ \t]{0,3}(?:\^|\*\*)[ \t]{0,3}"
    r"\{?(?P<exp2>[+-]?\d{1,3})\}?)?"
    r"[ \t]{0,3}FLOPs?\b(?![ \t]{0,3}/[ \t]{0,3}s|[ \t]{1,3}per\b)",
    re.IGNORECASE,
)


def _compute_from_meta(value: Any, warnings: _Warnings) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    text = _scalar_text(value)
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        match = _FLOPS_RE.search(text + " FLOPs") if text else None
        number = _flops_from_match(match) if match else None
    if number is None or not math.isfinite(number) or number <= 0:
        warnings.add(
            f"training_compute_flops: {_quoted(text)} is not a number of FLOPs; left empty"
        )
        return None
    return number


def _compute_from_text(body: str, warnings: _Warnings) -> float | None:
    for line in _prose_lines(body):
        lowered = line.lower()
        if "train" not in lowered or "flop" not in lowered:
            continue
        match = _FLOPS_RE.search(line)
        if not match:
            continue
        number = _flops_from_match(match)
        # Anything below 1e15 is per-token or per-image cost, never the compute of a training run.
        if number is not None and number >= 1e15:
            warnings.add(
                f"training compute: read {number:.3g} FLOPs from the sentence "
                f"'{_clip(line.strip(), 120)}'; check it"
            )
            return number
    return None


def _flops_from_match(match: re.Match) -> float | None:
    mantissa = match.group("mantissa")
    exponent = match.group("exp1") or match.group("exp2")
    if exponent is None:
        mantissa = mantissa.replace(",", "")
    elif mantissa.count(",") == 1 and "." not in mantissa:
        mantissa = mantissa.replace(",", ".")  # decimal comma, e.g. "3,8e25"
    try:
        number = float(mantissa) * (10 ** int(exponent) if exponent else 1)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


_GENERAL_PURPOSE_RE = re.compile(
    r"\b(?:is|as|are)\s+(?:an?\s+)?(?:\w+\s+){0,2}?general[- ]purpose\s+"
    r"(?:ai\s+|artificial intelligence\s+|foundation\s+|language\s+)?(?:model|system)s?\b"
    r"(?!\s+cards?\b)",
    re.IGNORECASE,
)
_NEGATION_RE = re.compile(r"\b(?:not|never|no longer|isn't|aren't|neither)\b|n't\b", re.I)


def _general_purpose_from_text(text: str, warnings: _Warnings) -> bool | None:
    """Return True/False only when a sentence plainly says whether the model is general-purpose."""
    for sentence in _sentences(text):
        match = _GENERAL_PURPOSE_RE.search(sentence)
        if not match:
            continue
        negated = bool(_NEGATION_RE.search(sentence[: match.end()]))
        warnings.add(
            f"is_general_purpose: set to {not negated} from the sentence "
            f"'{_clip(sentence.strip(), 160)}'; check it"
        )
        return not negated
    return None


# --------------------------------------------------------------------------------------------
# Markdown helpers
# --------------------------------------------------------------------------------------------


def _split_sections(body: str) -> list[_Section]:
    """Split Markdown into heading sections, ignoring '#' lines inside fenced code."""
    sections = [_Section(level=0, title="", key="", lines=[])]
    fence: str | None = None
    headings = 0
    for line in body.split("\n"):
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            sections[-1].lines.append(line)
            continue
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            sections[-1].lines.append(line)
            continue
        # Past the cap, headings are read as text: real cards have a few dozen, and the cap bounds
        # the work a hostile card can cause.
        atx = _ATX_RE.match(line) if headings < MAX_HEADINGS else None
        if atx:
            headings += 1
            sections.append(_new_section(len(atx.group(1)), _atx_title(line[atx.end() :])))
            continue
        current = sections[-1]
        setext = _SETEXT_RE.match(line)
        if setext and headings < MAX_HEADINGS and _can_be_setext_title(current.lines):
            headings += 1
            title = current.lines.pop()
            sections.append(_new_section(1 if setext.group(1)[0] == "=" else 2, title))
            continue
        current.lines.append(line)
    # Link each section to its enclosing (lower-level) section.
    stack: list[int] = []
    for index, section in enumerate(sections):
        while stack and sections[stack[-1]].level >= section.level:
            stack.pop()
        section.parent = stack[-1] if stack else None
        stack.append(index)
    return sections


def _atx_title(rest: str) -> str:
    """Return an ATX heading's text without an optional closing run of '#'."""
    title = rest.strip()
    without_hashes = title.rstrip("#")
    if without_hashes != title and (not without_hashes or without_hashes[-1] in " \t"):
        title = without_hashes.rstrip()
    return title


def _can_be_setext_title(lines: list[str]) -> bool:
    if not lines or not lines[-1].strip():
        return False
    previous = lines[-1].lstrip()
    if previous.startswith(("-", "*", "+", "|", ">", "#", "<")) or re.match(r"\d+[.)]", previous):
        return False
    return len(lines) == 1 or not lines[-2].strip()


def _new_section(level: int, raw_title: str) -> _Section:
    # No real heading is this long; clipping first keeps cleaning cheap on hostile input.
    title = _clean_inline(raw_title[:300])
    title = _OPTIONAL_RE.sub("", title)
    title = title.strip().rstrip(":：").strip()
    return _Section(level=level, title=title, key=_normalise_words(title), lines=[])


def _normalise_words(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    return " ".join(_WORD_RE.findall(text))


def _claims(sections: list[_Section]) -> list[set[str]]:
    """Return, for each section, the register fields its heading is about."""
    return [
        {name for name, pattern in _SECTION_RES.items() if pattern.search(s.key)}
        if s.level
        else set()
        for s in sections
    ]


def _section_text(sections: list[_Section], claims: list[set[str]], field_name: str) -> str:
    """Gather the text of every section about ``field_name``, with its unclaimed subsections."""
    parts: list[tuple[str, str]] = []
    for index in range(len(sections)):
        if field_name not in claims[index] or _ancestor_claims(sections, claims, index, field_name):
            continue
        parts.extend(_subtree(sections, claims, index, field_name))
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][1]
    return "\n\n".join(f"{title}\n{text}" for title, text in parts)


def _ancestor_claims(sections, claims, index: int, field_name: str) -> bool:
    parent = sections[index].parent
    while parent is not None:
        if field_name in claims[parent]:
            return True
        parent = sections[parent].parent
    return False


def _subtree(sections, claims, root: int, field_name: str) -> Iterator[tuple[str, str]]:
    """Yield (title, text) for ``root`` and its subsections, skipping ones about other fields."""
    root_level = sections[root].level
    skip_below: int | None = None
    for index in range(root, len(sections)):
        section = sections[index]
        if index > root and section.level <= root_level:
            break
        if skip_below is not None:
            if section.level > skip_below:
                continue
            skip_below = None
        if index > root and claims[index] and field_name not in claims[index]:
            skip_below = section.level
            continue
        text = section.text
        if text:
            yield section.title, text


def _clean_text(text: str) -> str:
    """Remove comments, template placeholders and empty template bullets; tidy blank lines."""
    text = _HTML_COMMENT_RE.sub("", text)
    text = _TEMPLATE_RE.sub("", text)
    text = _PLACEHOLDER_RE.sub("", text)
    text = _BOILERPLATE_LINE_RE.sub("", text)
    text = _EMPTY_BULLET_RE.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _clean_inline(text: str) -> str:
    """Reduce one line of Markdown to plain text."""
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _HTML_TAG_RE.sub("", text)
    text = _EMPHASIS_RE.sub("", text)
    return " ".join(text.split())


def _bold_facts(body: str) -> dict[str, str]:
    """Read '- **Developed by:** value' lines into {normalised label: value}."""
    facts: dict[str, str] = {}
    for line in _prose_lines(body):
        match = _BOLD_FACT_RE.match(line)
        if not match:
            continue
        label = _normalise_words(_PLACEHOLDER_RE.sub("", match.group("label")))
        value = match.group("value")[:1000]
        value = _clean_inline(_TEMPLATE_RE.sub("", _PLACEHOLDER_RE.sub("", value)))
        if label and value and label not in facts:
            facts[label] = value
    return facts


def _fact(facts: dict[str, str], *labels: str) -> str:
    for label in labels:
        if facts.get(label):
            return facts[label]
    return ""


def _prose_lines(body: str) -> Iterator[str]:
    """Yield lines outside fenced code blocks."""
    fence: str | None = None
    for line in body.split("\n"):
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            continue
        match = _FENCE_RE.match(line)
        if match:
            fence = match.group(1)
            continue
        yield line


def _closes_fence(line: str, fence: str) -> bool:
    """Tell whether ``line`` closes a code block opened with ``fence`` (CommonMark rules)."""
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and len(stripped) >= len(fence)
        and stripped == fence[0] * len(stripped)
    )


def _sentences(text: str) -> Iterator[str]:
    for line in _prose_lines(text):
        yield from re.split(r"(?<=[.!?])\s+", line)


# --------------------------------------------------------------------------------------------
# Model Card Toolkit JSON
# --------------------------------------------------------------------------------------------

_MCT_SECTIONS = ("model_details", "model_parameters", "quantitative_analysis", "considerations")
_MCT_CONSIDERATIONS = ("users", "use_cases", "limitations", "tradeoffs", "ethical_considerations")


def _parse_mct(text: str, filename: str, warnings: _Warnings) -> ModelCardImport:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelCardError(
            f"The file looks like JSON but could not be read: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})."
        ) from exc
    except RecursionError as exc:
        raise ModelCardError("The JSON is nested too deeply to read.") from exc
    if not isinstance(data, dict) or not any(key in data for key in _MCT_SECTIONS):
        raise ModelCardError(
            "This JSON file is not a Model Card Toolkit model card: it has no "
            "'model_details' section."
        )
    version = data.get("schema_version")
    if version is not None and str(version) not in ("0.0.1", "0.0.2"):
        warnings.add(
            f"schema_version: {_quoted(version)} is not a known Model Card Toolkit schema; "
            "read as v0.0.2"
        )

    details = _as_dict(data.get("model_details"), "model_details", warnings)
    params = _as_dict(data.get("model_parameters"), "model_parameters", warnings)
    analysis = _as_dict(data.get("quantitative_analysis"), "quantitative_analysis", warnings)
    considerations = _as_dict(data.get("considerations"), "considerations", warnings)

    fields = _empty_fields()
    unmapped: dict[str, Any] = {}

    name = _scalar_text(details.get("name"))
    if not name:
        name = _filename_stem(filename)
        warnings.add(f"model_details.name: missing; used the file name {_quoted(name)}")
    if _MODEL_ID_RE.match(name):
        org, name = name.split("/", 1)
        fields["provider"] = org
    fields["name"] = name

    version_info = details.get("version")
    if isinstance(version_info, dict):
        fields["version"] = _scalar_text(version_info.get("name"))
        for extra in ("date", "diff"):
            if version_info.get(extra):
                unmapped[f"model_details.version.{extra}"] = _json_safe(version_info[extra])
    else:
        fields["version"] = _scalar_text(version_info)

    owners = [
        _scalar_text(owner.get("name")) if isinstance(owner, dict) else _scalar_text(owner)
        for owner in _as_list(details.get("owners"), "model_details.owners", warnings)
    ]
    fields["provider"] = ", ".join(o for o in _unique(owners) if o) or fields["provider"]

    _mct_licence(fields, details, warnings)
    warnings.add(
        "model_details: the Model Card Toolkit format does not state a task; "
        "the model type was set to 'other'"
    )

    fields["intended_use"] = _join_blocks(
        [
            ("Use cases", _descriptions(considerations, "use_cases", warnings)),
            ("Intended users", _descriptions(considerations, "users", warnings)),
        ]
    )
    risks = []
    for i, risk in enumerate(
        _as_list(
            considerations.get("ethical_considerations"),
            "considerations.ethical_considerations",
            warnings,
        )
    ):
        if not isinstance(risk, dict):
            warnings.add(f"considerations.ethical_considerations[{i}]: not an object; skipped")
            continue
        text = _scalar_text(risk.get("name"))
        mitigation = _scalar_text(risk.get("mitigation_strategy"))
        if mitigation:
            text = f"{text} Mitigation: {mitigation}" if text else f"Mitigation: {mitigation}"
        if text:
            risks.append(text)
    fields["limitations"] = _join_blocks(
        [
            ("Limitations", _descriptions(considerations, "limitations", warnings)),
            ("Tradeoffs", _descriptions(considerations, "tradeoffs", warnings)),
            ("Ethical considerations", _bullets(risks)),
        ]
    )
    fields["training_data"] = _mct_datasets(params, warnings)
    fields["evaluations"] = _mct_evaluations(analysis, warnings)
    overview = " ".join(
        _scalar_text(details.get(key)) for key in ("overview", "documentation")
    ).strip()
    fields["is_general_purpose"] = _general_purpose_from_text(overview, warnings)

    mapped_detail_keys = {"name", "version", "owners", "licenses"}
    for key, value in details.items():
        if key not in mapped_detail_keys:
            unmapped[f"model_details.{key}"] = _json_safe(value)
    for key, value in params.items():
        if key != "data":
            unmapped[f"model_parameters.{key}"] = _json_safe(value)
    for key, value in analysis.items():
        if key != "performance_metrics":
            unmapped[f"quantitative_analysis.{key}"] = _json_safe(value)
    for key, value in considerations.items():
        if key not in _MCT_CONSIDERATIONS:
            unmapped[f"considerations.{key}"] = _json_safe(value)
    for key in data:
        if key not in _MCT_SECTIONS and key != "schema_version":
            unmapped[str(key)] = _json_safe(data[key])
    return ModelCardImport(fields=fields, unmapped=unmapped, source_format="model-card-toolkit")


def _mct_licence(fields, details: dict, warnings: _Warnings) -> None:
    values: list[str] = []
    for i, licence in enumerate(
        _as_list(details.get("licenses"), "model_details.licenses", warnings)
    ):
        where = f"model_details.licenses[{i}]"
        if not isinstance(licence, dict):
            value = _scalar_text(licence)
        elif licence.get("identifier"):
            value = _scalar_text(licence.get("identifier"))
        else:
            custom = _scalar_text(licence.get("custom_text"))
            first_line = custom.split("\n", 1)[0].strip()
            value = first_line
            if custom and _spdx(first_line) is None:
                # Custom licence text has no name; keep its first line so a reviewer can find it.
                warnings.add(f"{where}: custom licence text; kept its first line as the licence")
        if value:
            values.append(value)
    if not values:
        warnings.add("model_details.licenses: not stated; the licence was left empty")
        return
    fields["licence"], fields["is_open_source"] = _licence_from_values(
        values, "model_details.licenses", warnings
    )


def _mct_datasets(params: dict, warnings: _Warnings) -> str:
    lines = []
    for i, dataset in enumerate(_as_list(params.get("data"), "model_parameters.data", warnings)):
        if not isinstance(dataset, dict):
            warnings.add(f"model_parameters.data[{i}]: not an object; skipped")
            continue
        name = _scalar_text(dataset.get("name")) or f"Dataset {i + 1}"
        description = _scalar_text(dataset.get("description"))
        link = _scalar_text(dataset.get("link"))
        line = f"- {name}"
        if description:
            line += f": {description}"
        if link:
            line += f" ({link})"
        sensitive = dataset.get("sensitive")
        if isinstance(sensitive, dict):
            items = [_scalar_text(s) for s in _as_list(sensitive.get("sensitive_data"), "", None)]
            if any(items):
                line += f"\n  Sensitive data: {', '.join(s for s in items if s)}"
        lines.append(line)
    return "\n".join(lines)


def _mct_evaluations(analysis: dict, warnings: _Warnings) -> list[dict[str, Any]]:
    evaluations = []
    metrics = _as_list(
        analysis.get("performance_metrics"), "quantitative_analysis.performance_metrics", warnings
    )
    for i, metric in enumerate(metrics):
        where = f"quantitative_analysis.performance_metrics[{i}]"
        if not isinstance(metric, dict):
            warnings.add(f"{where}: not an object; skipped")
            continue
        name = _scalar_text(metric.get("type"))
        value = _metric_value(metric.get("value"))
        if not name:
            warnings.add(f"{where}: has no type; skipped")
            continue
        if value is None:
            warnings.add(f"{where} ({_quoted(name)}): has no value; skipped")
            continue
        slice_name = _scalar_text(metric.get("slice"))
        evaluations.append(
            {
                "task": "",
                "dataset": f"slice: {slice_name}" if slice_name else "",
                "metric": name,
                "value": value,
            }
        )
    return _cap_evaluations(evaluations, "quantitative_analysis.performance_metrics", warnings)


def _descriptions(section: dict, key: str, warnings: _Warnings) -> str:
    items = []
    for i, item in enumerate(_as_list(section.get(key), f"considerations.{key}", warnings)):
        text = _scalar_text(item.get("description")) if isinstance(item, dict) else ""
        text = text or (_scalar_text(item) if not isinstance(item, dict | list) else "")
        if text:
            items.append(text)
        else:
            warnings.add(f"considerations.{key}[{i}]: has no description; skipped")
    return _bullets(items)


def _bullets(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return "\n".join(f"- {item}" for item in items)


def _join_blocks(blocks: list[tuple[str, str]]) -> str:
    present = [(title, text) for title, text in blocks if text]
    if len(present) == 1:
        return present[0][1]
    return "\n\n".join(f"{title}:\n{text}" for title, text in present)


def _as_dict(value: Any, where: str, warnings: _Warnings) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    warnings.add(f"{where}: expected an object; ignored")
    return {}


def _as_list(value: Any, where: str, warnings: _Warnings | None) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if warnings is not None:
        warnings.add(f"{where}: expected a list; ignored")
    return []


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _empty_fields() -> dict[str, Any]:
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


def _finish(fields: dict[str, Any], warnings: _Warnings) -> None:
    """Enforce column lengths and the long-text limit, warning about anything clipped."""
    for name, limit in _SHORT_LIMITS.items():
        value = " ".join(str(fields[name]).split())
        if len(value) > limit:
            warnings.add(f"{name}: longer than {limit} characters; it was shortened")
            value = _clip(value, limit)
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
            evaluation[key] = _clip(evaluation[key], 200)


def _truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a paragraph, line or word boundary."""
    cut = text[: limit - 1]
    for separator in ("\n\n", "\n", ". ", " "):
        position = cut.rfind(separator)
        if position >= limit * 0.8:
            cut = cut[: position + (1 if separator == ". " else 0)]
            break
    return cut.rstrip() + "…"


def _quoted(value: Any) -> str:
    """Quote a value from the card for a warning, keeping the warning readable."""
    return f"'{_clip(str(value), 80)}'"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _scalar_text(value: Any) -> str:
    """Return a scalar YAML/JSON value as stripped text; lists and mappings give ''."""
    if value is None or isinstance(value, dict | list | tuple | set):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = _TEMPLATE_RE.sub("", str(value))
    return _PLACEHOLDER_RE.sub("", text).strip()


def _string_list(
    value: Any, key: str, warnings: _Warnings, *, is_language: bool = False
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
        text = _scalar_text(item)
        if text:
            result.append(text)
    return _unique(result)


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for item in items:
        item = item.strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            result.append(item)
    return result


def _hf_id(value: str) -> str:
    """Turn a Hub URL into its repository id; leave anything else as it is."""
    value = value.strip()
    match = _HF_URL_RE.match(value)
    return match.group(2) if match else value


def _filename_stem(filename: str) -> str:
    base = re.split(r"[\\/]", filename.strip())[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return stem.strip() or "model"


def _json_safe(value: Any, depth: int = 0) -> Any:
    """Return ``value`` with only JSON types, so the caller can store it in a JSONField."""
    if depth > 50:
        return "…"
    if isinstance(value, dict):
        return {
            str(k): (
                "<base64 image omitted>"
                if k == "image" and isinstance(v, str) and len(v) > 200
                else _json_safe(v, depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [_json_safe(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)
