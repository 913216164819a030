"""Precedence 6 of the contract: the general-purpose AI model dimension (Chapter V)."""

from __future__ import annotations

from . import tables as T
from .case import Case, why


def _is_above_threshold(flops: int | float | None) -> bool:
    if flops is None:
        return False
    if type(flops) is int:
        return flops > T.FLOP_INT
    return flops > T.FLOP_FLOAT


def gpai_class(c: Case) -> bool:
    """Set the GPAI class (Art. 51) and explain it; return True for systemic risk."""
    gpai = c.s["gpai"]
    if gpai is None:
        c.gpai_class = "none"
        return False
    above = _is_above_threshold(gpai["training_flops"])
    designated = gpai["commission_designated"]
    if above:
        c.say(
            why(
                "gpai_systemic_risk_compute",
                "Art. 51(1)(a); Art. 51(2)",
                "The model was trained with more than 10^25 floating-point operations, so it is "
                "presumed to have high-impact capabilities: a general-purpose AI model with "
                "systemic risk.",
            )
        )
    if designated:
        c.say(
            why(
                "gpai_systemic_risk_designated",
                "Art. 51(1)(b); Art. 52; Annex XIII",
                "The Commission has designated the model as having systemic risk.",
            )
        )
    if above or designated:
        c.gpai_class = "gpai_systemic_risk"
        return True
    c.say(
        why(
            "gpai_model",
            "Art. 3(63); Art. 51",
            "The organisation provides a general-purpose AI model that is not above the 10^25 "
            "FLOP threshold and not designated by the Commission: a general-purpose AI model "
            "without systemic risk.",
        )
    )
    c.gpai_class = "gpai"
    return False


def _art_53(c: Case, open_source: bool, systemic: bool) -> None:
    c.obligations.add("art_53")
    if open_source and not systemic:
        c.say(
            why(
                "gpai_open_source",
                "Art. 53(2)",
                "The model is released under a free and open-source licence and has no systemic "
                "risk: it is spared technical documentation and downstream information "
                "(Art. 53(1)(a)-(b)) but must still have a copyright policy and publish a "
                "training-content summary (Art. 53(1)(c)-(d)).",
            )
        )
        return
    c.say(
        why(
            "gpai_provider_duties",
            "Art. 53(1)",
            "The model provider must keep technical documentation, inform downstream providers, "
            "have a copyright policy and publish a training-content summary."
            + (
                " The open-source exemption does not apply to a model with systemic risk."
                if open_source
                else ""
            ),
        )
    )


def _art_54(c: Case, open_source: bool, systemic: bool) -> None:
    """Art. 54(1), 54(6): an authorised representative for a provider outside the EU."""
    if c.s["established_in_eu"]:
        return
    if open_source and not systemic:
        c.say(
            why(
                "gpai_open_source_no_representative",
                "Art. 54(6)",
                "The model provider is established outside the EU, but the model is released "
                "under a free and open-source licence and has no systemic risk, so it needs no "
                "authorised representative in the EU.",
            )
        )
        return
    c.obligations.add("art_54")
    c.say(
        why(
            "gpai_outside_eu",
            "Art. 54(1)",
            "A model provider established outside the EU must appoint an authorised "
            "representative in the EU before placing the model on the market."
            + (
                " The open-source exemption of Art. 54(6) does not apply to a model with "
                "systemic risk."
                if open_source
                else ""
            ),
        )
    )


def apply_gpai(c: Case) -> None:
    """Class the model (Art. 51) and add Art. 53, 54 and 55 as they apply."""
    systemic = gpai_class(c)
    gpai = c.s["gpai"]
    if gpai is None:
        return
    open_source = gpai["open_source"]
    _art_53(c, open_source, systemic)
    if systemic:
        c.obligations.add("art_55")
        c.say(
            why(
                "gpai_systemic_risk_duties",
                "Art. 55",
                "A model with systemic risk must also be evaluated and red-teamed, its systemic "
                "risks assessed and mitigated, serious incidents reported and the model kept "
                "secure.",
            )
        )
    _art_54(c, open_source, systemic)
