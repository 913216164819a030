"""Precedence 1 and 2 of the contract: scope (Art. 2, Art. 3(1)) and prohibitions (Art. 5)."""

from __future__ import annotations

from .. import codes
from .case import Case, join, why


def _exclusion_reason(c: Case, has_other_reason: bool) -> dict | None:
    """Return why a claimed scope exclusion takes the system out, or None when it lapses."""
    exclusion = c.s["scope_exclusion"]
    entry = codes.SCOPE_EXCLUSIONS[exclusion]
    lapses: list[str] = []
    if exclusion == "free_open_source":
        if c.banned:
            lapses.append("performs a prohibited practice")
        if c.annex_i_high_risk or c.annex_iii_high_risk:
            lapses.append("is high-risk")
        if c.art_50_facts:
            lapses.append("falls under Art. 50")
    if not lapses:
        return why(
            "scope_exclusion",
            entry.citation,
            f"The exclusion claimed ({entry.label.lower()}) takes the system outside the AI Act.",
        )
    if not has_other_reason:
        c.say(
            why(
                "open_source_exclusion_lapses",
                "Art. 2(12)",
                f"The free and open-source exclusion does not hold because the system "
                f"{join(lapses)}.",
            )
        )
    return None


def apply_scope(c: Case) -> bool:
    """Decide whether the Act applies (Art. 3(1), Art. 2(1), Art. 2(3)-(12)).

    Return True when the system is in scope; otherwise the reasons it is not close the
    rationale and the caller returns an out-of-scope classification.
    """
    s = c.s
    out: list[dict] = []
    if not s["is_ai_system"]:
        out.append(
            why(
                "not_an_ai_system",
                "Art. 3(1)",
                "The system does not meet the definition of an AI system (it does not infer "
                "from its inputs how to generate outputs), so the AI Act does not apply to it.",
            )
        )
    if not s["eu_nexus"]:
        out.append(
            why(
                "no_eu_nexus",
                "Art. 2(1)",
                "The system is not placed on the market or put into service in the EU and its "
                "output is not used in the EU, so the AI Act does not reach it.",
            )
        )
    if s["scope_exclusion"] is not None:
        reason = _exclusion_reason(c, bool(out))
        if reason is not None:
            out.append(reason)
    if out:
        c.rationale.extend(out)
        return False
    c.say(
        why(
            "in_scope",
            "Art. 2(1); Art. 3(1)",
            f"The system is an AI system with an EU link and the organisation is its "
            f"{codes.ROLES[c.role].label.lower()}, so the AI Act applies.",
        )
    )
    return True


def _explain_exception(c: Case) -> None:
    excepted = c.excepted
    x = codes.PROHIBITED_EXCEPTIONS[c.s["prohibited_exception"]]
    c.say(
        why(
            "prohibited_exception",
            x.citation,
            f"The exception '{x.label.lower()}' covers "
            f"{codes.PROHIBITED_PRACTICES[excepted].label.lower()}, so that practice does not "
            "make the system prohibited.",
        )
    )
    annex_iii = c.s["annex_iii"]
    if excepted == "art_5_1_h" and "annex_iii_1_a" not in annex_iii:
        c.say(
            why(
                "remote_biometric_identification_is_annex_iii",
                "Annex III point 1(a)",
                "A remote biometric identification system is listed in Annex III point 1(a): "
                "add that point to the screening so its high-risk duties are listed.",
            )
        )
    elif excepted == "art_5_1_f" and "annex_iii_1_c" not in annex_iii:
        c.say(
            why(
                "emotion_recognition_is_annex_iii",
                "Annex III point 1(c)",
                "An emotion recognition system is listed in Annex III point 1(c): add that "
                "point to the screening so its high-risk duties are listed.",
            )
        )


def apply_prohibitions(c: Case) -> bool:
    """Apply Art. 5(1) with its exceptions; return True when the system is prohibited.

    A prohibited system's only obligation is `art_5`; the caller finishes the classification
    (the GPAI class is still reported).
    """
    if c.excepted:
        _explain_exception(c)
    if not c.banned:
        return False
    for code in c.banned:
        p = codes.PROHIBITED_PRACTICES[code]
        c.say(
            why(
                "prohibited_practice",
                p.citation,
                f"The system performs a prohibited practice: {p.label.lower()}.",
            )
        )
    return True
