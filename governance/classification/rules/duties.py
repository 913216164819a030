"""Precedence 7 and 8 of the contract: who acts as the provider (Art. 25), AI literacy
(Art. 4), the high-risk duties of each role (Chapter III) and the Art. 6(4)/49(2) duties of a
provider relying on the derogation."""

from __future__ import annotations

from . import tables as T
from .case import Case, why


def _product_manufacturer(c: Case) -> None:
    """Art. 25(3): the product manufacturer is the provider of an Annex I high-risk system."""
    if c.annex_i_high_risk:
        c.acts_as_provider = True
        c.say(
            why(
                "product_manufacturer_is_provider",
                "Art. 2(1)(e); Art. 25(3)",
                "The system is high-risk as a product, or a safety component of a product, "
                "under Annex I, and the product manufacturer places it on the market with its "
                "product under its own name, so it has the obligations of the provider.",
            )
        )
        return
    becomes_provider = c.s["art_25_trigger"] and c.high_risk
    c.say(
        why(
            "product_manufacturer_not_provider",
            "Art. 25(3)",
            "A product manufacturer acts as the provider only of a system that is high-risk "
            "under Annex I; this system is not."
            + (
                ""
                if becomes_provider
                else " The organisation owes nothing under the AI Act as its product "
                "manufacturer (if it also develops or deploys the system, screen it in that "
                "role)."
            ),
        )
    )


def apply_role(c: Case) -> None:
    """Decide who acts as the provider (Art. 25) and add AI literacy (Art. 4)."""
    role = c.role
    c.acts_as_provider = role == "provider"
    if role == "product_manufacturer":
        _product_manufacturer(c)
    if c.s["art_25_trigger"] and not c.acts_as_provider:
        if c.high_risk:
            c.acts_as_provider = True
            c.say(
                why(
                    "art_25_becomes_provider",
                    "Art. 25(1)",
                    "By putting its name on the high-risk system, modifying it substantially or "
                    "changing its intended purpose, the organisation becomes its provider and "
                    "takes on the provider's obligations, besides those of its own role.",
                )
            )
        else:
            c.say(
                why(
                    "art_25_not_high_risk",
                    "Art. 25(1)",
                    "Art. 25(1) turns an operator into a provider only for a high-risk system; "
                    "this system is not high-risk, so it does not apply.",
                )
            )
    if c.acts_as_provider or role == "deployer":
        c.obligations.add("art_4")
        c.say(
            why(
                "ai_literacy",
                "Art. 4",
                "Every provider and deployer must take measures to support the development of "
                "AI literacy of the staff and other persons who operate or use the system on its "
                "behalf; no specific level of AI literacy has to be guaranteed.",
            )
        )


def _provider_registration(c: Case) -> None:
    """Art. 49(1)/(5): registration is owed where the basis includes an Annex III point."""
    points = c.annex_iii_basis()
    if not points:
        c.say(
            why(
                "no_registration_annex_i",
                "Art. 49(1)",
                "The system is high-risk under Annex I alone: registration in the EU database "
                "concerns the high-risk systems listed in Annex III, so none is owed.",
            )
        )
        return
    c.obligations.add("art_49")
    if points == [T.ANNEX_III_POINT_2]:
        c.say(
            why(
                "registration_national",
                "Art. 49(5)",
                "A critical-infrastructure system (Annex III point 2) is registered at national "
                "level before it is placed on the market or put into service.",
            )
        )
    else:
        c.say(
            why(
                "registration",
                "Art. 49(1); Annex VIII Section A",
                "Before placing the Annex III system on the market or putting it into service, "
                "the provider registers itself and the system in the EU database.",
            )
        )


def _provider_duties(c: Case) -> None:
    c.obligations.update(T.REQUIREMENTS)
    c.obligations.update(T.PROVIDER_DUTIES)
    c.say(
        why(
            "provider_duties",
            "Art. 16; Arts. 9-15; Arts. 17-21; Art. 43; Arts. 47-48; Arts. 72-73",
            "As provider of a high-risk system, the organisation must meet the requirements "
            "of Arts. 9-15 and the provider duties: quality management, documentation, logs, "
            "corrective action, cooperation, conformity assessment, declaration of "
            "conformity, CE marking, post-market monitoring and incident reporting.",
        )
    )
    _provider_registration(c)
    if not c.s["established_in_eu"]:
        c.obligations.add("art_22")
        c.say(
            why(
                "provider_outside_eu",
                "Art. 22(1)",
                "A provider established outside the EU must appoint an authorised "
                "representative in the EU by written mandate before making the system "
                "available.",
            )
        )


