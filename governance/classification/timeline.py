"""Load the regulatory timeline: the date from which each obligation code applies.

The data lives in `fixtures/eu_ai_act/timeline.json` (repository root = parent of the
`governance` package) so that when the law moves, a fixture changes and not the code. Pure
Python, no Django.

An entry may be qualified:

- `"basis": "annex_i" | "annex_iii"`: the date for a system that is high-risk on that basis.
  Art. 113(c) as amended by Regulation (EU) 2026/1744 applies Chapter III Sections 1-3 to
  Annex III systems from 2 December 2027 and to Annex I systems from 2 August 2028.
- `"practice": "art_5_1_<x>"`: the date for one Art. 5(1) practice; points (ba) and (bb) apply
  from 2 December 2026, the others from 2 February 2025.

An entry with neither is the default for its code. A code with no entry at all is a data bug and
raises `UnknownObligation`.

The file's `version` names the version of the law it describes; each classification records it.
Its `transitional` block holds the dates of the transitional rules of Art. 111 (as amended),
which `system_dates` applies to one system on top of the general dates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "eu_ai_act" / "timeline.json"

BASES = frozenset({"annex_i", "annex_iii"})


class UnknownObligation(LookupError):
    """Raise when the timeline has no date for an obligation code (a data bug)."""


class TimelineError(ValueError):
    """Raise when the timeline file is malformed."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated obligation: from when it applies and on which legal source."""

    code: str
    applies_from: date
    source: str
    note: str
    basis: str | None = None
    practice: str | None = None


@dataclass(frozen=True, slots=True)
class TransitionalRule:
    """One rule of Art. 111: for a system placed before `placed_before`, `complies_by`."""

    source: str
    note: str
    placed_before: date | None = None
    complies_by: date | None = None
    public_authorities_by: date | None = None
    codes: tuple[str, ...] = ()


# The rules of Art. 111 the per-system layer knows, by key in the timeline file.
TRANSITIONAL_KEYS = ("annex_x", "legacy_high_risk", "legacy_gpai_model", "legacy_synthetic_content")


class _Dates:
    """Resolved ISO dates for one code: a default and the qualified variants."""

    __slots__ = ("default", "by_basis", "by_practice")

    def __init__(self) -> None:
        self.default: str | None = None
        self.by_basis: dict[str, str] = {}
        self.by_practice: dict[str, str] = {}


class Timeline:
    """The dated obligations of one version of the law, with fast lookups."""

    def __init__(
        self,
        entries: tuple[TimelineEntry, ...],
        *,
        version: str = "",
        as_amended_by: str = "",
        transitional: dict[str, TransitionalRule] | None = None,
    ) -> None:
        self.entries = entries
        self.version = version
        self.as_amended_by = as_amended_by
        self.transitional = transitional or {}
        self._dates: dict[str, _Dates] = {}
        for entry in entries:
            dates = self._dates.setdefault(entry.code, _Dates())
            iso = entry.applies_from.isoformat()
            if entry.basis is not None:
                slot, key = dates.by_basis, entry.basis
            elif entry.practice is not None:
                slot, key = dates.by_practice, entry.practice
            else:
                if dates.default is not None:
                    raise TimelineError(f"{entry.code}: more than one default entry")
                dates.default = iso
                continue
            if key in slot:
                raise TimelineError(f"{entry.code}: more than one entry for {key}")
            slot[key] = iso

    @property
    def codes(self) -> frozenset[str]:
        """Return every obligation code that has a date."""
        return frozenset(self._dates)

    def entries_for(self, code: str) -> tuple[TimelineEntry, ...]:
        """Return the entries of one code (default and variants)."""
        return tuple(e for e in self.entries if e.code == code)

    def iso(self, code: str, bases: tuple[str, ...] = (), practices: tuple[str, ...] = ()) -> str:
        """Return the ISO date from which `code` applies to a system.

        `bases` are the high-risk bases of the system ("annex_i", "annex_iii"); `practices` its
        Art. 5(1) practices. Where several variants match, the earliest date wins: a system
        high-risk under both Annex I and Annex III owes the duties from the Annex III date, and
        a system with several prohibited practices is banned from the earliest prohibition.
        Without a basis, a code that only has basis variants returns its earliest date.
        """
        dates = self._dates.get(code)
        if dates is None:
            raise UnknownObligation(f"no timeline entry for obligation {code!r}")
        if dates.by_basis:
            if bases:
                found = [dates.by_basis[b] for b in bases if b in dates.by_basis]
                if found:
                    return min(found)
                if dates.default is None:
                    raise UnknownObligation(
                        f"no timeline entry for obligation {code!r} with basis {bases!r}"
                    )
            elif dates.default is None:
                return min(dates.by_basis.values())
        if dates.by_practice and practices:
            default = dates.default
            found = [dates.by_practice.get(p, default) for p in practices]
            found = [d for d in found if d is not None]
            if found:
                return min(found)
        if dates.default is None:
            raise UnknownObligation(f"no default timeline entry for obligation {code!r}")
        return dates.default

    def applies_from(
        self, code: str, *, basis: str | None = None, practice: str | None = None
    ) -> date:
        """Return the date from which `code` applies (for a basis or practice if given)."""
        return date.fromisoformat(
            self.iso(code, (basis,) if basis else (), (practice,) if practice else ())
        )


