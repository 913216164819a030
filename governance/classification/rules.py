"""Classify an AI system under the EU AI Act: screening in, classification out.

The contract is `/work/shared/spec/eu-ai-act-screening.md` (input schema
`eu-ai-act-screening/1`, output schema `eu-ai-act-classification/1`). The law applied is
Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744 ("Digital Omnibus on AI").
Pure Python: no Django, no database, no I/O except the cached timeline file.

Decisions where the contract is silent (each cites its article where it is applied):

- Lists in the output (`obligations`, `high_risk_basis`, `prohibited_practices`,
  `transparency`) are in plain string order, as the contract says "sorted"; use
  `codes.article_sort_key` to show them in article order.
- A product manufacturer is a provider in every respect: it places the AI system on the market
  with its product under its own name (Art. 2(1)(e), Art. 3(3), Art. 25(3)).
- `art_25_trigger` only matters for a high-risk system (Art. 25(1)); the person keeps the duties
  of its own role as well (a deployer that modifies a system and keeps using it is still its
  deployer).
- Under Annex I Section B, Art. 2(2) removes every high-risk role duty (Art. 8-49 and the
  provider's Art. 72-73 duties), even where an Annex III point also applies; AI literacy, Art. 50
  and GPAI duties are kept, as the contract lists them for every in-scope system.
- The Art. 6(3) derogation only concerns the Annex III leg (it derogates from Art. 6(2)): a
  system high-risk under Annex I whose Annex III use meets Art. 6(3) is high-risk with basis
  `annex_i`; as the contract defines `derogation_applied` as "an Annex III system is not
  high-risk because of Art. 6(3)", it is false there, and no `art_6_4` / `art_49_2` is owed (a
  provider of a high-risk system cannot consider it not high-risk, Art. 6(4), Art. 49(2)).
- `conformity_route` describes the system, whatever the role; Annex III point 1 gives
  `internal_control_or_notified_body` (Art. 43(1)); `notified_body` is never chosen because the
  screening does not record whether harmonised standards were applied in full.
- Art. 50 facts map one to one: interacts → 50(1), synthetic content → 50(2), emotion
  recognition or biometric categorisation → 50(3), deep fake or public-interest text → 50(4).
- GPAI: above 10^25 FLOP means strictly greater (Art. 51(2)); a JSON float is read as the
  decimal it spells, so 1e25 is not above. `art_54` applies to every GPAI provider outside the
  EU, as the contract says; an out-of-scope system reports `gpai: "none"`, a prohibited one
  reports its GPAI class but owes only `art_5`.
"""

from __future__ import annotations

import math

from . import codes
from .timeline import Timeline, default_timeline

SCHEMA_IN = "eu-ai-act-screening/1"
SCHEMA_OUT = "eu-ai-act-classification/1"

__all__ = [
    "SCHEMA_IN",
    "SCHEMA_OUT",
    "ScreeningInvalid",
    "classify",
    "evaluate",
    "validate_screening",
]


