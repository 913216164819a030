"""Which two classification versions to compare: one rule for the web page and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_VERSION_DIGITS = 9


def read_version(raw: str | None) -> int | None:
    """Return a version number from a query parameter, or None when it is not one.

    Only ASCII digits: ``str.isdigit`` also accepts '²' and other digits ``int`` refuses.
    """
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_VERSION_DIGITS:
        return None
    value = int(raw)
    return value if value >= 1 else None


@dataclass
class VersionChoice:
    """The two versions to compare, oldest first, or why they cannot be compared."""

    first: int | None = None
    second: int | None = None
    error: str = ""
    status: int = 200
    fields: dict[str, list[str]] = field(default_factory=dict)


def choose_versions(raw_from: str | None, raw_to: str | None, versions: list[int]) -> VersionChoice:
    """Check the ``from`` and ``to`` parameters against the system's ``versions``."""
    first, second = read_version(raw_from), read_version(raw_to)
    choice = VersionChoice(first=first, second=second, status=400)
    if len(versions) < 2:
        choice.error = (
            "This system has fewer than two classification versions, so there is nothing to "
            "compare yet."
        )
        choice.fields = {"from": [choice.error]}
        return choice
    for key, raw, value in (("from", raw_from, first), ("to", raw_to, second)):
        if not raw:
            choice.fields[key] = ["Give a version number."]
        elif value is None:
            choice.fields[key] = ["Versions are whole numbers, for example ?from=1&to=2."]
    if choice.fields:
        choice.error = (
            "Pick the two versions to compare."
            if not raw_from or not raw_to
            else "Versions are whole numbers, for example ?from=1&to=2."
        )
        return choice
    if first == second:
        choice.error = f"Both sides are version {first}. Pick two different versions."
        choice.fields = {"to": [choice.error]}
        return choice
    unknown = [v for v in (first, second) if v not in versions]
    if unknown:
        choice.error = (
            f"There is no version {unknown[0]} of this system. "
            f"Its versions are {', '.join(map(str, versions))}."
        )
        choice.status = 404
        return choice
    choice.first, choice.second = sorted((first, second))
    choice.status = 200
    return choice
