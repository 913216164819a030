"""Each system's own dates: the transitional rules of Art. 111 (as amended) on top of the timeline.

The pure engine gives the date from which each obligation applies in general
(`result["applies_from"]`). For one system, Art. 111 moves it, depending on facts the register
holds: when the system was placed on the market or put into service, whether its design changed
significantly since, whether it is meant for public authorities, whether it is a component of an
Annex X large-scale IT system, and when its general-purpose model reached the market.

- Art. 111(1): a component of an Annex X system placed on the market or put into service before
  2 August 2027 complies by 31 December 2030 (Art. 5 applies regardless).
- Art. 111(2): another high-risk system placed on the market or put into service before the date
  its Chapter III duties apply is caught only once its design changes significantly after that
  date; one intended for public authorities complies by 2 August 2030 in any case.
- Art. 111(3): a general-purpose AI model placed on the market before 2 August 2025 complies by
  2 August 2027.
- Art. 111(4), as amended: a system generating synthetic content placed on the market before
  2 August 2026 meets Art. 50(2) by 2 December 2026.

The dates of these rules are data (the timeline file's `transitional` block). Reading of Art.
111(2): it concerns the duties a system owes because it is high-risk (Chapter III and the
registration, monitoring and reporting that go with them); AI literacy (Art. 4) and the Art. 50
duties keep their own dates. Pure Python: plain data in and out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .timeline import Timeline, TransitionalRule

PROHIBITIONS = "art_5"
# Duties of a high-risk system that carry no basis-qualified timeline entry of their own.
EXTRA_HIGH_RISK_CODES = frozenset({"art_49_3"})


@dataclass(frozen=True, slots=True)
class SystemFacts:
    """What the register knows about a system that the transitional rules ask about."""

    placed_on_market_on: date | None = None
    put_into_service_on: date | None = None
    significantly_changed_on: date | None = None
    intended_for_public_authorities: bool | None = None
    annex_x_component: bool | None = None
    gpai_model_placed_on: date | None = None

    @property
    def first_on_market(self) -> date | None:
        """The earlier of the placing-on-market and putting-into-service dates."""
        known = [d for d in (self.placed_on_market_on, self.put_into_service_on) if d]
        return min(known) if known else None


@dataclass(frozen=True, slots=True)
class ObligationDate:
    """The date one obligation applies to one system, the rule that sets it, and why."""

    code: str
    general: date | None
    applies_from: date | None
    basis: str
    why: str
    rule: str = "general"
    moved: bool = False

    def as_stored(self) -> dict:
        """Return the entry kept on the system: the API's keys and the reason in words."""
        return {**self.as_api(), "why": self.why}

    def as_api(self) -> dict:
        """Return the JSON-ready entry of the API: {"code", "applies_from", "basis"}."""
        return {
            "code": self.code,
            "applies_from": self.applies_from.isoformat() if self.applies_from else None,
            "basis": self.basis,
        }


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def high_risk_codes(timeline: Timeline) -> frozenset[str]:
    """Return the obligation codes owed because a system is high-risk."""
    return frozenset(e.code for e in timeline.entries if e.basis) | EXTRA_HIGH_RISK_CODES


def general_source(timeline: Timeline, code: str, applies: date | None) -> str:
    """Return the legal source of the general date of a code (the timeline entry that set it)."""
    entries = timeline.entries_for(code)
    for entry in entries:
        if entry.applies_from == applies:
            return entry.source
    return entries[0].source if entries else "Art. 113"


def _general(code: str, general: date | None, timeline: Timeline, why: str = "") -> ObligationDate:
    source = general_source(timeline, code, general)
    return ObligationDate(
        code=code,
        general=general,
        applies_from=general,
        basis=source,
        why=why
        or "The general date of the law: no transitional rule of Art. 111 moves it for "
        "this system.",
    )


def _gpai_model(code, general, facts, rule: TransitionalRule, timeline) -> ObligationDate:
    """Art. 111(3): a model placed on the market before 2 August 2025 complies by 2027."""
    placed = facts.gpai_model_placed_on
    if placed is None:
        return _general(
            code,
            general,
            timeline,
            f"The general date. If the general-purpose model was placed on the market before "
            f"{_day(rule.placed_before)}, it has until {_day(rule.complies_by)} "
            f"({rule.source}): record the model's placing-on-market date.",
        )
    if placed < rule.placed_before:
        applies = max(d for d in (general, rule.complies_by) if d)
        return ObligationDate(
            code=code,
            general=general,
            applies_from=applies,
            basis=rule.source,
            rule="legacy_gpai_model",
            moved=applies != general,
            why=f"The model was placed on the market on {_day(placed)}, before "
            f"{_day(rule.placed_before)}: its provider has until {_day(applies)}.",
        )
    return _general(
        code,
        general,
        timeline,
        f"The model was placed on the market on {_day(placed)}, not before "
        f"{_day(rule.placed_before)}: the general date applies.",
    )


