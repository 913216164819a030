"""Run the precedence rules of the contract over one normalised screening."""

from __future__ import annotations

from ..timeline import Timeline, default_timeline
from . import tables as T
from .case import Case, why
from .duties import apply_derogation_duties, apply_role, apply_role_duties
from .gpai import apply_gpai, gpai_class
from .high_risk import apply_annex_i, apply_annex_iii_and_art_6_3
from .scope import apply_prohibitions, apply_scope
from .transparency import apply_tier, apply_transparency
from .validation import validate_screening


def _result(c: Case, tier: str, obligations: list[str], applies: dict[str, str]) -> dict:
    return {
        "schema": T.SCHEMA_OUT,
        "tier": tier,
        "high_risk_basis": c.basis,
        "derogation_applied": c.derogation,
        "prohibited_practices": list(c.banned) if tier == "prohibited" else [],
        "transparency": c.transparency,
        "gpai": c.gpai_class,
        "obligations": obligations,
        "conformity_route": c.route,
        "applies_from": applies,
        "rationale": c.rationale,
    }


def _prohibited(c: Case, tl: Timeline) -> dict:
    gpai_class(c)
    c.say(
        why(
            "prohibited",
            "Art. 5(1)",
            "A prohibited system may not be placed on the market, put into service or used in "
            "the EU; that is its only obligation, so no other duty is listed.",
        )
    )
    c.derogation = False
    return _result(c, "prohibited", ["art_5"], {"art_5": tl.iso("art_5", (), tuple(c.banned))})


def _dated(c: Case, tl: Timeline) -> dict:
    """Date every obligation from the timeline (Art. 113 as amended) and build the result."""
    ordered = sorted(c.obligations)
    bases = tuple(c.bases)
    applies = {code: tl.iso(code, bases) for code in ordered}
    if ordered:
        amended = tl.as_amended_by or "the regulatory timeline"
        c.say(
            why(
                "dates",
                f"Art. 113; {amended}",
                "Each obligation applies from the date given for it in the regulatory timeline "
                f"of the AI Act as amended by {amended}, the law in force today.",
            )
        )
    return _result(c, c.tier, ordered, applies)


def evaluate(s: dict, timeline: Timeline | None = None) -> dict:
    """Classify a screening already normalised by `validate_screening`.

    Each step is one precedence rule of the contract and adds its part of the result and of
    the rationale, in this order.
    """
    tl = timeline if timeline is not None else default_timeline()
    c = Case(s)
    if not apply_scope(c):  # 1. Art. 2, Art. 3(1)
        c.derogation = False
        return _result(c, "out_of_scope", [], {})
    if apply_prohibitions(c):  # 2. Art. 5
        return _prohibited(c, tl)
    apply_annex_i(c)  # 3. Art. 6(1)
    apply_annex_iii_and_art_6_3(c)  # 4. Art. 6(2)-(3)
    apply_role(c)  # 7. Art. 25, Art. 4
    apply_role_duties(c)  # 8. Chapter III
    apply_derogation_duties(c)  # 4. Art. 6(4), Art. 49(2)
    apply_transparency(c)  # 5. Art. 50
    apply_tier(c)
    apply_gpai(c)  # 6. Chapter V
    return _dated(c, tl)


def classify(data: object, *, timeline: Timeline | None = None) -> dict:
    """Validate a screening and return its classification (schema `eu-ai-act-classification/1`).

    Raise `ScreeningInvalid` if the screening breaks the contract. `timeline` replaces the
    regulatory timeline of the law as in force today, e.g. to classify under another version.
    """
    return evaluate(validate_screening(data), timeline)