def _date(value: object, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        raise TimelineError(f"{where}: not an ISO date") from None


def _parse_transitional(raw: object, source: str) -> dict[str, TransitionalRule]:
    """Read the `transitional` block: each rule of Art. 111 with its dates."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TimelineError(f"{source}: transitional must be an object")
    rules = {}
    for key in TRANSITIONAL_KEYS:
        item = raw.get(key)
        if item is None:
            continue
        where = f"{source}: transitional.{key}"
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            raise TimelineError(f"{where}: expected an object with a source")
        codes = item.get("codes", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise TimelineError(f"{where}: codes must be a list of obligation codes")
        rules[key] = TransitionalRule(
            source=item["source"],
            note=str(item.get("note", "")),
            placed_before=_date(item.get("placed_before"), f"{where}.placed_before"),
            complies_by=_date(item.get("complies_by"), f"{where}.complies_by"),
            public_authorities_by=_date(
                item.get("public_authorities_by"), f"{where}.public_authorities_by"
            ),
            codes=tuple(codes),
        )
    return rules


def parse_timeline(raw: object, source: str = "timeline") -> Timeline:
    """Build a Timeline from decoded JSON (e.g. a stored version), rejecting malformed data."""
    return _parse(raw, source)


def _parse(raw: object, source: str) -> Timeline:
    """Build a Timeline from decoded JSON, rejecting malformed data."""
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise TimelineError(f"{source}: expected an object with a list of entries")
    for key in ("version", "as_amended_by"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise TimelineError(f"{source}: {key} is required")
    entries = []
    allowed = {"code", "applies_from", "source", "note", "basis", "practice"}
    for i, item in enumerate(raw["entries"]):
        where = f"{source}: entries[{i}]"
        if not isinstance(item, dict):
            raise TimelineError(f"{where}: expected an object")
        extra = set(item) - allowed
        if extra:
            raise TimelineError(f"{where}: unknown keys {sorted(extra)}")
        for key in ("code", "applies_from", "source", "note"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise TimelineError(f"{where}: {key} is required")
        try:
            day = date.fromisoformat(item["applies_from"])
        except ValueError as exc:
            raise TimelineError(f"{where}: applies_from is not an ISO date") from exc
        basis, practice = item.get("basis"), item.get("practice")
        if basis is not None and basis not in BASES:
            raise TimelineError(f"{where}: basis must be one of {sorted(BASES)}")
        if practice is not None and not (
            isinstance(practice, str) and practice.startswith("art_5_1_")
        ):
            raise TimelineError(f"{where}: practice must be an Art. 5(1) code")
        if basis is not None and practice is not None:
            raise TimelineError(f"{where}: give basis or practice, not both")
        entries.append(
            TimelineEntry(
                code=item["code"],
                applies_from=day,
                source=item["source"],
                note=item["note"],
                basis=basis,
                practice=practice,
            )
        )
    return Timeline(
        tuple(entries),
        version=raw["version"],
        as_amended_by=raw["as_amended_by"],
        transitional=_parse_transitional(raw.get("transitional"), source),
    )


def load_timeline(path: str | Path | None = None) -> Timeline:
    """Load a timeline file; the default file is read once and cached."""
    if path is None:
        return default_timeline()
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        return _parse(json.load(fh), str(path))


@lru_cache(maxsize=1)
def default_timeline() -> Timeline:
    """Return the timeline of the law as in force today (cached)."""
    with DEFAULT_PATH.open(encoding="utf-8") as fh:
        return _parse(json.load(fh), str(DEFAULT_PATH))


def entries() -> tuple[TimelineEntry, ...]:
    """Return every entry of the default timeline, in file order."""
    return default_timeline().entries


def applies_from(code: str, *, basis: str | None = None, practice: str | None = None) -> date:
    """Return the date from which an obligation applies under the default timeline."""
    return default_timeline().applies_from(code, basis=basis, practice=practice)
