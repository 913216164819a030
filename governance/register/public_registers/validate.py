"""Check a record against the Dutch publication standard v1.0, field by field.

The standard's file says per property: its type (string, enum, array), whether it is required,
its permitted values, its maximum length and the HTML tags a text may hold; its instructions add
the formats this module checks too: months as YYYY-MM, links that begin with https://, a contact
that is an email address or a https:// website. Each problem names the property (and the item of
a list), so a page or an API client can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from governance.register.public_registers.nl_v1 import standard

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}")
# A tag's name only: "<", an optional "/", letters and digits. No nesting, no backtracking.
TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
MONTH_FIELDS = ("begin_date", "end_date")
LINK_FIELDS = ("website", "url", "publiccode", "process_index_url")
GROUP_LINKS = ("lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping")
MAX_TEXT = 100_000  # a bound on any text looked at, far above every limit of the standard


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


def validate_record(record: dict) -> list[FieldError]:
    """Return the record's problems against the standard; an empty list means valid."""
    if not isinstance(record, dict):
        return [FieldError("", "A record is a JSON object.")]
    props = standard()
    errors = [
        FieldError(key, f"'{key}' is not a property of the publication standard v1.0.")
        for key in record
        if key not in props
    ]
    for key, spec in props.items():
        value = record.get(key)
        if _empty(value):
            if _required(spec):
                errors.append(FieldError(key, f"{spec['title']} ({key}) is required."))
            continue
        errors.extend(_check(key, spec, value))
    return errors


def _required(spec: dict) -> bool:
    # One property says "false" as a string; only a real true counts.
    return spec.get("required") is True


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _check(key: str, spec: dict, value) -> list[FieldError]:
    kind = spec.get("type")
    if kind == "array":
        return _check_array(key, spec, value)
    if not isinstance(value, str):
        return [FieldError(key, f"{spec['title']} ({key}) must be text.")]
    if kind == "enum" and value not in spec.get("permitted_values", []):
        allowed = ", ".join(f"'{v}'" for v in spec["permitted_values"])
        return [FieldError(key, f"'{_short(value)}' is not one of {allowed}.")]
    return _check_text(key, spec, value)


def _check_text(key: str, spec: dict, value: str) -> list[FieldError]:
    errors = []
    limit = spec.get("max_length")
    if limit is not None and len(value) > limit:
        errors.append(
            FieldError(key, f"The text is {len(value):,} characters long; the limit is {limit}.")
        )
    if len(value) > MAX_TEXT:
        return errors
    allowed_tags = spec.get("allowed_html_tags")
    if allowed_tags is not None:
        bad = sorted({t.lower() for t in TAG.findall(value)} - set(allowed_tags))
        if bad:
            errors.append(FieldError(key, f"HTML tags not allowed here: {', '.join(bad)}."))
    errors.extend(_check_format(key, value))
    return errors


def _check_format(key: str, value: str) -> list[FieldError]:
    if key in MONTH_FIELDS and not MONTH.fullmatch(value):
        return [FieldError(key, f"'{_short(value)}' is not a month written as YYYY-MM.")]
    if key in LINK_FIELDS and not _is_link(value):
        return [FieldError(key, "A link begins with https://.")]
    if key == "contact_email" and not (EMAIL.fullmatch(value) or _is_link(value)):
        return [FieldError(key, "Give an email address or a website that begins with https://.")]
    if key == "publication_dt" and not _is_date(value):
        return [FieldError(key, f"'{_short(value)}' is not a date (YYYY-MM-DD).")]
    return []


def _check_array(key: str, spec: dict, value) -> list[FieldError]:
    if not isinstance(value, list):
        return [FieldError(key, f"{spec['title']} ({key}) must be a list.")]
    if "permitted_values" in spec:
        permitted = spec["permitted_values"]
        return [
            FieldError(f"{key}[{i}]", f"'{_short(str(v))}' is not one of the standard's values.")
            for i, v in enumerate(value)
            if v not in permitted
        ]
    errors = []
    for i, item in enumerate(value):
        errors.extend(_check_item(f"{key}[{i}]", key, spec.get("items", {}), item))
    return errors


def _check_item(where: str, key: str, items: dict, item) -> list[FieldError]:
    if not isinstance(item, dict):
        return [FieldError(where, "Each entry is an object with a title and a link.")]
    errors = [
        FieldError(f"{where}.{k}", f"'{k}' is not part of an entry here.")
        for k in item
        if k not in items
    ]
    for name, spec in items.items():
        value = item.get(name)
        if _empty(value):
            if _required(spec):
                errors.append(FieldError(f"{where}.{name}", f"{spec['title']} is required."))
        elif not isinstance(value, str):
            errors.append(FieldError(f"{where}.{name}", f"{spec['title']} must be text."))
        else:
            errors.extend(_check_text(f"{where}.{name}", spec, value))
            if name == "link" and key in GROUP_LINKS and not _is_link(value):
                errors.append(FieldError(f"{where}.{name}", "A link begins with https://."))
    return errors


def _is_link(value: str) -> bool:
    return value.startswith("https://") and len(value) > len("https://") and " " not in value


def _is_date(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            continue
    return False


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"
