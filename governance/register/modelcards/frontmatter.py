"""Split a Hugging Face card's YAML front matter from its Markdown body."""

from __future__ import annotations

from typing import Any

import yaml

from governance.register.modelcards.fields import MAX_YAML_NODES, Warnings

# libyaml's safe loader is about ten times faster than the pure-Python one on a 1 MB card.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(text: str, warnings: Warnings) -> tuple[dict[str, Any], str]:
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


def meta_key(key: str) -> str:
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
