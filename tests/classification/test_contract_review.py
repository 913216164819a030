"""Contract review of the classification engine against governance/classification/schemas/README.md.

Regression tests for the discrepancies found in review, each citing the sentence of the contract
or the article it enforces, plus probes of contract sentences the rest of the suite covers only
indirectly.
"""

import pytest

from governance.classification.rules import SCHEMA_IN, ScreeningInvalid, classify

PROVIDER_ALL = {
    "art_9",
    "art_10",
    "art_11",
    "art_12",
    "art_13",
    "art_14",
    "art_15",
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
}


def run(**overrides):
    data = {
        "schema": SCHEMA_IN,
        "role": "provider",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
    }
    data.update(overrides)
    return classify(data)


def annex_i(legislation, third_party=True):
    return {"legislation": legislation, "third_party_conformity_assessment": third_party}


def rules_of(result):
    return [r["rule"] for r in result["rationale"]]


# ---------------------------------------------------------------------------------------------
# derogation_applied: "true when an Annex III system is not high-risk because of Art. 6(3)"
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("legislation", ["toys", "medical_devices", "machinery", "rail"])
@pytest.mark.parametrize("role", ["provider", "product_manufacturer", "deployer"])
def test_no_derogation_when_annex_i_makes_the_system_high_risk_anyway(legislation, role):
    # Art. 6(3) derogates from Art. 6(2) only; the system stays high-risk under Art. 6(1), so it
    # is not "not high-risk because of Art. 6(3)" and no Art. 6(4)/49(2) duty arises (those are
    # for a provider that "considers that an AI system referred to in Annex III is not
    # high-risk").
    result = run(
        role=role,
        annex_i=annex_i(legislation),
        annex_iii=["annex_iii_5_a"],
        art_6_3_conditions=["a", "d"],
    )
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == ["annex_i"]
    assert result["derogation_applied"] is False
    assert "art_6_4" not in result["obligations"]
    assert "art_49_2" not in result["obligations"]
    assert result["conformity_route"] == "product_legislation"
    assert "art_6_3_derogation" not in rules_of(result)
    assert "art_6_3_moot_under_annex_i" in rules_of(result)


def test_derogation_still_applies_when_annex_i_needs_no_third_party_assessment():
    result = run(
        annex_i=annex_i("toys", third_party=False),
        annex_iii=["annex_iii_5_a"],
        art_6_3_conditions=["a"],
    )
    assert result["tier"] == "minimal_risk"
    assert result["derogation_applied"] is True
    assert result["obligations"] == ["art_4", "art_49_2", "art_6_4"]


def test_annex_i_system_with_derogated_annex_iii_owes_the_plain_provider_duties():
    # Amended contract: art_49 only where the basis includes an Annex III point; here the
    # basis is annex_i alone (the Annex III leg is derogated), so no Art. 49(1) registration.
    result = run(
        annex_i=annex_i("medical_devices"),
        annex_iii=["annex_iii_5_a"],
        art_6_3_conditions=["b"],
    )
    assert set(result["obligations"]) == PROVIDER_ALL - {"art_49"} | {"art_4"}


# ---------------------------------------------------------------------------------------------
# "A key that is left out takes its neutral value (false, null or empty list)"
# ---------------------------------------------------------------------------------------------


def test_transparency_null_is_its_neutral_value():
    # transparency is an object: of "false, null or empty list", null is its neutral value.
    assert run(transparency=None) == run()
    assert run(transparency=None)["tier"] == "minimal_risk"


def test_every_optional_key_left_out_is_neutral():
    minimal = {"schema": SCHEMA_IN, "role": "deployer", "is_ai_system": True, "eu_nexus": True}
    explicit = dict(
        minimal,
        established_in_eu=False,
        scope_exclusion=None,
        prohibited_practices=[],
        prohibited_exception=None,
        annex_i=None,
        annex_iii=[],
        art_6_3_conditions=[],
        profiling=False,
        art_25_trigger=False,
        public_service_deployer=False,
        public_authority=False,
        transparency={},
        gpai=None,
    )
    assert classify(minimal) == classify(explicit)
    assert classify(minimal)["obligations"] == ["art_4"]


@pytest.mark.parametrize("key", ["schema", "role", "is_ai_system"])
def test_required_keys_are_named_when_missing(key):
    data = {"schema": SCHEMA_IN, "role": "provider", "is_ai_system": True}
    del data[key]
    with pytest.raises(ScreeningInvalid) as info:
        classify(data)
    assert info.value.problems == [f"{key}: required"]


# ---------------------------------------------------------------------------------------------
# Probes of other contract sentences
# ---------------------------------------------------------------------------------------------


def test_both_annex_i_and_annex_iii_appear_in_the_basis():
    # "high_risk_basis: list: annex_i and/or the Annex III codes that make it high-risk"
    result = run(annex_i=annex_i("medical_devices"), annex_iii=["annex_iii_5_a"])
    assert result["high_risk_basis"] == ["annex_i", "annex_iii_5_a"]
    assert result["conformity_route"] == "product_legislation"


@pytest.mark.parametrize(
    "role, expected",
    [
        ("provider", ["art_50_1", "art_50_2"]),
        ("deployer", ["art_50_3", "art_50_4"]),
        ("importer", []),
        ("distributor", []),
        ("authorised_representative", []),
    ],
)
def test_art_50_paragraphs_per_role_and_limited_risk_whatever_the_role(role, expected):
    facts = {
        "interacts_with_persons": True,
        "synthetic_content": True,
        "emotion_recognition_or_biometric_categorisation": True,
        "deep_fake": True,
        "public_interest_text": True,
    }
    result = run(role=role, transparency=facts)
    assert result["tier"] == "limited_risk"
    assert result["transparency"] == expected


def test_gpai_open_source_keeps_art_53_but_not_art_54_outside_the_eu():
    # "an open-source model without systemic risk is spared Art. 53(1)(a)-(b) only, and
    # (Amended) owes no art_54 (Art. 54(6))"
    gpai = {"training_flops": 1e23, "commission_designated": False, "open_source": True}
    result = run(established_in_eu=False, gpai=gpai)
    assert result["gpai"] == "gpai"
    assert result["obligations"] == ["art_4", "art_53"]
    assert "gpai_open_source_no_representative" in rules_of(result)


def test_prohibited_beats_high_risk_and_owes_only_art_5():
    result = run(prohibited_practices=["art_5_1_c"], annex_iii=["annex_iii_5_b"])
    assert result["tier"] == "prohibited"
    assert result["obligations"] == ["art_5"]
    assert result["high_risk_basis"] == []
    assert result["conformity_route"] is None
    assert result["applies_from"] == {"art_5": "2025-02-02"}
