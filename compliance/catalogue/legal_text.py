"""The EU AI Act obligation titles and summaries, read from the catalogue file.

One home for legal text: `fixtures/catalogues/eu-ai-act.yaml` holds, for every obligation code
the classification emits, a group with its title, citation and one-line summary (and its items).
The classification's code table, its pages and the documents read them from here.

Pure Python, no Django and no database, so the rules engine stays pure and fast: the file is
read once per process (cached) with the safe YAML loader. The shipped file is validated by the
catalogue tests and by `manage.py load_catalogues`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

EU_AI_ACT_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogues" / "eu-ai-act.yaml"


@dataclass(frozen=True, slots=True)
class ObligationText:
    """An obligation code's human title, citation and one-line summary."""

    code: str
    title: str
    citation: str
    summary: str


@functools.cache
def obligation_texts() -> dict[str, ObligationText]:
    """Return {obligation code: ObligationText} for every top-level group of the EU AI Act file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(EU_AI_ACT_FILE.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return {
        str(group["code"]): ObligationText(
            code=str(group["code"]),
            title=str(group["title"]).strip(),
            citation=str(group.get("citation") or "").strip(),
            summary=" ".join(str(group.get("text") or "").split()),
        )
        for group in document["requirements"]
    }


def obligation_text(code: str) -> ObligationText | None:
    """Return the title, citation and summary of one obligation code, or None if unknown."""
    return obligation_texts().get(code)