class ScreeningInvalid(ValueError):
    """Raise when a screening breaks the contract; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid screening: " + "; ".join(self.problems))


# ---------------------------------------------------------------------------------------------
# Tables derived once from codes.py
# ---------------------------------------------------------------------------------------------

_MISSING = object()

_KEY_ORDER = (
    "schema",
    "role",
    "is_ai_system",
    "eu_nexus",
    "established_in_eu",
    "scope_exclusion",
    "prohibited_practices",
    "prohibited_exception",
    "annex_i",
    "annex_iii",
    "art_6_3_conditions",
    "profiling",
    "art_25_trigger",
    "public_service_deployer",
    "transparency",
    "gpai",
)
_KEYS = frozenset(_KEY_ORDER)
_ANNEX_I_KEYS = frozenset({"legislation", "third_party_conformity_assessment"})
_TRANSPARENCY_KEYS = tuple(codes.TRANSPARENCY_FACTS)
_TRANSPARENCY_KEYSET = frozenset(_TRANSPARENCY_KEYS)
_GPAI_KEYS = frozenset({"training_flops", "commission_designated", "open_source"})

_ROLES = frozenset(codes.ROLES)
_SCOPE_EXCLUSIONS = frozenset(codes.SCOPE_EXCLUSIONS)
_PRACTICES = frozenset(codes.PROHIBITED_PRACTICES)
_EXCEPTIONS = frozenset(codes.PROHIBITED_EXCEPTIONS)
_EXCEPTION_PRACTICE = {x.code: x.practice for x in codes.PROHIBITED_EXCEPTIONS.values()}
_ANNEX_I = frozenset(codes.ANNEX_I)
_ANNEX_I_SECTION_B = frozenset(c for c, x in codes.ANNEX_I.items() if x.section == "B")
_ANNEX_III = frozenset(codes.ANNEX_III)
_ANNEX_III_POINT_1 = frozenset(c for c, x in codes.ANNEX_III.items() if x.area == 1)
_CONDITIONS = frozenset(codes.ART_6_3_CONDITIONS)

# Art. 2(1)(e), 3(3), 25(3): roles that act as the provider of the AI system.
_PROVIDER_ROLES = frozenset({"provider", "product_manufacturer"})

# Art. 8-15 (Chapter III Section 2) and Art. 16 provider duties, as listed in the contract.
_REQUIREMENTS = ("art_9", "art_10", "art_11", "art_12", "art_13", "art_14", "art_15")
_PROVIDER_DUTIES = (
    "art_16",
    "art_17",
    "art_18",
    "art_19",
    "art_20",
    "art_21",
    "art_43",
    "art_47",
    "art_48",
    "art_49",
    "art_72",
    "art_73",
)
# Art. 27(1): the FRIA applies to every deployer of points 5(b) and 5(c).
_FRIA_ALWAYS = frozenset({"annex_iii_5_b", "annex_iii_5_c"})

# Art. 51(2): presumption "greater than 10^25" FLOP. Ints compare exactly with the int; floats
# with the float 1e25, so the JSON number 1e25 (a float slightly above 10^25 in binary) is
# read as exactly 10^25 and is not above the threshold.
_FLOP_INT = 10**25
_FLOP_FLOAT = 1e25

# Art. 50 facts as the end of "The system is not high-risk but ...".
_FACT_PHRASES = {
    "interacts_with_persons": "interacts with people",
    "synthetic_content": "generates synthetic content",
    "emotion_recognition_or_biometric_categorisation": (
        "recognises emotions or categorises people biometrically"
    ),
    "deep_fake": "makes deep fakes",
    "public_interest_text": "writes text on matters of public interest",
}


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _show(value: object) -> str:
    """Render a JSON value for a problem message, short."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (str, int, float)):
        text = repr(value)
    elif isinstance(value, dict):
        return "an object"
    elif isinstance(value, list):
        return "a list"
    else:
        return type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _bool(data: dict, key: str, label: str, problems: list[str]) -> bool:
    value = data.get(key, False)
    if value is True or value is False:
        return value
    problems.append(f"{label}: must be true or false, got {_show(value)}")
    return False


def _choice(
    data: dict, key: str, allowed: frozenset[str], problems: list[str], *, nullable: bool
) -> tuple[str | None, bool]:
    """Return (value, ok) for a code, or null where the contract allows it."""
    value = data.get(key)
    if value is None:
        return None, True
    if type(value) is not str:
        kind = "null or a code" if nullable else "a code"
        problems.append(f"{key}: must be {kind} (a string), got {_show(value)}")
        return None, False
    if value not in allowed:
        problems.append(f"{key}: unknown code {_show(value)}")
        return None, False
    return value, True


def _codes(
    data: dict, key: str, allowed: frozenset[str], problems: list[str]
) -> tuple[list[str], bool]:
    """Return (sorted unique codes, ok) for a list of codes."""
    value = data.get(key, _MISSING)
    if value is _MISSING or (type(value) is list and not value):
        return [], True
    if type(value) is not list:
        problems.append(f"{key}: must be a list of codes, got {_show(value)}")
        return [], False
    try:
        unique = set(value)
    except TypeError:
        unique = None
    if unique is not None and unique <= allowed:
        return sorted(unique), True
    good: set[str] = set()
    seen_bad: set[str] = set()
    for i, item in enumerate(value):
        if type(item) is not str:
            problems.append(f"{key}: item {i} must be a code (a string), got {_show(item)}")
        elif item in allowed:
            good.add(item)
        elif item not in seen_bad:
            seen_bad.add(item)
            problems.append(f"{key}: unknown code {_show(item)}")
    return sorted(good), False


def _unknown_keys(value: dict, allowed: frozenset[str], prefix: str, problems: list[str]) -> None:
    if value.keys() <= allowed:
        return
    for key in sorted((k for k in value if k not in allowed), key=str):
        problems.append(f"{prefix}{key}: unknown key")


