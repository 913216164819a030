"""Build the JSON Schemas (draft 2020-12) of the screening contract from the code tables.

The schemas are committed next to this module, so they can be read without running anything;
this builder keeps them true to `codes.py` (a test compares). After changing a code table, run

    python -m governance.classification.schemas.build

and commit the rewritten `*.json` files.
"""

from __future__ import annotations

import json
from pathlib import Path

from governance.classification import codes
from governance.classification.rules import SCHEMA_IN, SCHEMA_OUT

DIALECT = "https://json-schema.org/draft/2020-12/schema"
HERE = Path(__file__).resolve().parent


def _bool(description: str) -> dict:
    return {"type": "boolean", "default": False, "description": description}


def _codes(values, description: str) -> dict:
    return {
        "type": "array",
        "items": {"enum": list(values)},
        "default": [],
        "description": description,
    }


def _nullable_code(values, description: str) -> dict:
    return {"enum": [None, *values], "default": None, "description": description}


def _annex_i() -> dict:
    return {
        "type": ["object", "null"],
        "default": None,
        "description": (
            "The system is a safety component of, or is itself, a product under Annex I "
            "legislation (Art. 6(1)). Section A: "
            + ", ".join(c for c, x in codes.ANNEX_I.items() if x.section == "A")
            + ". Section B (Art. 2(2)): "
            + ", ".join(c for c, x in codes.ANNEX_I.items() if x.section == "B")
            + "."
        ),
        "required": ["legislation"],
        "additionalProperties": False,
        "properties": {
            "legislation": {"enum": list(codes.ANNEX_I), "description": "Annex I legislation"},
            "third_party_conformity_assessment": _bool(
                "The product needs a third-party conformity assessment (Art. 6(1)(b))."
            ),
        },
    }


def _transparency() -> dict:
    return {
        "type": ["object", "null"],
        "default": None,
        "description": "Facts behind Art. 50; a fact left out is false.",
        "additionalProperties": False,
        "properties": {
            code: _bool(f"{fact.description} ({fact.citation})")
            for code, fact in codes.TRANSPARENCY_FACTS.items()
        },
    }


def _gpai() -> dict:
    return {
        "type": ["object", "null"],
        "default": None,
        "description": "The organisation provides a general-purpose AI model (Chapter V).",
        "additionalProperties": False,
        "properties": {
            "training_flops": {
                "type": ["number", "null"],
                "minimum": 0,
                "default": None,
                "description": (
                    "Training compute in floating-point operations; strictly above 10^25 "
                    "presumes systemic risk (Art. 51(2)). null when unknown."
                ),
            },
            "commission_designated": _bool(
                "The Commission designated the model as having systemic risk (Art. 51(1)(b))."
            ),
            "open_source": _bool(
                "Released under a free and open-source licence with public parameters "
                "(Art. 53(2), Art. 54(6))."
            ),
        },
    }


def _if_then(condition_key: str, condition: dict, then: dict, comment: str) -> dict:
    return {
        "$comment": comment,
        "if": {"required": [condition_key], "properties": {condition_key: condition}},
        "then": then,
    }


def _contradictions() -> list[dict]:
    """The contract's contradictory answers, as conditions (the engine names them too)."""
    rules = [
        _if_then(
            "art_6_3_conditions",
            {"minItems": 1},
            {"required": ["annex_iii"], "properties": {"annex_iii": {"minItems": 1}}},
            "Art. 6(3): a derogation needs an Annex III point.",
        ),
        _if_then(
            "public_authority",
            {"const": True},
            {"properties": {"public_service_deployer": {"const": True}}},
            "A public authority is a body governed by public law (Art. 27(1)).",
        ),
    ]
    for code, x in codes.PROHIBITED_EXCEPTIONS.items():
        rules.append(
            _if_then(
                "prohibited_exception",
                {"const": code},
                {
                    "required": ["prohibited_practices"],
                    "properties": {"prohibited_practices": {"contains": {"const": x.practice}}},
                },
                f"{x.citation}: the exception needs its practice ({x.practice}) listed.",
            )
        )
    return rules


EXAMPLES = [
    {
        "schema": SCHEMA_IN,
        "role": "deployer",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        "annex_iii": ["annex_iii_4_a"],
        "profiling": True,
    },
    {
        "schema": SCHEMA_IN,
        "role": "provider",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        "transparency": {"interacts_with_persons": True},
    },
    {
        "schema": SCHEMA_IN,
        "role": "deployer",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        "annex_iii": ["annex_iii_5_a"],
        "public_authority": True,
    },
]


