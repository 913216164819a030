"""Constants of the contract and tables derived once from `codes.py` (no logic here)."""

from __future__ import annotations

from .. import codes

SCHEMA_IN = "eu-ai-act-screening/1"
SCHEMA_OUT = "eu-ai-act-classification/1"

# The keys of a screening, in the order of the contract (and of a normalised screening).
KEY_ORDER = (
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
    "public_authority",
    "transparency",
    "gpai",
)
KEYS = frozenset(KEY_ORDER)
ANNEX_I_KEYS = frozenset({"legislation", "third_party_conformity_assessment"})
TRANSPARENCY_KEYS = tuple(codes.TRANSPARENCY_FACTS)
TRANSPARENCY_KEYSET = frozenset(TRANSPARENCY_KEYS)
GPAI_KEYS = frozenset({"training_flops", "commission_designated", "open_source"})

ROLES = frozenset(codes.ROLES)
SCOPE_EXCLUSIONS = frozenset(codes.SCOPE_EXCLUSIONS)
PRACTICES = frozenset(codes.PROHIBITED_PRACTICES)
EXCEPTIONS = frozenset(codes.PROHIBITED_EXCEPTIONS)
EXCEPTION_PRACTICE = {x.code: x.practice for x in codes.PROHIBITED_EXCEPTIONS.values()}
ANNEX_I = frozenset(codes.ANNEX_I)
ANNEX_III = frozenset(codes.ANNEX_III)
ANNEX_III_POINT_1 = frozenset(c for c, x in codes.ANNEX_III.items() if x.area == 1)
# Annex III point 2 (critical infrastructure): registered at national level (Art. 49(5)), no
# FRIA (Art. 27(1)) and no registration of use by a public-authority deployer (Art. 49(3)).
ANNEX_III_POINT_2 = "annex_iii_2"
CONDITIONS = frozenset(codes.ART_6_3_CONDITIONS)

# Art. 8-15 (Chapter III Section 2) and the provider duties of Art. 16, as listed in the
# contract; registration (`art_49`) is added apart, only where an Annex III point is in the basis.
REQUIREMENTS = ("art_9", "art_10", "art_11", "art_12", "art_13", "art_14", "art_15")
PROVIDER_DUTIES = (
    "art_16",
    "art_17",
    "art_18",
    "art_19",
    "art_20",
    "art_21",
    "art_43",
    "art_47",
    "art_48",
    "art_72",
    "art_73",
)
# Art. 27(1): the FRIA applies to every deployer of points 5(b) and 5(c).
FRIA_ALWAYS = frozenset({"annex_iii_5_b", "annex_iii_5_c"})

# Art. 51(2): presumption "greater than 10^25" FLOP. Ints compare exactly with the int; floats
# with the float 1e25, so the JSON number 1e25 (a float slightly above 10^25 in binary) is
# read as exactly 10^25 and is not above the threshold.
FLOP_INT = 10**25
FLOP_FLOAT = 1e25

# Art. 50 facts as the end of "The system is not high-risk but ...".
FACT_PHRASES = {
    "interacts_with_persons": "interacts with people",
    "synthetic_content": "generates synthetic content",
    "emotion_recognition_or_biometric_categorisation": (
        "recognises emotions or categorises people biometrically"
    ),
    "deep_fake": "makes deep fakes",
    "public_interest_text": "writes text on matters of public interest",
}
