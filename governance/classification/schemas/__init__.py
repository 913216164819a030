"""The published JSON Schemas of the screening contract, and their OpenAPI 3.0 form.

`eu-ai-act-screening-1.json` and `eu-ai-act-classification-1.json` (draft 2020-12) sit next
to this module; `build.py` writes them from the code tables and README.md documents the format.
The API serves them as they are, and `openapi()` turns one into an OpenAPI 3.0 schema object
for drf-spectacular (which speaks OpenAPI 3.0: no `const`, no type lists, no `if`/`then`).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent

# File name (without .json) -> the contract name it describes.
NAMES = {
    "eu-ai-act-screening-1": "eu-ai-act-screening/1",
    "eu-ai-act-classification-1": "eu-ai-act-classification/1",
}
MEDIA_TYPE = "application/schema+json"


def path(name: str) -> Path:
    """Return the file of a schema; raise KeyError for an unknown name."""
    if name not in NAMES:
        raise KeyError(name)
    return HERE / f"{name}.json"


@lru_cache(maxsize=len(NAMES))
def raw(name: str) -> bytes:
    """Return a schema file's bytes, as committed (read once)."""
    return path(name).read_bytes()


def load(name: str) -> dict:
    """Return a schema as a new dict (callers may change it)."""
    return json.loads(raw(name))


# Keywords of JSON Schema 2020-12 that OpenAPI 3.0 does not have; the engine enforces them.
_DROPPED = ("$schema", "$id", "$comment", "allOf", "propertyNames", "if", "then", "contains")


def _to_openapi(node):
    if isinstance(node, list):
        return [_to_openapi(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_openapi(v) for k, v in node.items() if k not in _DROPPED}
    if "const" in out:
        out["enum"] = [out.pop("const")]
    types = out.get("type")
    if isinstance(types, list):
        kinds = [t for t in types if t != "null"]
        out["type"] = kinds[0]
        if len(kinds) != len(types):
            out["nullable"] = True
    if "enum" in out:
        values = out["enum"]
        if "type" not in out:
            kinds = {type(v).__name__ for v in values if v is not None}
            out["type"] = {"bool": "boolean", "str": "string"}.get(kinds.pop(), "string")
        if None in values:
            out["nullable"] = True
            out["enum"] = [v for v in values if v is not None] + [None]
    if "examples" in out:
        out["example"] = out.pop("examples")[0]
    return out


def openapi(name: str) -> dict:
    """Return a schema as an OpenAPI 3.0 schema object (contradiction rules only described)."""
    schema = _to_openapi(load(name))
    schema["description"] = (
        schema.get("description", "")
        + f" Published as JSON Schema (draft 2020-12) at /api/v1/schemas/{name}.json."
    ).strip()
    return copy.deepcopy(schema)