def validate_screening(data: object) -> dict:
    """Check a screening against the contract and return it normalised.

    The result has every key of the contract, with the neutral value (false, null or empty
    list) for a key left out; lists are de-duplicated and sorted. Raise `ScreeningInvalid`
    naming every problem, each starting with the key it concerns.
    """
    if type(data) is not dict:
        raise ScreeningInvalid([f"screening: must be a JSON object, got {_show(data)}"])
    problems: list[str] = []
    _unknown_keys(data, _KEYS, "", problems)

    schema = data.get("schema", _MISSING)
    if schema is _MISSING:
        problems.append("schema: required")
    elif schema != SCHEMA_IN:
        problems.append(f"schema: must be {SCHEMA_IN!r}, got {_show(schema)}")

    if "role" not in data:
        problems.append("role: required")
        role = None
    elif data["role"] is None:
        problems.append("role: must be a code (a string), got null")
        role = None
    else:
        role, _ = _choice(data, "role", _ROLES, problems, nullable=False)

    if "is_ai_system" in data:
        is_ai_system = _bool(data, "is_ai_system", "is_ai_system", problems)
    else:
        problems.append("is_ai_system: required")
        is_ai_system = False

    eu_nexus = _bool(data, "eu_nexus", "eu_nexus", problems)
    established = _bool(data, "established_in_eu", "established_in_eu", problems)
    exclusion, _ = _choice(data, "scope_exclusion", _SCOPE_EXCLUSIONS, problems, nullable=True)
    practices, practices_ok = _codes(data, "prohibited_practices", _PRACTICES, problems)
    exception, exception_ok = _choice(
        data, "prohibited_exception", _EXCEPTIONS, problems, nullable=True
    )

    annex_i = data.get("annex_i")
    if annex_i is not None:
        if type(annex_i) is not dict:
            problems.append(
                "annex_i: must be null or an object with legislation and "
                f"third_party_conformity_assessment, got {_show(annex_i)}"
            )
            annex_i = None
        else:
            _unknown_keys(annex_i, _ANNEX_I_KEYS, "annex_i.", problems)
            legislation = annex_i.get("legislation")
            if legislation is None:
                problems.append("annex_i.legislation: required when annex_i is given")
            elif type(legislation) is not str:
                problems.append(
                    f"annex_i.legislation: must be a code (a string), got {_show(legislation)}"
                )
                legislation = None
            elif legislation not in _ANNEX_I:
                problems.append(f"annex_i.legislation: unknown code {_show(legislation)}")
                legislation = None
            third_party = _bool(
                annex_i,
                "third_party_conformity_assessment",
                "annex_i.third_party_conformity_assessment",
                problems,
            )
            annex_i = {
                "legislation": legislation,
                "third_party_conformity_assessment": third_party,
            }

    annex_iii, annex_iii_ok = _codes(data, "annex_iii", _ANNEX_III, problems)
    conditions, conditions_ok = _codes(data, "art_6_3_conditions", _CONDITIONS, problems)
    profiling = _bool(data, "profiling", "profiling", problems)
    trigger = _bool(data, "art_25_trigger", "art_25_trigger", problems)
    public_service = _bool(data, "public_service_deployer", "public_service_deployer", problems)

    # null is the neutral value of an object key (the contract: "false, null or empty list").
    raw_t = data.get("transparency")
    if raw_t is None:
        transparency = dict.fromkeys(_TRANSPARENCY_KEYS, False)
    elif type(raw_t) is not dict:
        problems.append(f"transparency: must be an object of true/false facts, got {_show(raw_t)}")
        transparency = dict.fromkeys(_TRANSPARENCY_KEYS, False)
    else:
        _unknown_keys(raw_t, _TRANSPARENCY_KEYSET, "transparency.", problems)
        transparency = {}
        for key in _TRANSPARENCY_KEYS:
            value = raw_t.get(key, False)
            if value is True or value is False:
                transparency[key] = value
            else:
                problems.append(f"transparency.{key}: must be true or false, got {_show(value)}")
                transparency[key] = False

    gpai = data.get("gpai")
    if gpai is not None:
        if type(gpai) is not dict:
            problems.append(
                "gpai: must be null or an object with training_flops, commission_designated "
                f"and open_source, got {_show(gpai)}"
            )
            gpai = None
        else:
            _unknown_keys(gpai, _GPAI_KEYS, "gpai.", problems)
            flops = gpai.get("training_flops")
            kind = type(flops)
            if flops is None:
                pass  # unknown compute: the Art. 51(2) presumption cannot fire
            elif kind is not int and kind is not float:
                problems.append(f"gpai.training_flops: must be a number, got {_show(flops)}")
                flops = None
            elif kind is float and not math.isfinite(flops):
                problems.append(f"gpai.training_flops: must be a finite number, got {flops!r}")
                flops = None
            elif flops < 0:
                problems.append(f"gpai.training_flops: must not be negative, got {flops!r}")
                flops = None
            gpai = {
                "training_flops": flops,
                "commission_designated": _bool(
                    gpai, "commission_designated", "gpai.commission_designated", problems
                ),
                "open_source": _bool(gpai, "open_source", "gpai.open_source", problems),
            }

    # Contradictions: an answer that qualifies another answer which is absent.
    # Art. 6(3): the derogation is only for systems referred to in Annex III.
    if conditions and annex_iii_ok and not annex_iii and conditions_ok:
        problems.append(
            "art_6_3_conditions: a derogation is claimed but no Annex III point is given "
            "(Art. 6(3) only applies to Annex III systems)"
        )
    # Art. 5(1)(f), (g), (h): each exception belongs to one practice.
    if exception is not None and exception_ok and practices_ok:
        practice = _EXCEPTION_PRACTICE[exception]
        if practice not in practices:
            problems.append(
                f"prohibited_exception: {exception!r} is an exception to "
                f"{codes.PROHIBITED_PRACTICES[practice].citation} ({practice}), which is not "
                "listed in prohibited_practices"
            )

    if problems:
        raise ScreeningInvalid(problems)
    return {
        "schema": SCHEMA_IN,
        "role": role,
        "is_ai_system": is_ai_system,
        "eu_nexus": eu_nexus,
        "established_in_eu": established,
        "scope_exclusion": exclusion,
        "prohibited_practices": practices,
        "prohibited_exception": exception,
        "annex_i": annex_i,
        "annex_iii": annex_iii,
        "art_6_3_conditions": conditions,
        "profiling": profiling,
        "art_25_trigger": trigger,
        "public_service_deployer": public_service,
        "transparency": transparency,
        "gpai": gpai,
    }


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def _why(rule: str, citation: str, explanation: str) -> dict:
    return {"rule": rule, "citation": citation, "explanation": explanation}


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _is_above_threshold(flops: int | float | None) -> bool:
    if flops is None:
        return False
    if type(flops) is int:
        return flops > _FLOP_INT
    return flops > _FLOP_FLOAT


