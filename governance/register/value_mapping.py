"""Map a spreadsheet's cell values to ours, and the defaults a user chose for unstated facts.

A file says "In gebruik" where the register says "In production", "Nee" where it says no. For
every mapped column whose field takes fixed values (``import_cells.VALUE_FIELDS``) the value
step lists the distinct values found with their row counts and a suggestion; the user maps each
to one of ours or to "not stated" (``UNKNOWN``). A value map is
``{field: {file value: our value | UNKNOWN}}``; defaults are ``{field: our value}``, applied to
new systems whose row states nothing for the field. Plain data in and out: no database.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from governance.register.import_cells import (
    BOOLEAN_FIELDS,
    LIST_FIELDS,
    REQUIRED_CHOICES,
    UNKNOWN,
    VALUE_FIELDS,
    _key,
    options_of,
    split_items,
    suggest_boolean,
    suggest_choice,
)
from governance.register.spreadsheets import Table

__all__ = [
    "MAX_DISTINCT",
    "UNKNOWN",
    "ValueMapError",
    "clean_defaults",
    "clean_values",
    "coerce",
    "distinct_values",
    "normalised",
    "suggest",
]

# A column with more distinct values than this is not a set of choices: only the most frequent
# are listed (the rest still parse, or error, row by row).
MAX_DISTINCT = 100
MAX_VALUE_LENGTH = 200
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n"}


class ValueMapError(ValueError):
    """An unusable value map or default; ``errors`` maps a field key to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def coerce(field: str, value: Any) -> Any:
    """Return our value for what a user (or a saved mapping) chose, or raise ValueError.

    Booleans take true/false or yes/no; choices their value or label, in any case; UNKNOWN
    (or "unknown") is "not stated".
    """
    if isinstance(value, str) and value.strip().casefold() in (UNKNOWN, "unknown", "not stated"):
        return UNKNOWN
    if field in BOOLEAN_FIELDS:
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in _YES or text in _NO:
            return text in _YES
        raise ValueError(f"'{value}' is not yes, no or unknown")
    if isinstance(value, str):
        wanted = _key(value)
        for code, label in options_of(field):
            if wanted in (_key(str(code)), _key(str(label))):
                return code
    allowed = ", ".join(str(code) for code, _label in options_of(field))
    raise ValueError(f"'{value}' is not one of {allowed} or unknown")


def clean_values(values: Any) -> dict[str, dict[str, Any]]:
    """Check a value map and return it as {field: {normalised file value: our value}}."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        raise ValueMapError({"": ["The value map must be an object of field → {value: ours}."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, dict[str, Any]] = {}
    for field, pairs in values.items():
        if field not in VALUE_FIELDS:
            errors.setdefault(str(field), []).append(
                f"'{field}' is not a field whose values can be mapped (they are: "
                f"{', '.join(VALUE_FIELDS)})."
            )
            continue
        if not isinstance(pairs, dict):
            errors.setdefault(field, []).append("Give an object of file value → our value.")
            continue
        for raw, ours in list(pairs.items())[:1000]:
            if ours in (None, ""):
                continue
            try:
                clean.setdefault(field, {})[_key(str(raw)[:MAX_VALUE_LENGTH])] = coerce(field, ours)
            except ValueError as exc:
                errors.setdefault(field, []).append(f"'{raw}' → {exc}.")
    if errors:
        raise ValueMapError(errors)
    return clean


def clean_defaults(defaults: Any) -> dict[str, Any]:
    """Check the defaults and return them as {field: our value} (lists for list fields)."""
    if defaults in (None, ""):
        return {}
    if not isinstance(defaults, dict):
        raise ValueMapError({"": ["The defaults must be an object of field → value."]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for field, value in defaults.items():
        if field not in VALUE_FIELDS:
            errors.setdefault(str(field), []).append(
                f"'{field}' cannot have a default; fields that can: {', '.join(VALUE_FIELDS)}."
            )
            continue
        if value in (None, "", []):
            continue
        items = value if isinstance(value, list) and field in LIST_FIELDS else [value]
        try:
            ours = [coerce(field, item) for item in items[:20]]
        except ValueError as exc:
            errors.setdefault(field, []).append(f"The default {exc}.")
            continue
        if UNKNOWN in ours:
            if field in REQUIRED_CHOICES:
                errors.setdefault(field, []).append("A required field's default must be a value.")
            continue  # "not stated" is what no default means
        clean[field] = ours if field in LIST_FIELDS else ours[0]
    if errors:
        raise ValueMapError(errors)
    return clean


def normalised(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The clean value map as JSON can keep it (booleans and UNKNOWN stay as they are)."""
    return {field: dict(pairs) for field, pairs in values.items()}


def suggest(field: str, value: str) -> Any:
    """Our value (or UNKNOWN) for a file's value when it is obvious, else None."""
    if field in BOOLEAN_FIELDS:
        return suggest_boolean(value)
    return suggest_choice(field, value)


def distinct_values(table: Table, mapping: dict[str, str]) -> dict[str, list[dict]]:
    """List each mapped value field's distinct cell values: {field: [{value, count, suggestion}]}.

    Most frequent first, at most ``MAX_DISTINCT`` per field. A list field (affected persons)
    counts its items. Empty cells are not listed: they are "not stated", or take a default.
    """
    found: dict[str, list[dict]] = {}
    for header, field in mapping.items():
        if field not in VALUE_FIELDS or header not in table.headers:
            continue
        index = table.headers.index(header)
        counts: Counter[str] = Counter()
        spelling: dict[str, str] = {}
        for row in table.rows:
            cell = (row[index] if index < len(row) else "").strip()
            if not cell:
                continue
            items = split_items(cell) if field in LIST_FIELDS else [cell[:MAX_VALUE_LENGTH]]
            for item in items:
                key = _key(item)
                spelling.setdefault(key, item)
                counts[key] += 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], spelling[kv[0]].casefold()))
        found[field] = [
            {"value": spelling[key], "key": key, "count": count,
             "suggestion": suggest(field, spelling[key])}
            for key, count in ranked[:MAX_DISTINCT]
        ]  # fmt: skip
    return found