def screening_schema() -> dict:
    """Return the JSON Schema of a screening, `eu-ai-act-screening/1`."""
    roles = "; ".join(f"{c}: {r.label} ({r.citation})" for c, r in codes.ROLES.items())
    properties = {
        "schema": {"const": SCHEMA_IN, "description": "The contract and its version."},
        "role": {
            "enum": list(codes.ROLES),
            "description": f"The organisation's role for this system. {roles}.",
        },
        "is_ai_system": {
            "type": "boolean",
            "description": "Meets the definition of an AI system (Art. 3(1)).",
        },
        "eu_nexus": _bool(
            "Placed on the market or put into service in the EU, or its output is used in the "
            "EU (Art. 2(1))."
        ),
        "established_in_eu": _bool(
            "The organisation is established in the Union (a non-EU provider of a high-risk "
            "system needs an authorised representative, Art. 22)."
        ),
        "scope_exclusion": _nullable_code(
            codes.SCOPE_EXCLUSIONS,
            "A scope exclusion the officer claims: "
            + "; ".join(f"{c} ({x.citation})" for c, x in codes.SCOPE_EXCLUSIONS.items())
            + ".",
        ),
        "prohibited_practices": _codes(
            codes.PROHIBITED_PRACTICES, "Practices of Art. 5(1) the system performs."
        ),
        "prohibited_exception": _nullable_code(
            codes.PROHIBITED_EXCEPTIONS,
            "A narrow exception in Art. 5 that applies; its practice must be listed: "
            + "; ".join(f"{c} for {x.practice}" for c, x in codes.PROHIBITED_EXCEPTIONS.items())
            + ".",
        ),
        "annex_i": _annex_i(),
        "annex_iii": _codes(codes.ANNEX_III, "The intended purposes listed in Annex III."),
        "art_6_3_conditions": _codes(
            codes.ART_6_3_CONDITIONS,
            "Art. 6(3) conditions that hold; needs an Annex III point. "
            + "; ".join(f"{c}: {x.label}" for c, x in codes.ART_6_3_CONDITIONS.items())
            + ".",
        ),
        "profiling": _bool("The system profiles natural persons (GDPR Art. 4(4))."),
        "art_25_trigger": _bool(
            "The organisation rebranded the high-risk system, substantially modified it, or "
            "changed its intended purpose so it became high-risk: it becomes a provider "
            "(Art. 25(1))."
        ),
        "public_service_deployer": _bool(
            "The deployer is a body governed by public law or a private entity providing "
            "public services (Art. 27)."
        ),
        "public_authority": _bool(
            "The deployer is a public authority, or a Union institution, body, office or "
            "agency, or acts on their behalf (Art. 26(8), Art. 49(3)); implies "
            "public_service_deployer."
        ),
        "transparency": _transparency(),
        "gpai": _gpai(),
    }
    return {
        "$schema": DIALECT,
        "$id": "urn:annex:schema:eu-ai-act-screening-1",
        "title": f"EU AI Act screening ({SCHEMA_IN})",
        "description": (
            "The answers a compliance officer gives about one AI system, classified by the "
            "engine into an eu-ai-act-classification/1. A key that is left out takes its "
            "neutral value (its default), except schema, role and is_ai_system, which are "
            "required. Unknown keys are refused."
        ),
        "type": "object",
        "required": ["schema", "role", "is_ai_system"],
        "additionalProperties": False,
        "properties": properties,
        "allOf": _contradictions(),
        "examples": EXAMPLES,
    }


def classification_schema() -> dict:
    """Return the JSON Schema of a classification, `eu-ai-act-classification/1`."""
    obligations = list(codes.OBLIGATIONS)
    properties = {
        "schema": {"const": SCHEMA_OUT},
        "tier": {"enum": list(codes.TIERS), "description": "The risk tier of the system."},
        "high_risk_basis": {
            "type": "array",
            "items": {"enum": ["annex_i", *codes.ANNEX_III]},
            "description": "annex_i and/or the Annex III codes that make it high-risk.",
        },
        "derogation_applied": {
            "type": "boolean",
            "description": "An Annex III system is not high-risk because of Art. 6(3).",
        },
        "prohibited_practices": {
            "type": "array",
            "items": {"enum": list(codes.PROHIBITED_PRACTICES)},
            "description": "The Art. 5 practices that make it prohibited (after exceptions).",
        },
        "transparency": {
            "type": "array",
            "items": {"enum": ["art_50_1", "art_50_2", "art_50_3", "art_50_4"]},
            "description": "The Art. 50 duties of this role.",
        },
        "gpai": {"enum": list(codes.GPAI_CLASSES), "description": "The GPAI model class."},
        "obligations": {
            "type": "array",
            "items": {"enum": obligations},
            "description": "Sorted article codes the organisation must meet in this role.",
        },
        "conformity_route": {
            "enum": [None, *codes.CONFORMITY_ROUTES],
            "description": "The conformity assessment route of a high-risk system (Art. 43).",
        },
        "applies_from": {
            "type": "object",
            "propertyNames": {"enum": obligations},
            "additionalProperties": {"type": "string", "format": "date"},
            "description": "Obligation code to the ISO date from which it applies.",
        },
        "rationale": {
            "type": "array",
            "minItems": 1,
            "description": "Every rule that fired, in order, in plain words.",
            "items": {
                "type": "object",
                "required": ["rule", "citation", "explanation"],
                "additionalProperties": False,
                "properties": {
                    "rule": {"type": "string", "minLength": 1},
                    "citation": {"type": "string", "minLength": 1},
                    "explanation": {"type": "string", "minLength": 1},
                },
            },
        },
    }
    return {
        "$schema": DIALECT,
        "$id": "urn:annex:schema:eu-ai-act-classification-1",
        "title": f"EU AI Act classification ({SCHEMA_OUT})",
        "description": "The engine's answer to one eu-ai-act-screening/1.",
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


BUILDERS = {
    "eu-ai-act-screening-1": screening_schema,
    "eu-ai-act-classification-1": classification_schema,
}


def render(schema: dict) -> str:
    """Return the committed text of a schema: indented JSON, one trailing newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for name, build in BUILDERS.items():
        (HERE / f"{name}.json").write_text(render(build()), encoding="utf-8")
        print(f"wrote {name}.json")


if __name__ == "__main__":
    main()