def _gpai_class(gpai: dict | None, rationale: list[dict]) -> tuple[str, bool]:
    """Return (gpai class, systemic) and explain it."""
    if gpai is None:
        return "none", False
    above = _is_above_threshold(gpai["training_flops"])
    designated = gpai["commission_designated"]
    if above:
        rationale.append(
            _why(
                "gpai_systemic_risk_compute",
                "Art. 51(1)(a); Art. 51(2)",
                "The model was trained with more than 10^25 floating-point operations, so it is "
                "presumed to have high-impact capabilities: a general-purpose AI model with "
                "systemic risk.",
            )
        )
    if designated:
        rationale.append(
            _why(
                "gpai_systemic_risk_designated",
                "Art. 51(1)(b); Art. 52; Annex XIII",
                "The Commission has designated the model as having systemic risk.",
            )
        )
    if above or designated:
        return "gpai_systemic_risk", True
    rationale.append(
        _why(
            "gpai_model",
            "Art. 3(63); Art. 51",
            "The organisation provides a general-purpose AI model that is not above the 10^25 "
            "FLOP threshold and not designated by the Commission: a general-purpose AI model "
            "without systemic risk.",
        )
    )
    return "gpai", False


def _result(
    tier: str,
    basis: list[str],
    derogation: bool,
    prohibited: list[str],
    transparency: list[str],
    gpai: str,
    obligations: list[str],
    route: str | None,
    applies: dict[str, str],
    rationale: list[dict],
) -> dict:
    return {
        "schema": SCHEMA_OUT,
        "tier": tier,
        "high_risk_basis": basis,
        "derogation_applied": derogation,
        "prohibited_practices": prohibited,
        "transparency": transparency,
        "gpai": gpai,
        "obligations": obligations,
        "conformity_route": route,
        "applies_from": applies,
        "rationale": rationale,
    }


