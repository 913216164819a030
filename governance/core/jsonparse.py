"""Read JSON from users with bounds: size, nesting depth, no duplicate keys, no NaN/Infinity.

Python's parser recurses once per level of nesting, so a body of 100,000 '[' raises
RecursionError (a 500) and moderately deep data later breaks code that walks it. Every JSON
that comes from a user (API bodies, form fields, the ``classify`` command) goes through
``parse_json``; the API uses it through ``BoundedJSONParser``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Real documents here (screenings, mappings, model cards) nest fewer than ten levels.
MAX_DEPTH = 32
MAX_INT_DIGITS = 20


class JSONInputError(ValueError):
    """Signal JSON that cannot be accepted; the message says why, for the user."""


def _reject_constant(name: str):
    raise JSONInputError(f"invalid JSON: {name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 overflows to infinity, which JSON cannot carry back
        raise JSONInputError(f"invalid JSON: the number {text[:40]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    # No field takes an integer beyond 64 bits; Python would spend quadratic time on huge ones.
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONInputError(f"invalid JSON: the number {text[:40]}… is out of range")
    return int(text)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JSONInputError(f"invalid JSON: the key '{key[:80]}' appears twice in one object")
        result[key] = value
    return result


def parse_json(text: str | bytes, *, max_depth: int = MAX_DEPTH, max_bytes: int | None = None):
    """Return the data of the JSON ``text`` or raise ``JSONInputError`` saying what is wrong."""
    if max_bytes is not None and len(text) > max_bytes:
        raise JSONInputError(f"invalid JSON: larger than {max_bytes:,} bytes")
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONInputError(f"invalid JSON: not UTF-8 text ({exc.reason})") from exc
    try:
        data = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise JSONInputError(message) from exc
    except RecursionError as exc:
        raise JSONInputError(f"invalid JSON: nested deeper than {max_depth} levels") from exc
    if _depth_exceeds(data, max_depth):
        raise JSONInputError(f"invalid JSON: nested deeper than {max_depth} levels")
    if _has_nul(data):
        # PostgreSQL stores no NUL character in text or jsonb; no Annex field needs one.
        raise JSONInputError("invalid JSON: a text contains a NUL character (\\u0000)")
    return data


def _has_nul(data) -> bool:
    """Return whether any string (key or value) in already depth-checked data holds a NUL."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        elif not isinstance(node, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with ``parse_json``'s bounds; any violation is a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1 if limit else -1)
        try:
            return parse_json(raw, max_bytes=limit)
        except JSONInputError as exc:
            raise ParseError(f"The request body is {exc}.") from exc
