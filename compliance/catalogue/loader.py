"""Read and validate a catalogue file (YAML or JSON, format `annex-catalogue/1`).

Pure Python, no database: `parse_catalogue(data, filename)` returns a `CatalogueSpec` or raises
`CatalogueInvalid` listing every problem, each naming the file, the item and the field, e.g.
`eu-ai-act.yaml: requirement art_9.16: answer_type: 'yesno' is not one of …`. Writing the
spec to the database is `services.load_catalogue`. The format is documented in
fixtures/catalogues/README.md.

Bounds: the file is refused above `MAX_BYTES` before it is parsed; YAML is read with the safe
loader and without aliases (no "billion laughs"); node and mapping counts are capped.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import yaml

from .conditions import ConditionError, validate_condition
from .models import AnswerType, FrameworkKind, MappingRelation

FORMAT = "annex-catalogue/1"
MAX_BYTES = 2_000_000
MAX_NODES = 5_000
MAX_MAPPINGS = 10_000
MAX_CHOICES = 50
MAX_EVIDENCE = 30

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")

_TOP_KEYS = {"format", "framework", "requirements", "mappings"}
_FRAMEWORK_KEYS = {"slug", "name", "version", "kind", "description"}
_GROUP_KEYS = {"code", "title", "text", "citation", "guidance", "obligation", "condition"}
_GROUP_KEYS |= {"groups", "items"}
_ITEM_KEYS = {"code", "title", "text", "citation", "question", "answer_type", "choices"}
_ITEM_KEYS |= {"guidance", "typical_evidence", "condition", "informative"}
_MAPPING_KEYS = {"source", "target", "relation", "indicative", "note"}

# field -> maximum length of its text
_TEXT_LIMITS = {
    "title": 300,
    "text": 4000,
    "citation": 200,
    "question": 2000,
    "guidance": 4000,
    "name": 200,
    "description": 4000,
    "note": 500,
    "obligation": 40,
}


@dataclass
class NodeSpec:
    code: str
    kind: str  # "group" or "item"
    parent: str | None
    obligation: str
    title: str
    depth: int
    order: int
    text: str = ""
    citation: str = ""
    question: str = ""
    guidance: str = ""
    answer_type: str = AnswerType.YES_NO_PARTIAL
    choices: list[str] = field(default_factory=list)
    typical_evidence: list[str] = field(default_factory=list)
    condition: dict | None = None
    informative: bool = False


@dataclass
class MappingSpec:
    source: str
    target_framework: str | None  # None: a requirement of the same file
    target: str
    relation: str
    indicative: bool
    note: str
    label: str  # "mapping 3", for errors


@dataclass
class CatalogueSpec:
    filename: str
    slug: str
    name: str
    version: str
    kind: str
    description: str
    nodes: list[NodeSpec]
    mappings: list[MappingSpec]
    content_hash: str


class CatalogueInvalid(ValueError):
    """A catalogue file that cannot be loaded; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str) -> object:
    """Parse YAML safely, refusing anchors and aliases (bounded expansion, no object tags)."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            raise CatalogueInvalid([f"line {line}: anchors and aliases are not allowed"])
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - the safe loader


def _read(data: bytes, filename: str) -> object:
    if len(data) > MAX_BYTES:
        raise CatalogueInvalid(
            [f"{filename}: the file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes"]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueInvalid([f"{filename}: not UTF-8 text ({exc.reason})"]) from None
    try:
        if filename.lower().endswith(".json"):
            return json.loads(text)
        return _yaml(text)
    except CatalogueInvalid as exc:
        raise CatalogueInvalid([f"{filename}: {p}" for p in exc.problems]) from None
    except json.JSONDecodeError as exc:
        raise CatalogueInvalid(
            [f"{filename}: line {exc.lineno}: not valid JSON ({exc.msg})"]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogueInvalid([f"{filename}: {where}not valid YAML ({problem})"]) from None


def content_hash(document: object) -> str:
    """Return the SHA-256 of the document's canonical JSON: comments and layout don't count."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Checker:
    """Collects problems while walking one document."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []

    def problem(self, where: str, field_name: str, message: str) -> None:
        parts = [self.filename, where, field_name]
        self.problems.append(": ".join(p for p in parts if p) + f": {message}")

    def unknown_keys(self, where: str, obj: dict, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.problem(where, str(key), f"unknown field; expected one of {_list(allowed)}")

    def text(self, where: str, obj: dict, key: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.problem(where, key, "is required")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # YAML reads 4.1 or 2026.1 as a number
        if not isinstance(value, str):
            self.problem(where, key, f"expects text, got {_type(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(where, key, "is required")
        limit = _TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            self.problem(where, key, f"is {len(value)} characters; the limit is {limit}")
        return value

    def pattern(self, where: str, obj: dict, key: str, regex: re.Pattern, hint: str) -> str:
        value = self.text(where, obj, key, required=True)
        if value and not regex.fullmatch(value):
            self.problem(where, key, f"{value[:80]!r} is not {hint}")
            return ""
        return value

    def choice(self, where: str, obj: dict, key: str, allowed: list[str], default=None) -> str:
        value = obj.get(key, default)
        if value is None:
            self.problem(where, key, "is required")
            return ""
        if value not in allowed:
            self.problem(where, key, f"{str(value)[:80]!r} is not one of {', '.join(allowed)}")
            return ""
        return value

    def strings(self, where: str, obj: dict, key: str, limit: int) -> list[str]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(where, key, "expects a list of non-empty texts")
            return []
        if len(value) > limit:
            self.problem(where, key, f"has {len(value)} entries; the limit is {limit}")
        if any(len(v) > 300 for v in value):
            self.problem(where, key, "an entry is longer than 300 characters")
        return [v.strip() for v in value]

    def boolean(self, where: str, obj: dict, key: str, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.problem(where, key, "expects true or false")
            return default
        return value

    def condition(self, where: str, obj: dict) -> dict | None:
        value = obj.get("condition")
        try:
            validate_condition(value)
        except ConditionError as exc:
            self.problem(where, "condition" + (f".{exc.path}" if exc.path else ""), exc.message)
            return None
        return value


def parse_catalogue(data: bytes, filename: str) -> CatalogueSpec:
    """Parse and validate one catalogue file; raise `CatalogueInvalid` with every problem."""
    document = _read(data, filename)
    check = _Checker(filename)
    if not isinstance(document, dict):
        raise CatalogueInvalid([f"{filename}: the file must be a mapping with a framework"])
    check.unknown_keys("", document, _TOP_KEYS)
    if document.get("format") != FORMAT:
        check.problem("", "format", f"must be {FORMAT!r}")
    header = document.get("framework")
    if not isinstance(header, dict):
        check.problem("", "framework", "is required: an object with slug, name, version, kind")
        header = {}
    check.unknown_keys("framework", header, _FRAMEWORK_KEYS)
    slug = check.pattern("framework", header, "slug", _SLUG, "a slug (a-z, 0-9, -)")
    name = check.text("framework", header, "name", required=True)
    version = check.pattern("framework", header, "version", _VERSION, "a version like 2026.1")
    kind = check.choice("framework", header, "kind", list(FrameworkKind.values))
    description = check.text("framework", header, "description")

    nodes = _walk_requirements(check, document.get("requirements"))
    mappings = _read_mappings(check, document.get("mappings"), {n.code for n in nodes})
    if check.problems:
        raise CatalogueInvalid(check.problems)
    return CatalogueSpec(
        filename=filename,
        slug=slug,
        name=name,
        version=version,
        kind=kind,
        description=description,
        nodes=nodes,
        mappings=mappings,
        content_hash=content_hash(document),
    )


def _walk_requirements(check: _Checker, groups: object) -> list[NodeSpec]:
    if not isinstance(groups, list) or not groups:
        check.problem("", "requirements", "is required: a non-empty list of groups")
        return []
    nodes: list[NodeSpec] = []
    seen: set[str] = set()
    stack: list[tuple[object, str | None, str | None, int, str]] = [
        (g, None, None, 0, "group") for g in reversed(groups)
    ]
    while stack:
        raw, parent, obligation, depth, kind = stack.pop()
        if len(nodes) >= MAX_NODES:
            check.problem("", "requirements", f"more than {MAX_NODES} requirements")
            break
        label = f"{'requirement' if kind == 'item' else 'group'} #{len(nodes) + 1}"
        if parent:
            label += f" (in {parent})"
        if not isinstance(raw, dict):
            check.problem(label, "", f"expects an object, got {_type(raw)}")
            continue
        code = check.pattern(label, raw, "code", _CODE, "a code (letters, digits, . _ -)")
        where = f"requirement {code}" if code else label
        if code in seen:
            check.problem(where, "code", "is used twice in this file")
        seen.add(code)
        node = _node(check, raw, where, code, kind, parent, obligation, depth, len(nodes))
        nodes.append(node)
        if kind == "group":
            stack.extend(_children(check, raw, where, node, depth))
    return nodes


def _node(check, raw, where, code, kind, parent, obligation, depth, order) -> NodeSpec:
    allowed = _GROUP_KEYS if kind == "group" else _ITEM_KEYS
    check.unknown_keys(where, raw, allowed)
    own_obligation = check.text(where, raw, "obligation") if kind == "group" else ""
    node = NodeSpec(
        code=code,
        kind=kind,
        parent=parent,
        obligation=own_obligation or obligation or code,
        title=check.text(where, raw, "title", required=True),
        depth=depth,
        order=order,
        text=check.text(where, raw, "text"),
        citation=check.text(where, raw, "citation"),
        guidance=check.text(where, raw, "guidance"),
        condition=check.condition(where, raw),
    )
    if kind == "item":
        node.question = check.text(where, raw, "question")
        node.answer_type = check.choice(
            where, raw, "answer_type", list(AnswerType.values), AnswerType.YES_NO_PARTIAL
        )
        node.choices = check.strings(where, raw, "choices", MAX_CHOICES)
        if node.answer_type == AnswerType.CHOICE and len(node.choices) < 2:
            check.problem(where, "choices", "answer_type choice needs at least two choices")
        elif node.answer_type != AnswerType.CHOICE and node.choices:
            check.problem(where, "choices", "only an item with answer_type choice has choices")
        if len(set(node.choices)) != len(node.choices):
            check.problem(where, "choices", "a choice is listed twice")
        node.typical_evidence = check.strings(where, raw, "typical_evidence", MAX_EVIDENCE)
        node.informative = check.boolean(where, raw, "informative", False)
    return node


def _children(check, raw, where, node, depth):
    out = []
    subgroups, items = raw.get("groups") or [], raw.get("items") or []
    if not isinstance(subgroups, list):
        check.problem(where, "groups", "expects a list of groups")
        subgroups = []
    if not isinstance(items, list):
        check.problem(where, "items", "expects a list of requirements")
        items = []
    if not subgroups and not items:
        check.problem(where, "items", "a group needs at least one item or group")
    if depth >= 4:
        check.problem(where, "groups", "groups are nested deeper than 4 levels")
        return []
    children = [(i, "item") for i in items] + [(g, "group") for g in subgroups]
    for child, kind in reversed(children):
        out.append((child, node.code, node.obligation, depth + 1, kind))
    return out


def _read_mappings(check: _Checker, raw: object, codes: set[str]) -> list[MappingSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.problem("", "mappings", "expects a list")
        return []
    if len(raw) > MAX_MAPPINGS:
        check.problem("", "mappings", f"has {len(raw)} entries; the limit is {MAX_MAPPINGS}")
        return []
    out = []
    for i, entry in enumerate(raw, start=1):
        label = f"mapping {i}"
        if not isinstance(entry, dict):
            check.problem(label, "", f"expects an object, got {_type(entry)}")
            continue
        check.unknown_keys(label, entry, _MAPPING_KEYS)
        source = check.text(label, entry, "source", required=True)
        target = check.text(label, entry, "target", required=True)
        if source:
            label = f"mapping {i} ({source} → {target})"
        if source and source not in codes:
            check.problem(label, "source", f"no requirement {source!r} in this file")
        framework, _, code = target.rpartition(":")
        if target and not framework and code not in codes:
            check.problem(label, "target", f"no requirement {code!r} in this file")
        if framework and not _SLUG.fullmatch(framework):
            check.problem(label, "target", f"{framework!r} is not a framework slug")
        relation = check.choice(
            label, entry, "relation", list(MappingRelation.values), MappingRelation.RELATED
        )
        out.append(
            MappingSpec(
                source=source,
                target_framework=framework or None,
                target=code,
                relation=relation,
                indicative=check.boolean(label, entry, "indicative", True),
                note=check.text(label, entry, "note"),
                label=label,
            )
        )
    return out


def _list(values) -> str:
    return ", ".join(sorted(values))


def _type(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
