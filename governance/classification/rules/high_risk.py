"""Precedence 3 and 4 of the contract: high-risk under Art. 6(1) + Annex I, and under
Art. 6(2) + Annex III with the Art. 6(3) derogation; the conformity route (Art. 43)."""

from __future__ import annotations

from .. import codes
from . import tables as T
from .case import Case, join, why


def apply_annex_i(c: Case) -> None:
    """Art. 6(1): a product (or its safety component) under Annex I needing a third-party
    conformity assessment is high-risk; Section B keeps only what Art. 2(2) lists."""
    annex_i = c.s["annex_i"]
    if annex_i is None:
        return
    leg = codes.ANNEX_I[annex_i["legislation"]]
    if not c.annex_i_high_risk:
        c.say(
            why(
                "annex_i_no_third_party_assessment",
                f"Art. 6(1)(b); {leg.citation}",
                "The product does not need a third-party conformity assessment, so Annex I "
                "does not make the system high-risk.",
            )
        )
        return
    c.basis.append("annex_i")
    c.bases.append("annex_i")
    c.route = "product_legislation"
    c.say(
        why(
            "annex_i_high_risk",
            f"Art. 6(1); {leg.citation}",
            f"The system is a safety component of, or is itself, a product under the "
            f"{leg.label.lower()} legislation that needs a third-party conformity assessment, "
            "so it is high-risk.",
        )
    )
    if leg.section == "B":
        c.section_b = True
        c.say(
            why(
                "annex_i_section_b",
                "Art. 2(2)",
                "The product falls under Annex I Section B. Art. 2(2) limits the AI Act to "
                "Art. 6(1), Art. 60a and the amended sectoral acts (Arts. 102-112): the system "
                "is still high-risk, but it owes none of the Art. 8-49 duties under the AI Act "
                "itself; its AI requirements come through the sectoral legislation.",
            )
        )
    c.say(
        why(
            "conformity_product_legislation",
            "Art. 43(3)",
            "The conformity assessment is the one of the product legislation, with the AI "
            "requirements added to it.",
        )
    )


def _explain_derogation(c: Case, points: str) -> None:
    conditions = c.s["art_6_3_conditions"]
    if c.derogation:
        held = join([codes.ART_6_3_CONDITIONS[x].label.lower() for x in conditions])
        c.say(
            why(
                "art_6_3_derogation",
                "Art. 6(3)",
                f"The Annex III use ({points}) is not high-risk because an Art. 6(3) condition "
                f"holds ({held}) and the system does not profile people.",
            )
        )
    else:
        c.say(
            why(
                "art_6_3_moot_under_annex_i",
                "Art. 6(3); Art. 6(1)",
                f"An Art. 6(3) condition holds for the Annex III use ({points}) and the system "
                "does not profile people, so that use alone would not make it high-risk; but "
                "the system is high-risk under Art. 6(1) anyway, so the derogation does not "
                "apply and no Art. 6(4) assessment or Art. 49(2) registration is needed.",
            )
        )


def _annex_iii_route(c: Case, annex_iii: list[str]) -> None:
    """Art. 43(1)-(2): the conformity route of an Annex III system (Annex I's route wins)."""
    if c.route is not None:
        return
    if T.ANNEX_III_POINT_1.intersection(annex_iii):
        c.route = "internal_control_or_notified_body"
        c.say(
            why(
                "conformity_biometrics",
                "Art. 43(1); Annex VI; Annex VII",
                "A biometric system (Annex III point 1) may use internal control only if "
                "harmonised standards or common specifications are applied in full; otherwise "
                "a notified body must assess it.",
            )
        )
    else:
        c.route = "internal_control"
        c.say(
            why(
                "conformity_internal_control",
                "Art. 43(2); Annex VI",
                "An Annex III system of points 2 to 8 is assessed by the provider itself "
                "(internal control), without a notified body.",
            )
        )


def apply_annex_iii_and_art_6_3(c: Case) -> None:
    """Art. 6(2): an Annex III purpose is high-risk unless an Art. 6(3) condition holds and
    the system does not profile people (Art. 6(3), third subparagraph)."""
    annex_iii = c.s["annex_iii"]
    if not annex_iii:
        return
    if c.annex_iii_derogated:
        _explain_derogation(c, join([codes.ANNEX_III[x].citation for x in annex_iii]))
        return
    if c.s["art_6_3_conditions"]:
        c.say(
            why(
                "profiling_override",
                "Art. 6(3), third subparagraph",
                "The system profiles natural persons, so the Art. 6(3) derogation is not "
                "available: an Annex III system that profiles people is always high-risk.",
            )
        )
    for code in annex_iii:
        point = codes.ANNEX_III[code]
        c.say(
            why(
                "annex_iii_high_risk",
                f"Art. 6(2); {point.citation}",
                f"The intended purpose is listed in Annex III ({point.label.lower()}), so the "
                "system is high-risk.",
            )
        )
    c.basis.extend(annex_iii)
    c.bases.append("annex_iii")
    _annex_iii_route(c, annex_iii)