def _fundamental_rights_impact_assessment(c: Case) -> None:
    """Art. 27(1): Art. 6(2) systems other than Annex III point 2 only."""
    points = c.annex_iii_basis(except_point_2=True)
    public_service = c.s["public_service_deployer"]
    if points and (public_service or T.FRIA_ALWAYS.intersection(points)):
        c.obligations.add("art_27")
        if public_service:
            reason = "the deployer is a public body or a private entity providing public services"
        else:
            reason = "the system assesses creditworthiness or prices life or health insurance"
        c.say(
            why(
                "fundamental_rights_impact_assessment",
                "Art. 27(1)",
                f"A fundamental rights impact assessment is required before first use because "
                f"{reason}.",
            )
        )
    elif c.basis != ["annex_i"]:
        c.say(
            why(
                "no_fundamental_rights_impact_assessment",
                "Art. 27(1)",
                "No fundamental rights impact assessment is required: it applies only to Annex "
                "III systems other than point 2, used by public bodies or providers of public "
                "services, or to credit scoring and life or health insurance pricing.",
            )
        )


def _deployer_registration(c: Case) -> None:
    """Art. 26(8), Art. 49(3): a public-authority deployer registers its use of an Annex III
    system other than point 2."""
    if not c.s["public_authority"]:
        return
    if c.annex_iii_basis(except_point_2=True):
        c.obligations.add("art_49_3")
        c.say(
            why(
                "deployer_registration",
                "Art. 26(8); Art. 49(3); Annex VIII Section C",
                "As a public authority, or a Union institution, body, office or agency (or "
                "acting on their behalf), the deployer must register itself and its use of the "
                "system in the EU database before using it, and must not use a high-risk system "
                "that is not registered there.",
            )
        )
    else:
        c.say(
            why(
                "no_deployer_registration",
                "Art. 26(8); Art. 49(3)",
                "A public-authority deployer registers its use of Annex III systems other than "
                "point 2 only; this system is high-risk under "
                + ("Annex III point 2" if c.annex_iii_basis() else "Annex I")
                + ", so no registration of its use is owed.",
            )
        )


def _deployer_duties(c: Case) -> None:
    c.obligations.add("art_26")
    c.say(
        why(
            "deployer_duties",
            "Art. 26",
            "As deployer of a high-risk system, the organisation must use it according to the "
            "instructions, assign human oversight, monitor it, keep its logs and inform workers "
            "and the people affected.",
        )
    )
    _fundamental_rights_impact_assessment(c)
    _deployer_registration(c)


_OTHER_ROLES = {
    "authorised_representative": (
        "art_22",
        "authorised_representative",
        "Art. 22",
        "The authorised representative must carry out the tasks of its mandate: verify the "
        "declaration and documentation, keep them for 10 years, and cooperate with the "
        "authorities.",
    ),
    "importer": (
        "art_23",
        "importer",
        "Art. 23",
        "The importer must verify the conformity assessment, technical documentation, CE "
        "marking and authorised representative before placing the system on the market.",
    ),
    "distributor": (
        "art_24",
        "distributor",
        "Art. 24",
        "The distributor must verify the CE marking, declaration of conformity and "
        "instructions for use before making the system available.",
    ),
}


def apply_role_duties(c: Case) -> None:
    """Chapter III duties of each role for a high-risk system, unless Art. 2(2) removes them.

    Someone who acts as provider (Art. 25) keeps the duties of its own role as well.
    """
    if not c.high_risk or c.section_b:
        return
    if c.acts_as_provider:
        _provider_duties(c)
    role = c.role
    if role == "deployer":
        _deployer_duties(c)
    elif role in _OTHER_ROLES:
        code, rule, citation, explanation = _OTHER_ROLES[role]
        c.obligations.add(code)
        c.say(why(rule, citation, explanation))


def apply_derogation_duties(c: Case) -> None:
    """Art. 6(4), Art. 49(2): a provider relying on the derogation documents and registers."""
    if not (c.derogation and c.acts_as_provider):
        return
    c.obligations.add("art_6_4")
    c.obligations.add("art_49_2")
    c.say(
        why(
            "derogation_provider_duties",
            "Art. 6(4); Art. 49(2)",
            "A provider that considers an Annex III system not high-risk must document that "
            "assessment before placing it on the market and register the system in the EU "
            "database.",
        )
    )
