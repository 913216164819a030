"""Match a spreadsheet's column headings to register fields by their words."""

from __future__ import annotations

import re
import unicodedata

# fmt: off
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "for", "to", "in", "on", "by", "and", "or", "is", "are", "with",
    "from", "at", "its", "this", "that", "de", "la", "le", "du", "des",
))
# fmt: on
_MATCH_THRESHOLD = 0.5
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN_RE = re.compile(r"[^\W_]+")


def suggest_mapping(headers: list[str], fields: dict[str, list[str]]) -> dict[str, str | None]:
    """Suggest a register field for each spreadsheet header, or None when nothing fits.

    ``fields`` maps each field name to its synonyms. Exact matches on the normalised field name
    or a synonym win; otherwise the best word overlap above a threshold is taken. A field is
    given to at most one header (the best-scoring one). Repeated headers get None after the first.
    """
    targets = {
        name: (_normalise(name), [n for n in map(_normalise, synonyms) if n])
        for name, synonyms in fields.items()
    }
    scored: list[tuple[float, int, int, str]] = []
    field_order = {name: i for i, name in enumerate(fields)}
    seen_headers: set[str] = set()
    for h_index, header in enumerate(headers):
        if header in seen_headers:
            continue
        seen_headers.add(header)
        normal = _normalise(header)
        if not normal:
            continue
        for name, (own_name, synonyms) in targets.items():
            # Synonyms score a shade below the field's own name, so "Name" beats "Title" for
            # the field "name" when a sheet has both.
            score = max(
                [_similarity(normal, own_name), *(0.99 * _similarity(normal, s) for s in synonyms)]
            )
            if score >= _MATCH_THRESHOLD:
                scored.append((score, h_index, field_order[name], name))
    # Highest score first; ties go to the earlier header, then the earlier field.
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    mapping: dict[str, str | None] = {header: None for header in headers}
    taken_fields: set[str] = set()
    taken_headers: set[int] = set()
    for _score, h_index, _f, name in scored:
        if h_index in taken_headers or name in taken_fields:
            continue
        mapping[headers[h_index]] = name
        taken_headers.add(h_index)
        taken_fields.add(name)
    return mapping


def _normalise(text: str) -> str:
    """Lower-case, strip accents, split camelCase and snake_case, drop punctuation."""
    text = _CAMEL_RE.sub(" ", str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    return " ".join(_TOKEN_RE.findall(text))


def _tokens(normal: str) -> set[str]:
    words = [w for w in normal.split() if w not in _STOPWORDS] or normal.split()
    # Crude plural folding is enough for column headings ("owners" ~ "owner").
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def _similarity(header: str, candidate: str) -> float:
    if not candidate:
        return 0.0
    if header == candidate:
        return 1.0
    if header.replace(" ", "") == candidate.replace(" ", ""):
        return 0.98  # "e-mail" vs "email", "riskLevel" vs "risk level"
    a, b = _tokens(header), _tokens(candidate)
    if not a or not b:
        return 0.0
    if a == b:
        return 0.95
    # Dice coefficient: "Business owner (e-mail)" still scores well against "business owner".
    return 0.9 * 2 * len(a & b) / (len(a) + len(b))
