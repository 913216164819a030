"""Precedence 5 of the contract: the Art. 50 duties of this role, and the tier."""

from __future__ import annotations

from . import tables as T
from .case import Case, join, why


def _provider_paragraphs(c: Case) -> None:
    t = c.t
    if t["interacts_with_persons"]:
        c.transparency.append("art_50_1")
        c.say(
            why(
                "art_50_1",
                "Art. 50(1)",
                "The system interacts directly with people: design it so they are told they are "
                "interacting with an AI system, unless that is obvious.",
            )
        )
    if t["synthetic_content"]:
        c.transparency.append("art_50_2")
        c.say(
            why(
                "art_50_2",
                "Art. 50(2)",
                "The system generates synthetic audio, images, video or text: mark its outputs "
                "in a machine-readable format so they can be detected as AI-generated.",
            )
        )


def _deployer_paragraphs(c: Case) -> bool:
    """Add Art. 50(3)-(4); return True when editorial control lifts the text disclosure."""
    t = c.t
    if t["emotion_recognition_or_biometric_categorisation"]:
        c.transparency.append("art_50_3")
        c.say(
            why(
                "art_50_3",
                "Art. 50(3)",
                "The system recognises emotions or categorises people biometrically: inform the "
                "people exposed to it.",
            )
        )
    editorial = t["public_interest_text"] and t["human_editorial_control"]
    disclose = []
    if t["deep_fake"]:
        disclose.append("deep fakes")
    if t["public_interest_text"] and not editorial:
        disclose.append("text published on matters of public interest")
    if disclose:
        c.transparency.append("art_50_4")
        c.say(
            why(
                "art_50_4",
                "Art. 50(4)",
                f"Disclose that the {join(disclose)} were generated or manipulated by AI.",
            )
        )
    if editorial:
        c.say(
            why(
                "art_50_4_editorial_control",
                "Art. 50(4), second subparagraph",
                "The AI-generated text on matters of public interest is reviewed by a person "
                "with editorial responsibility, so it needs no AI disclosure.",
            )
        )
    return editorial


def apply_transparency(c: Case) -> None:
    """Art. 50 per role: paragraphs 1-2 are the provider's, 3-4 the deployer's. Someone who
    became provider under Art. 25 owes both sets; a high-risk system keeps its Art. 50 duties."""
    if not c.art_50_facts:
        return
    if c.acts_as_provider:
        _provider_paragraphs(c)
    editorial = _deployer_paragraphs(c) if c.role == "deployer" else False
    if not c.transparency and not editorial:
        c.say(
            why(
                "art_50_other_roles",
                "Art. 50(1)-(4)",
                "Art. 50 puts the transparency duties for these facts on the provider "
                "(paragraphs 1-2) or the deployer (paragraphs 3-4), not on this role.",
            )
        )
    c.obligations.update(c.transparency)


def apply_tier(c: Case) -> None:
    """High-risk if a basis was found; else limited risk for any Art. 50 fact; else minimal."""
    if c.high_risk:
        c.tier = "high_risk"
    elif c.art_50_facts:
        c.tier = "limited_risk"
        labels = join([T.FACT_PHRASES[k] for k in c.art_50_facts])
        c.say(
            why(
                "limited_risk",
                "Art. 50",
                f"The system is not high-risk but {labels}: it is a limited-risk system with "
                "transparency duties.",
            )
        )
    else:
        c.tier = "minimal_risk"
        c.say(
            why(
                "minimal_risk",
                "Art. 95",
                "No prohibition, high-risk listing or transparency fact applies: a minimal-risk "
                "system. Voluntary codes of conduct are encouraged.",
            )
        )
