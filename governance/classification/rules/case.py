"""The working state of one evaluation: the facts read from the screening, and the
classification as the precedence rules build it, rationale included."""

from __future__ import annotations

from .. import codes
from . import tables as T


def why(rule: str, citation: str, explanation: str) -> dict:
    """Return one rationale entry."""
    return {"rule": rule, "citation": citation, "explanation": explanation}


def join(items: list[str]) -> str:
    """Join words as people write them: "a", "a and b", "a, b and c"."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


class Case:
    """One screening under evaluation.

    The facts (`s`, `role`, `t`, and what the scope decision needs to look ahead at) are set
    once; each precedence rule adds to the outcome (`basis`, `obligations`, `transparency`,
    ...) and says why in `rationale`, in the order the rules run.
    """

    __slots__ = (
        "s",
        "role",
        "t",
        "rationale",
        "say",
        "excepted",
        "banned",
        "annex_i_high_risk",
        "annex_iii_derogated",
        "derogation",
        "annex_iii_high_risk",
        "art_50_facts",
        "basis",
        "bases",
        "route",
        "section_b",
        "acts_as_provider",
        "obligations",
        "transparency",
        "tier",
        "gpai_class",
    )

    def __init__(self, s: dict) -> None:
        self.s = s
        self.role = s["role"]
        t = self.t = s["transparency"]
        self.rationale: list[dict] = []
        self.say = self.rationale.append
        # Facts the scope decision needs (Art. 2(12) looks ahead at Art. 5, 6 and 50).
        exception = s["prohibited_exception"]
        excepted = self.excepted = T.EXCEPTION_PRACTICE[exception] if exception else None
        practices = s["prohibited_practices"]
        self.banned = [p for p in practices if p != excepted] if excepted else practices
        annex_i = s["annex_i"]
        self.annex_i_high_risk = (
            annex_i is not None and annex_i["third_party_conformity_assessment"]
        )
        annex_iii = s["annex_iii"]
        # Art. 6(3) conditions met for the Annex III leg; the derogation is only "applied" (the
        # system is not high-risk because of it) when Annex I does not make it high-risk anyway.
        self.annex_iii_derogated = (
            bool(annex_iii) and bool(s["art_6_3_conditions"]) and not s["profiling"]
        )
        self.derogation = self.annex_iii_derogated and not self.annex_i_high_risk
        self.annex_iii_high_risk = bool(annex_iii) and not self.annex_iii_derogated
        self.art_50_facts = [k for k in codes.ART_50_FACT_KEYS if t[k]]
        # The outcome, filled in by the rules.
        self.basis: list[str] = []  # high_risk_basis
        self.bases: list[str] = []  # "annex_i" / "annex_iii", for the timeline
        self.route: str | None = None
        self.section_b = False
        self.acts_as_provider = False
        self.obligations: set[str] = set()
        self.transparency: list[str] = []
        self.tier = ""
        self.gpai_class = "none"

    @property
    def high_risk(self) -> bool:
        """Return whether Art. 6(1) or 6(2) made the system high-risk."""
        return bool(self.basis)

    def annex_iii_basis(self, *, except_point_2: bool = False) -> list[str]:
        """Return the Annex III points in the high-risk basis (without point 2 if asked)."""
        return [
            c
            for c in self.basis
            if c != "annex_i" and not (except_point_2 and c == T.ANNEX_III_POINT_2)
        ]