def evaluate(s: dict, timeline: Timeline | None = None) -> dict:
    """Classify a screening already normalised by `validate_screening`."""
    tl = timeline if timeline is not None else default_timeline()
    rationale: list[dict] = []
    why = rationale.append
    role = s["role"]
    t = s["transparency"]

    # Facts the scope decision needs (Art. 2(12) looks ahead at Art. 5, 6 and 50).
    practices = s["prohibited_practices"]
    exception = s["prohibited_exception"]
    excepted = _EXCEPTION_PRACTICE[exception] if exception else None
    banned = [p for p in practices if p != excepted] if excepted else practices
    annex_i = s["annex_i"]
    annex_i_high_risk = annex_i is not None and annex_i["third_party_conformity_assessment"]
    annex_iii = s["annex_iii"]
    conditions = s["art_6_3_conditions"]
    # Art. 6(3) conditions met for the Annex III leg; the derogation is only "applied" (the
    # system is not high-risk because of it) when Annex I does not make it high-risk anyway.
    annex_iii_derogated = bool(annex_iii) and bool(conditions) and not s["profiling"]
    derogation = annex_iii_derogated and not annex_i_high_risk
    annex_iii_high_risk = bool(annex_iii) and not annex_iii_derogated
    art_50_facts = [k for k in codes.ART_50_FACT_KEYS if t[k]]

    # 1. Scope: Art. 3(1), Art. 2(1), Art. 2(3)-(12).
    out_reasons: list[dict] = []
    if not s["is_ai_system"]:
        out_reasons.append(
            _why(
                "not_an_ai_system",
                "Art. 3(1)",
                "The system does not meet the definition of an AI system (it does not infer "
                "from its inputs how to generate outputs), so the AI Act does not apply to it.",
            )
        )
    if not s["eu_nexus"]:
        out_reasons.append(
            _why(
                "no_eu_nexus",
                "Art. 2(1)",
                "The system is not placed on the market or put into service in the EU and its "
                "output is not used in the EU, so the AI Act does not reach it.",
            )
        )
    exclusion = s["scope_exclusion"]
    if exclusion is not None:
        entry = codes.SCOPE_EXCLUSIONS[exclusion]
        lapses: list[str] = []
        if exclusion == "free_open_source":
            if banned:
                lapses.append("performs a prohibited practice")
            if annex_i_high_risk or annex_iii_high_risk:
                lapses.append("is high-risk")
            if art_50_facts:
                lapses.append("falls under Art. 50")
        if lapses:
            if not out_reasons:
                why(
                    _why(
                        "open_source_exclusion_lapses",
                        "Art. 2(12)",
                        "The free and open-source exclusion does not hold because the system "
                        f"{_join(lapses)}.",
                    )
                )
        else:
            out_reasons.append(
                _why(
                    "scope_exclusion",
                    entry.citation,
                    f"The exclusion claimed ({entry.label.lower()}) takes the system outside "
                    "the AI Act.",
                )
            )
    if out_reasons:
        return _result(
            "out_of_scope", [], False, [], [], "none", [], None, {}, rationale + out_reasons
        )
    why(
        _why(
            "in_scope",
            "Art. 2(1); Art. 3(1)",
            f"The system is an AI system with an EU link and the organisation is its "
            f"{codes.ROLES[role].label.lower()}, so the AI Act applies.",
        )
    )

    # 2. Prohibited practices: Art. 5(1).
    if excepted:
        x = codes.PROHIBITED_EXCEPTIONS[exception]
        why(
            _why(
                "prohibited_exception",
                x.citation,
                f"The exception '{x.label.lower()}' covers "
                f"{codes.PROHIBITED_PRACTICES[excepted].label.lower()}, so that practice does "
                "not make the system prohibited.",
            )
        )
        if excepted == "art_5_1_h" and "annex_iii_1_a" not in annex_iii:
            why(
                _why(
                    "remote_biometric_identification_is_annex_iii",
                    "Annex III point 1(a)",
                    "A remote biometric identification system is listed in Annex III point 1(a): "
                    "add that point to the screening so its high-risk duties are listed.",
                )
            )
        elif excepted == "art_5_1_f" and "annex_iii_1_c" not in annex_iii:
            why(
                _why(
                    "emotion_recognition_is_annex_iii",
                    "Annex III point 1(c)",
                    "An emotion recognition system is listed in Annex III point 1(c): add that "
                    "point to the screening so its high-risk duties are listed.",
                )
            )
    if banned:
        for code in banned:
            p = codes.PROHIBITED_PRACTICES[code]
            why(
                _why(
                    "prohibited_practice",
                    p.citation,
                    f"The system performs a prohibited practice: {p.label.lower()}.",
                )
            )
        gpai_class, _ = _gpai_class(s["gpai"], rationale)
        why(
            _why(
                "prohibited",
                "Art. 5(1)",
                "A prohibited system may not be placed on the market, put into service or used "
                "in the EU; that is its only obligation, so no other duty is listed.",
            )
        )
        return _result(
            "prohibited",
            [],
            False,
            list(banned),
            [],
            gpai_class,
            ["art_5"],
            None,
            {"art_5": tl.iso("art_5", (), tuple(banned))},
            rationale,
        )

    # 3. Art. 6(1) + Annex I.
    basis: list[str] = []
    bases: list[str] = []
    route: str | None = None
    section_b = False
    if annex_i is not None:
        leg = codes.ANNEX_I[annex_i["legislation"]]
        if annex_i_high_risk:
            basis.append("annex_i")
            bases.append("annex_i")
            route = "product_legislation"
            why(
                _why(
                    "annex_i_high_risk",
                    f"Art. 6(1); {leg.citation}",
                    f"The system is a safety component of, or is itself, a product under the "
                    f"{leg.label.lower()} legislation that needs a third-party conformity "
                    "assessment, so it is high-risk.",
                )
            )
            if leg.section == "B":
                section_b = True
                why(
                    _why(
                        "annex_i_section_b",
                        "Art. 2(2)",
                        "The product falls under Annex I Section B. Art. 2(2) limits the AI Act "
                        "to Art. 6(1), Art. 60a and the amended sectoral acts (Arts. 102-112): "
                        "the system is still high-risk, but it owes none of the Art. 8-49 "
                        "duties under the AI Act itself; its AI requirements come through the "
                        "sectoral legislation.",
                    )
                )
            why(
                _why(
                    "conformity_product_legislation",
                    "Art. 43(3)",
                    "The conformity assessment is the one of the product legislation, with the "
                    "AI requirements added to it.",
                )
            )
        else:
            why(
                _why(
                    "annex_i_no_third_party_assessment",
                    f"Art. 6(1)(b); {leg.citation}",
                    "The product does not need a third-party conformity assessment, so Annex I "
                    "does not make the system high-risk.",
                )
            )

    # 4. Art. 6(2) + Annex III, Art. 6(3) derogation.
    if annex_iii:
        if derogation:
            held = _join([codes.ART_6_3_CONDITIONS[c].label.lower() for c in conditions])
            why(
                _why(
                    "art_6_3_derogation",
                    "Art. 6(3)",
                    f"The Annex III use ({_join([codes.ANNEX_III[c].citation for c in annex_iii])})"
                    f" is not high-risk because an Art. 6(3) condition holds ({held}) and the "
                    "system does not profile people.",
                )
            )
        elif annex_iii_derogated:
            why(
                _why(
                    "art_6_3_moot_under_annex_i",
                    "Art. 6(3); Art. 6(1)",
                    f"An Art. 6(3) condition holds for the Annex III use "
                    f"({_join([codes.ANNEX_III[c].citation for c in annex_iii])}) and the system "
                    "does not profile people, so that use alone would not make it high-risk; but "
                    "the system is high-risk under Art. 6(1) anyway, so the derogation does not "
                    "apply and no Art. 6(4) assessment or Art. 49(2) registration is needed.",
                )
            )
        else:
            if conditions:
                why(
                    _why(
                        "profiling_override",
                        "Art. 6(3), third subparagraph",
                        "The system profiles natural persons, so the Art. 6(3) derogation is not "
                        "available: an Annex III system that profiles people is always "
                        "high-risk.",
                    )
                )
            for code in annex_iii:
                point = codes.ANNEX_III[code]
                why(
                    _why(
                        "annex_iii_high_risk",
                        f"Art. 6(2); {point.citation}",
                        f"The intended purpose is listed in Annex III "
                        f"({point.label.lower()}), so the system is high-risk.",
                    )
                )
            basis.extend(annex_iii)
            bases.append("annex_iii")
            if route is None:
                if _ANNEX_III_POINT_1.intersection(annex_iii):
                    route = "internal_control_or_notified_body"
                    why(
                        _why(
                            "conformity_biometrics",
                            "Art. 43(1); Annex VI; Annex VII",
                            "A biometric system (Annex III point 1) may use internal control "
                            "only if harmonised standards or common specifications are applied "
                            "in full; otherwise a notified body must assess it.",
                        )
                    )
                else:
                    route = "internal_control"
                    why(
                        _why(
                            "conformity_internal_control",
                            "Art. 43(2); Annex VI",
                            "An Annex III system of points 2 to 8 is assessed by the provider "
                            "itself (internal control), without a notified body.",
                        )
                    )
    high_risk = bool(basis)

    # Role: who acts as provider (Art. 25).
    acts_as_provider = role in _PROVIDER_ROLES
    if role == "product_manufacturer":
        why(
            _why(
                "product_manufacturer_is_provider",
                "Art. 2(1)(e); Art. 25(3)",
                "The product manufacturer places the AI system on the market with its product "
                "under its own name, so it has the obligations of the provider.",
            )
        )
    if s["art_25_trigger"] and not acts_as_provider:
        if high_risk:
            acts_as_provider = True
            why(
                _why(
                    "art_25_becomes_provider",
                    "Art. 25(1)",
                    "By putting its name on the high-risk system, modifying it substantially or "
                    "changing its intended purpose, the organisation becomes its provider and "
                    "takes on the provider's obligations, besides those of its own role.",
                )
            )
        else:
            why(
                _why(
                    "art_25_not_high_risk",
                    "Art. 25(1)",
                    "Art. 25(1) turns an operator into a provider only for a high-risk system; "
                    "this system is not high-risk, so it does not apply.",
                )
            )

    obligations: set[str] = set()
    if acts_as_provider or role == "deployer":
        obligations.add("art_4")
        why(
            _why(
                "ai_literacy",
                "Art. 4",
                "Every provider and deployer must take measures to support the AI literacy of "
                "the staff and other persons who operate or use the system on its behalf.",
            )
        )

    # 8. High-risk role duties (Chapter III), unless Art. 2(2) removes them.
    established = s["established_in_eu"]
    if high_risk and not section_b:
        if acts_as_provider:
            obligations.update(_REQUIREMENTS)
            obligations.update(_PROVIDER_DUTIES)
            why(
                _why(
                    "provider_duties",
                    "Art. 16; Arts. 9-15; Arts. 17-21; Art. 43; Arts. 47-49; Arts. 72-73",
                    "As provider of a high-risk system, the organisation must meet the "
                    "requirements of Arts. 9-15 and the provider duties: quality management, "
                    "documentation, logs, corrective action, cooperation, conformity "
                    "assessment, declaration of conformity, CE marking, registration, "
                    "post-market monitoring and incident reporting.",
                )
            )
            if not established:
                obligations.add("art_22")
                why(
                    _why(
                        "provider_outside_eu",
                        "Art. 22(1)",
                        "A provider established outside the EU must appoint an authorised "
                        "representative in the EU by written mandate before making the system "
                        "available.",
                    )
                )
        if role == "authorised_representative":
            obligations.add("art_22")
            why(
                _why(
                    "authorised_representative",
                    "Art. 22",
                    "The authorised representative must carry out the tasks of its mandate: "
                    "verify the declaration and documentation, keep them for 10 years, and "
                    "cooperate with the authorities.",
                )
            )
        elif role == "importer":
            obligations.add("art_23")
            why(
                _why(
                    "importer",
                    "Art. 23",
                    "The importer must verify the conformity assessment, technical "
                    "documentation, CE marking and authorised representative before placing "
                    "the system on the market.",
                )
            )
        elif role == "distributor":
            obligations.add("art_24")
            why(
                _why(
                    "distributor",
                    "Art. 24",
                    "The distributor must verify the CE marking, declaration of conformity and "
                    "instructions for use before making the system available.",
                )
            )
        elif role == "deployer":
            obligations.add("art_26")
            why(
                _why(
                    "deployer_duties",
                    "Art. 26",
                    "As deployer of a high-risk system, the organisation must use it according "
                    "to the instructions, assign human oversight, monitor it, keep its logs and "
                    "inform workers and the people affected.",
                )
            )
            # Art. 27(1): Art. 6(2) systems other than Annex III point 2 only.
            annex_iii_basis = [c for c in basis if c != "annex_i" and c != "annex_iii_2"]
            if annex_iii_basis and (
                s["public_service_deployer"] or _FRIA_ALWAYS.intersection(annex_iii_basis)
            ):
                obligations.add("art_27")
                if s["public_service_deployer"]:
                    reason = (
                        "the deployer is a public body or a private entity providing public "
                        "services"
                    )
                else:
                    reason = (
                        "the system assesses creditworthiness or prices life or health insurance"
                    )
                why(
                    _why(
                        "fundamental_rights_impact_assessment",
                        "Art. 27(1)",
                        f"A fundamental rights impact assessment is required before first use "
                        f"because {reason}.",
                    )
                )
            elif basis != ["annex_i"]:
                why(
                    _why(
                        "no_fundamental_rights_impact_assessment",
                        "Art. 27(1)",
                        "No fundamental rights impact assessment is required: it applies only "
                        "to Annex III systems other than point 2, used by public bodies or "
                        "providers of public services, or to credit scoring and life or health "
                        "insurance pricing.",
                    )
                )

    # Art. 6(4), Art. 49(2): a provider relying on the derogation documents and registers.
    if derogation and acts_as_provider:
        obligations.add("art_6_4")
        obligations.add("art_49_2")
        why(
            _why(
                "derogation_provider_duties",
                "Art. 6(4); Art. 49(2)",
                "A provider that considers an Annex III system not high-risk must document that "
                "assessment before placing it on the market and register the system in the EU "
                "database.",
            )
        )

    # 5. Transparency (Art. 50), per role: paragraphs 1-2 are the provider's, 3-4 the
    # deployer's. Someone who became provider under Art. 25 owes both sets.
    transparency: list[str] = []
    if art_50_facts:
        if acts_as_provider:
            if t["interacts_with_persons"]:
                transparency.append("art_50_1")
                why(
                    _why(
                        "art_50_1",
                        "Art. 50(1)",
                        "The system interacts directly with people: design it so they are told "
                        "they are interacting with an AI system, unless that is obvious.",
                    )
                )
            if t["synthetic_content"]:
                transparency.append("art_50_2")
                why(
                    _why(
                        "art_50_2",
                        "Art. 50(2)",
                        "The system generates synthetic audio, images, video or text: mark its "
                        "outputs in a machine-readable format so they can be detected as "
                        "AI-generated.",
                    )
                )
        editorial = False
        if role == "deployer":
            if t["emotion_recognition_or_biometric_categorisation"]:
                transparency.append("art_50_3")
                why(
                    _why(
                        "art_50_3",
                        "Art. 50(3)",
                        "The system recognises emotions or categorises people biometrically: "
                        "inform the people exposed to it.",
                    )
                )
            editorial = t["public_interest_text"] and t["human_editorial_control"]
            disclose = []
            if t["deep_fake"]:
                disclose.append("deep fakes")
            if t["public_interest_text"] and not editorial:
                disclose.append("text published on matters of public interest")
            if disclose:
                transparency.append("art_50_4")
                why(
                    _why(
                        "art_50_4",
                        "Art. 50(4)",
                        f"Disclose that the {_join(disclose)} were generated or manipulated by AI.",
                    )
                )
            if editorial:
                why(
                    _why(
                        "art_50_4_editorial_control",
                        "Art. 50(4), second subparagraph",
                        "The AI-generated text on matters of public interest is reviewed by a "
                        "person with editorial responsibility, so it needs no AI disclosure.",
                    )
                )
        if not transparency and not editorial:
            why(
                _why(
                    "art_50_other_roles",
                    "Art. 50(1)-(4)",
                    "Art. 50 puts the transparency duties for these facts on the provider "
                    "(paragraphs 1-2) or the deployer (paragraphs 3-4), not on this role.",
                )
            )
        obligations.update(transparency)

    # Tier.
    if high_risk:
        tier = "high_risk"
    elif art_50_facts:
        tier = "limited_risk"
        labels = _join([_FACT_PHRASES[k] for k in art_50_facts])
        why(
            _why(
                "limited_risk",
                "Art. 50",
                f"The system is not high-risk but {labels}: it is a limited-risk system with "
                "transparency duties.",
            )
        )
    else:
        tier = "minimal_risk"
        why(
            _why(
                "minimal_risk",
                "Art. 95",
                "No prohibition, high-risk listing or transparency fact applies: a minimal-risk "
                "system. Voluntary codes of conduct are encouraged.",
            )
        )

    # 6. General-purpose AI model (Chapter V).
    gpai = s["gpai"]
    gpai_class, systemic = _gpai_class(gpai, rationale)
    if gpai is not None:
        obligations.add("art_53")
        if gpai["open_source"] and not systemic:
            why(
                _why(
                    "gpai_open_source",
                    "Art. 53(2)",
                    "The model is released under a free and open-source licence and has no "
                    "systemic risk: it is spared technical documentation and downstream "
                    "information (Art. 53(1)(a)-(b)) but must still have a copyright policy and "
                    "publish a training-content summary (Art. 53(1)(c)-(d)).",
                )
            )
        else:
            extra = (
                " The open-source exemption does not apply to a model with systemic risk."
                if gpai["open_source"]
                else ""
            )
            why(
                _why(
                    "gpai_provider_duties",
                    "Art. 53(1)",
                    "The model provider must keep technical documentation, inform downstream "
                    "providers, have a copyright policy and publish a training-content summary."
                    + extra,
                )
            )
        if systemic:
            obligations.add("art_55")
            why(
                _why(
                    "gpai_systemic_risk_duties",
                    "Art. 55",
                    "A model with systemic risk must also be evaluated and red-teamed, its "
                    "systemic risks assessed and mitigated, serious incidents reported and the "
                    "model kept secure.",
                )
            )
        if not established:
            obligations.add("art_54")
            why(
                _why(
                    "gpai_outside_eu",
                    "Art. 54(1)",
                    "A model provider established outside the EU must appoint an authorised "
                    "representative in the EU before placing the model on the market."
                    + (
                        " (Art. 54(6) may lift this for a qualifying open-source model without "
                        "systemic risk: confirm with counsel.)"
                        if gpai["open_source"] and not systemic
                        else ""
                    ),
                )
            )

    ordered = sorted(obligations)
    bases_t = tuple(bases)
    applies = {code: tl.iso(code, bases_t) for code in ordered}
    if ordered:
        amended = tl.as_amended_by or "the regulatory timeline"
        why(
            _why(
                "dates",
                f"Art. 113; {amended}",
                "Each obligation applies from the date given for it in the regulatory timeline "
                f"of the AI Act as amended by {amended}, the law in force today.",
            )
        )
    return _result(
        tier,
        basis,
        derogation,
        [],
        transparency,
        gpai_class,
        ordered,
        route,
        applies,
        rationale,
    )


def classify(data: object, *, timeline: Timeline | None = None) -> dict:
    """Validate a screening and return its classification (schema `eu-ai-act-classification/1`).

    Raise `ScreeningInvalid` if the screening breaks the contract. `timeline` replaces the
    regulatory timeline of the law as in force today, e.g. to classify under another version.
    """
    return evaluate(validate_screening(data), timeline)