def _annex_x(code, general, facts, rule: TransitionalRule) -> ObligationDate | None:
    """Art. 111(1): Annex X components already on the market by 2 August 2027 have until 2030."""
    first = facts.first_on_market
    if not facts.annex_x_component or first is None or first >= rule.placed_before:
        return None
    applies = max(d for d in (general, rule.complies_by) if d)
    return ObligationDate(
        code=code,
        general=general,
        applies_from=applies,
        basis=rule.source,
        rule="annex_x",
        moved=applies != general,
        why=f"A component of an Annex X large-scale IT system, on the market or in service since "
        f"{_day(first)}, before {_day(rule.placed_before)}: it is brought into compliance by "
        f"{_day(applies)}.",
    )


def _legacy_high_risk(code, general, facts, rule: TransitionalRule, timeline) -> ObligationDate:
    """Art. 111(2): a high-risk system already on the market is caught only when changed."""
    first = facts.first_on_market
    if first is None:
        return _general(
            code,
            general,
            timeline,
            f"The general date. If the system was placed on the market or put into service "
            f"before {_day(general)}, it is caught only after a significant change in its design "
            f"({rule.source}): record its dates.",
        )
    if general is None or first >= general:
        return _general(
            code,
            general,
            timeline,
            f"On the market or in service since {_day(first)}, not before {_day(general)}: the "
            "general date applies.",
        )
    changed = facts.significantly_changed_on
    counted = changed if changed is not None and changed >= general else None
    authorities = rule.public_authorities_by if facts.intended_for_public_authorities else None
    candidates = [d for d in (counted, authorities) if d is not None]
    applies = min(candidates) if candidates else None
    lead = f"On the market or in service since {_day(first)}, before {_day(general)}"
    if applies is None:
        why = f"{lead}: it is caught only if its design changes significantly from then on."
        if changed is not None:
            why += f" The change of {_day(changed)} came before that date, so it does not count."
    elif applies == counted:
        why = f"{lead}, and its design changed significantly on {_day(changed)}: it is caught "
        why += "from that change."
    else:
        why = f"{lead}, and intended for public authorities: it complies by {_day(applies)}"
        why += " even without a significant change."
    return ObligationDate(
        code=code,
        general=general,
        applies_from=applies,
        basis=rule.source,
        rule="legacy_high_risk",
        moved=applies != general,
        why=why,
    )


def _legacy_synthetic(code, general, facts, rule: TransitionalRule, timeline) -> ObligationDate:
    """Art. 111(4): synthetic-content systems on the market before 2 August 2026."""
    placed = facts.placed_on_market_on
    if placed is not None and placed < rule.placed_before:
        applies = max(d for d in (general, rule.complies_by) if d)
        return ObligationDate(
            code=code,
            general=general,
            applies_from=applies,
            basis=rule.source,
            rule="legacy_synthetic_content",
            moved=applies != general,
            why=f"Placed on the market on {_day(placed)}, before {_day(rule.placed_before)}: "
            f"the marking of synthetic content is due by {_day(applies)}.",
        )
    if placed is None:
        return _general(
            code,
            general,
            timeline,
            f"The general date. If the system was placed on the market before "
            f"{_day(rule.placed_before)}, it has until {_day(rule.complies_by)} "
            f"({rule.source}): record its placing-on-market date.",
        )
    return _general(
        code,
        general,
        timeline,
        f"Placed on the market on {_day(placed)}, not before {_day(rule.placed_before)}: the "
        "general date applies.",
    )


def date_for(code: str, result: dict, facts: SystemFacts, timeline: Timeline) -> ObligationDate:
    """Return the date one obligation of a classification result applies to one system."""
    iso = result.get("applies_from", {}).get(code)
    general = date.fromisoformat(iso) if iso else None
    rules = timeline.transitional
    if code == PROHIBITIONS:
        return _general(code, general, timeline, "Prohibitions apply to every system alike.")
    gpai_rule = rules.get("legacy_gpai_model")
    if gpai_rule is not None and code in gpai_rule.codes:
        return _gpai_model(code, general, facts, gpai_rule, timeline)
    annex_x_rule = rules.get("annex_x")
    if annex_x_rule is not None:
        found = _annex_x(code, general, facts, annex_x_rule)
        if found is not None:
            return found
    legacy_rule = rules.get("legacy_high_risk")
    if (
        legacy_rule is not None
        and result.get("tier") == "high_risk"
        and code in high_risk_codes(timeline)
    ):
        return _legacy_high_risk(code, general, facts, legacy_rule, timeline)
    synthetic_rule = rules.get("legacy_synthetic_content")
    if synthetic_rule is not None and code in synthetic_rule.codes:
        return _legacy_synthetic(code, general, facts, synthetic_rule, timeline)
    return _general(code, general, timeline)


def obligation_dates(result: dict, facts: SystemFacts, timeline: Timeline) -> list[ObligationDate]:
    """Return the date for this system of every obligation of a result, in the result's order."""
    return [date_for(code, result, facts, timeline) for code in result.get("obligations", [])]


def next_date(dates: list[ObligationDate], today: date) -> date | None:
    """Return the next date, today or later, from which one of the obligations applies."""
    ahead = [d.applies_from for d in dates if d.applies_from and d.applies_from >= today]
    return min(ahead) if ahead else None
