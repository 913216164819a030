"""Classification engine: the contract (classification/schemas/README.md), rule by rule."""

import copy
import itertools
import json

import pytest

from governance.classification import codes
from governance.classification.rules import SCHEMA_IN, SCHEMA_OUT, classify
from governance.classification.timeline import Timeline, TimelineEntry, default_timeline

OUTPUT_KEYS = [
    "schema",
    "tier",
    "high_risk_basis",
    "derogation_applied",
    "prohibited_practices",
    "transparency",
    "gpai",
    "obligations",
    "conformity_route",
    "applies_from",
    "rationale",
]
REQUIREMENTS = {"art_9", "art_10", "art_11", "art_12", "art_13", "art_14", "art_15"}
PROVIDER_DUTIES = {
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
PROVIDER_ALL = REQUIREMENTS | PROVIDER_DUTIES
# Art. 49(1) (amended contract): registration only where the basis includes an Annex III point.
PROVIDER_ANNEX_I = PROVIDER_ALL - {"art_49"}
HIGH_RISK_ROLE_DUTIES = PROVIDER_ALL | {
    "art_22",
    "art_23",
    "art_24",
    "art_26",
    "art_27",
    "art_49_3",
}
ANNEX_III = list(codes.ANNEX_III)
PRACTICES = list(codes.PROHIBITED_PRACTICES)
ROLES = list(codes.ROLES)
SECTION_A = [c for c, x in codes.ANNEX_I.items() if x.section == "A"]
SECTION_B = [c for c, x in codes.ANNEX_I.items() if x.section == "B"]
FACTS = list(codes.ART_50_FACT_KEYS)
ANNEX_III_DATE = "2027-12-02"
ANNEX_I_DATE = "2028-08-02"


def screening(**overrides):
    """Return an in-scope screening of an EU organisation, with overrides."""
    data = {
        "schema": SCHEMA_IN,
        "role": "provider",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
    }
    data.update(overrides)
    return data


def run(**overrides):
    return classify(screening(**overrides))


def rules_of(result):
    return [r["rule"] for r in result["rationale"]]


def assert_well_formed(result):
    """Check the invariants every classification must keep."""
    assert list(result) == OUTPUT_KEYS
    assert result["schema"] == SCHEMA_OUT
    assert result["tier"] in codes.TIERS
    assert result["gpai"] in codes.GPAI_CLASSES
    assert (
        result["conformity_route"] is None or result["conformity_route"] in codes.CONFORMITY_ROUTES
    )
    for key in ("high_risk_basis", "prohibited_practices", "transparency", "obligations"):
        assert isinstance(result[key], list)
        assert result[key] == sorted(set(result[key])), key
    assert set(result["applies_from"]) == set(result["obligations"])
    assert set(result["obligations"]) <= set(codes.OBLIGATIONS)
    assert set(result["transparency"]) <= set(result["obligations"])
    for day in result["applies_from"].values():
        assert len(day) == 10 and day[4] == "-" and day[7] == "-"
    assert result["rationale"], "the rationale is never empty"
    for entry in result["rationale"]:
        assert list(entry) == ["rule", "citation", "explanation"]
        assert all(isinstance(v, str) and v.strip() for v in entry.values())
        assert "Art." in entry["citation"] or "Annex" in entry["citation"]
    assert (result["tier"] == "high_risk") == bool(result["high_risk_basis"])
    assert (result["tier"] == "prohibited") == bool(result["prohibited_practices"])
    if result["tier"] == "prohibited":
        assert result["obligations"] == ["art_5"]
    if result["tier"] == "out_of_scope":
        assert result["obligations"] == [] and result["applies_from"] == {}
    if result["conformity_route"] is not None:
        assert result["tier"] == "high_risk"
    json.dumps(result)


# ---------------------------------------------------------------------------------------------
# The public examples of the contract, verbatim
# ---------------------------------------------------------------------------------------------


def test_public_example_cv_screening_deployer():
    result = classify(
        json.loads(
            """{"schema": "eu-ai-act-screening/1", "role": "deployer", "is_ai_system": true,
             "eu_nexus": true, "established_in_eu": true, "annex_iii": ["annex_iii_4_a"],
             "profiling": true}"""
        )
    )
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == ["annex_iii_4_a"]
    assert "art_4" in result["obligations"]
    assert "art_26" in result["obligations"]
    for code in ("art_16", "art_17", "art_43"):
        assert code not in result["obligations"]
    assert result["obligations"] == ["art_26", "art_4"]
    assert result["applies_from"] == {"art_26": ANNEX_III_DATE, "art_4": "2025-02-02"}
    assert_well_formed(result)


def test_public_example_in_house_chatbot():
    result = classify(
        json.loads(
            """{"schema": "eu-ai-act-screening/1", "role": "provider", "is_ai_system": true,
             "eu_nexus": true, "established_in_eu": true,
             "transparency": {"interacts_with_persons": true}}"""
        )
    )
    assert result["tier"] == "limited_risk"
    assert result["transparency"] == ["art_50_1"]
    assert result["obligations"] == ["art_4", "art_50_1"]
    assert result["applies_from"] == {"art_4": "2025-02-02", "art_50_1": "2026-08-02"}
    assert result["conformity_route"] is None
    assert result["gpai"] == "none"
    assert_well_formed(result)


# ---------------------------------------------------------------------------------------------
# Precedence 1: scope
# ---------------------------------------------------------------------------------------------


def assert_out_of_scope(result):
    assert result["tier"] == "out_of_scope"
    assert result["high_risk_basis"] == []
    assert result["derogation_applied"] is False
    assert result["prohibited_practices"] == []
    assert result["transparency"] == []
    assert result["gpai"] == "none"
    assert result["obligations"] == []
    assert result["conformity_route"] is None
    assert result["applies_from"] == {}
    assert_well_formed(result)


EVERYTHING = {
    "prohibited_practices": ["art_5_1_a"],
    "annex_iii": ["annex_iii_4_a"],
    "annex_i": {"legislation": "toys", "third_party_conformity_assessment": True},
    "transparency": {"interacts_with_persons": True},
    "gpai": {"training_flops": 1e26},
}


def test_not_an_ai_system_is_out_of_scope_whatever_else_holds():
    result = run(is_ai_system=False, **EVERYTHING)
    assert_out_of_scope(result)
    assert rules_of(result) == ["not_an_ai_system"]
    assert result["rationale"][0]["citation"] == "Art. 3(1)"


def test_no_eu_nexus_is_out_of_scope():
    result = run(eu_nexus=False, **EVERYTHING)
    assert_out_of_scope(result)
    assert rules_of(result) == ["no_eu_nexus"]
    assert "Art. 2(1)" in result["rationale"][0]["citation"]


def test_eu_nexus_defaults_to_false():
    data = screening()
    del data["eu_nexus"]
    assert_out_of_scope(classify(data))


def test_every_out_of_scope_reason_is_explained():
    result = run(is_ai_system=False, eu_nexus=False, scope_exclusion="scientific_research")
    assert rules_of(result) == ["not_an_ai_system", "no_eu_nexus", "scope_exclusion"]


@pytest.mark.parametrize("exclusion", list(codes.SCOPE_EXCLUSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_each_scope_exclusion_takes_a_plain_system_out_of_scope(exclusion, role):
    result = run(role=role, scope_exclusion=exclusion)
    assert_out_of_scope(result)
    assert result["rationale"][-1]["rule"] == "scope_exclusion"
    assert result["rationale"][-1]["citation"] == codes.SCOPE_EXCLUSIONS[exclusion].citation


@pytest.mark.parametrize(
    "exclusion", [e for e in codes.SCOPE_EXCLUSIONS if e != "free_open_source"]
)
@pytest.mark.parametrize(
    "facts",
    [
        {"prohibited_practices": ["art_5_1_c"]},
        {"annex_iii": ["annex_iii_5_b"]},
        {"annex_i": {"legislation": "medical_devices", "third_party_conformity_assessment": True}},
        {"transparency": {"deep_fake": True}},
        EVERYTHING,
    ],
)
def test_other_exclusions_hold_even_for_prohibited_high_risk_or_art_50_systems(exclusion, facts):
    assert_out_of_scope(run(scope_exclusion=exclusion, **facts))


@pytest.mark.parametrize(
    "facts, tier",
    [
        ({"prohibited_practices": ["art_5_1_a"]}, "prohibited"),
        ({"prohibited_practices": ["art_5_1_bb"]}, "prohibited"),
        ({"annex_iii": ["annex_iii_4_a"]}, "high_risk"),
        (
            {"annex_i": {"legislation": "lifts", "third_party_conformity_assessment": True}},
            "high_risk",
        ),
        (
            {"annex_i": {"legislation": "rail", "third_party_conformity_assessment": True}},
            "high_risk",
        ),
    ]
    + [({"transparency": {fact: True}}, "limited_risk") for fact in FACTS],
)
def test_open_source_exclusion_does_not_hold_for_prohibited_high_risk_or_art_50(facts, tier):
    result = run(scope_exclusion="free_open_source", **facts)
    assert result["tier"] == tier
    assert "open_source_exclusion_lapses" in rules_of(result)
    lapse = next(r for r in result["rationale"] if r["rule"] == "open_source_exclusion_lapses")
    assert lapse["citation"] == "Art. 2(12)"
    assert_well_formed(result)


@pytest.mark.parametrize(
    "facts",
    [
        {},
        {"annex_iii": ["annex_iii_4_a"], "art_6_3_conditions": ["a"]},
        {"prohibited_practices": ["art_5_1_f"], "prohibited_exception": "medical_or_safety"},
        {"annex_i": {"legislation": "toys", "third_party_conformity_assessment": False}},
        {"transparency": {"human_editorial_control": True}},
        {"gpai": {"training_flops": 1e26}},
    ],
)
def test_open_source_exclusion_holds_for_other_systems(facts):
    assert_out_of_scope(run(scope_exclusion="free_open_source", **facts))


def test_open_source_lapse_names_every_reason():
    result = run(
        scope_exclusion="free_open_source",
        annex_iii=["annex_iii_4_a"],
        transparency={"synthetic_content": True},
    )
    lapse = next(r for r in result["rationale"] if r["rule"] == "open_source_exclusion_lapses")
    assert "high-risk" in lapse["explanation"] and "Art. 50" in lapse["explanation"]


def test_in_scope_systems_say_why_first():
    result = run()
    assert result["rationale"][0]["rule"] == "in_scope"


# ---------------------------------------------------------------------------------------------
# Precedence 2: prohibited practices
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("practice", PRACTICES)
@pytest.mark.parametrize("role", ROLES)
def test_every_prohibited_practice_prohibits_for_every_role(practice, role):
    result = run(role=role, prohibited_practices=[practice])
    assert result["tier"] == "prohibited"
    assert result["prohibited_practices"] == [practice]
    assert result["obligations"] == ["art_5"]
    assert result["transparency"] == []
    assert result["high_risk_basis"] == []
    assert result["conformity_route"] is None
    assert result["derogation_applied"] is False
    expected = "2026-12-02" if practice in ("art_5_1_ba", "art_5_1_bb") else "2025-02-02"
    assert result["applies_from"] == {"art_5": expected}
    cited = [r["citation"] for r in result["rationale"] if r["rule"] == "prohibited_practice"]
    assert cited == [codes.PROHIBITED_PRACTICES[practice].citation]
    assert_well_formed(result)


def test_prohibition_beats_high_risk_and_transparency():
    result = run(**EVERYTHING)
    assert result["tier"] == "prohibited"
    assert result["obligations"] == ["art_5"]
    assert result["high_risk_basis"] == []
    assert result["transparency"] == []
    assert "art_4" not in result["obligations"]


def test_prohibited_system_still_reports_its_gpai_class_but_owes_only_art_5():
    result = run(prohibited_practices=["art_5_1_a"], gpai={"commission_designated": True})
    assert result["gpai"] == "gpai_systemic_risk"
    assert result["obligations"] == ["art_5"]


def test_several_practices_are_listed_sorted_and_dated_from_the_earliest():
    result = run(prohibited_practices=["art_5_1_h", "art_5_1_ba", "art_5_1_a"])
    assert result["prohibited_practices"] == ["art_5_1_a", "art_5_1_ba", "art_5_1_h"]
    assert result["applies_from"] == {"art_5": "2025-02-02"}


def test_omnibus_practices_together_apply_from_december_2026():
    result = run(prohibited_practices=["art_5_1_ba", "art_5_1_bb"])
    assert result["applies_from"] == {"art_5": "2026-12-02"}


EXCEPTIONS = [(x.code, x.practice) for x in codes.PROHIBITED_EXCEPTIONS.values()]


@pytest.mark.parametrize("exception, practice", EXCEPTIONS)
def test_each_exception_lifts_its_own_practice(exception, practice):
    result = run(prohibited_practices=[practice], prohibited_exception=exception)
    assert result["tier"] != "prohibited"
    assert result["prohibited_practices"] == []
    assert "art_5" not in result["obligations"]
    assert "prohibited_exception" in rules_of(result)
    assert_well_formed(result)


@pytest.mark.parametrize(
    "exception, practice, other",
    [(x, p, o) for x, p in EXCEPTIONS for o in PRACTICES if o != p],
)
def test_an_exception_does_not_help_another_practice(exception, practice, other):
    result = run(prohibited_practices=[practice, other], prohibited_exception=exception)
    assert result["tier"] == "prohibited"
    assert result["prohibited_practices"] == [other]
    assert result["obligations"] == ["art_5"]


def test_exempted_emotion_recognition_points_to_annex_iii():
    result = run(prohibited_practices=["art_5_1_f"], prohibited_exception="medical_or_safety")
    assert "emotion_recognition_is_annex_iii" in rules_of(result)
    result = run(
        prohibited_practices=["art_5_1_f"],
        prohibited_exception="medical_or_safety",
        annex_iii=["annex_iii_1_c"],
    )
    assert result["tier"] == "high_risk"
    assert "emotion_recognition_is_annex_iii" not in rules_of(result)


def test_authorised_real_time_identification_is_high_risk_when_screened_as_annex_iii():
    result = run(
        role="deployer",
        prohibited_practices=["art_5_1_h"],
        prohibited_exception="authorised_law_enforcement_use",
        annex_iii=["annex_iii_1_a"],
        public_service_deployer=True,
    )
    assert result["tier"] == "high_risk"
    assert result["obligations"] == ["art_26", "art_27", "art_4"]
    result = run(
        prohibited_practices=["art_5_1_h"], prohibited_exception="authorised_law_enforcement_use"
    )
    assert "remote_biometric_identification_is_annex_iii" in rules_of(result)


# ---------------------------------------------------------------------------------------------
# Precedence 3: Annex I
# ---------------------------------------------------------------------------------------------


def annex_i(legislation, third_party=True):
    return {"legislation": legislation, "third_party_conformity_assessment": third_party}


@pytest.mark.parametrize("legislation", SECTION_A)
def test_section_a_product_with_third_party_assessment_is_high_risk(legislation):
    result = run(annex_i=annex_i(legislation))
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == ["annex_i"]
    assert result["conformity_route"] == "product_legislation"
    # Amended contract, Art. 49(1): an Annex I-only system is not registered.
    assert set(result["obligations"]) == PROVIDER_ANNEX_I | {"art_4"}
    assert "no_registration_annex_i" in rules_of(result)
    assert result["applies_from"]["art_9"] == ANNEX_I_DATE
    assert result["applies_from"]["art_43"] == ANNEX_I_DATE
    assert result["applies_from"]["art_4"] == "2025-02-02"
    assert "annex_i_high_risk" in rules_of(result)
    assert "annex_i_section_b" not in rules_of(result)
    cited = next(r for r in result["rationale"] if r["rule"] == "annex_i_high_risk")["citation"]
    assert "Art. 6(1)" in cited and "Section A" in cited
    assert_well_formed(result)


@pytest.mark.parametrize("legislation", SECTION_B)
@pytest.mark.parametrize("role", ROLES)
def test_section_b_product_is_high_risk_but_owes_no_art_8_to_49_duties(legislation, role):
    result = run(role=role, annex_i=annex_i(legislation))
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == ["annex_i"]
    assert result["conformity_route"] == "product_legislation"
    assert not set(result["obligations"]) & HIGH_RISK_ROLE_DUTIES
    # A product manufacturer acts as provider of an Annex I high-risk system (Art. 25(3)), so
    # it keeps AI literacy even where Art. 2(2) removes the Chapter III duties.
    expected = ["art_4"] if role in ("provider", "deployer", "product_manufacturer") else []
    assert result["obligations"] == expected
    limit = next(r for r in result["rationale"] if r["rule"] == "annex_i_section_b")
    assert limit["citation"] == "Art. 2(2)"
    assert "none of the Art. 8-49 duties" in limit["explanation"]
    assert_well_formed(result)


def test_machinery_moved_to_section_b_by_the_omnibus():
    assert codes.ANNEX_I["machinery"].section == "B"
    result = run(annex_i=annex_i("machinery"))
    assert "annex_i_section_b" in rules_of(result)
    assert result["obligations"] == ["art_4"]


def test_section_b_keeps_art_50_and_gpai_duties():
    result = run(
        annex_i=annex_i("motor_vehicles"),
        transparency={"interacts_with_persons": True},
        gpai={"training_flops": 1},
    )
    assert result["obligations"] == ["art_4", "art_50_1", "art_53"]


def test_section_b_limitation_wins_over_an_annex_iii_point_too():
    result = run(role="deployer", annex_i=annex_i("motor_vehicles"), annex_iii=["annex_iii_1_c"])
    assert result["high_risk_basis"] == ["annex_i", "annex_iii_1_c"]
    assert result["obligations"] == ["art_4"]
    assert result["conformity_route"] == "product_legislation"


@pytest.mark.parametrize("legislation", list(codes.ANNEX_I))
def test_annex_i_without_third_party_assessment_is_not_high_risk(legislation):
    result = run(annex_i=annex_i(legislation, third_party=False))
    assert result["tier"] == "minimal_risk"
    assert result["high_risk_basis"] == []
    assert result["conformity_route"] is None
    assert result["obligations"] == ["art_4"]
    assert "annex_i_no_third_party_assessment" in rules_of(result)


def test_annex_i_third_party_assessment_defaults_to_false():
    result = run(annex_i={"legislation": "lifts"})
    assert result["tier"] == "minimal_risk"


def test_annex_i_without_third_party_assessment_can_still_be_annex_iii():
    result = run(annex_i=annex_i("toys", third_party=False), annex_iii=["annex_iii_3_b"])
    assert result["high_risk_basis"] == ["annex_iii_3_b"]
    assert result["conformity_route"] == "internal_control"
    assert result["applies_from"]["art_9"] == ANNEX_III_DATE


def test_annex_i_and_annex_iii_together_use_the_product_route_and_earliest_date():
    result = run(annex_i=annex_i("medical_devices"), annex_iii=["annex_iii_1_c", "annex_iii_5_d"])
    assert result["high_risk_basis"] == ["annex_i", "annex_iii_1_c", "annex_iii_5_d"]
    assert result["conformity_route"] == "product_legislation"
    assert result["applies_from"]["art_9"] == ANNEX_III_DATE
    assert result["applies_from"]["art_72"] == ANNEX_III_DATE


@pytest.mark.parametrize("role", ["provider", "product_manufacturer"])
def test_product_manufacturer_under_annex_i_owes_provider_duties(role):
    result = run(role=role, annex_i=annex_i("toys"))
    assert set(result["obligations"]) == PROVIDER_ANNEX_I | {"art_4"}
    if role == "product_manufacturer":
        assert "product_manufacturer_is_provider" in rules_of(result)


def test_deployer_of_annex_i_system_owes_art_26_but_no_fria():
    result = run(role="deployer", annex_i=annex_i("lifts"), public_service_deployer=True)
    assert result["obligations"] == ["art_26", "art_4"]
    assert result["applies_from"]["art_26"] == ANNEX_I_DATE


# ---------------------------------------------------------------------------------------------
# Precedence 4: Annex III and the Art. 6(3) derogation
# ---------------------------------------------------------------------------------------------


def expected_route(point):
    return (
        "internal_control_or_notified_body"
        if point.startswith("annex_iii_1_")
        else "internal_control"
    )


@pytest.mark.parametrize("point", ANNEX_III)
def test_every_annex_iii_point_for_a_provider(point):
    result = run(annex_iii=[point])
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == [point]
    assert result["derogation_applied"] is False
    assert set(result["obligations"]) == PROVIDER_ALL | {"art_4"}
    assert result["conformity_route"] == expected_route(point)
    for code in PROVIDER_ALL:
        assert result["applies_from"][code] == ANNEX_III_DATE
    cited = [r["citation"] for r in result["rationale"] if r["rule"] == "annex_iii_high_risk"]
    assert cited == [f"Art. 6(2); {codes.ANNEX_III[point].citation}"]
    assert_well_formed(result)


@pytest.mark.parametrize("point", ANNEX_III)
def test_every_annex_iii_point_for_a_deployer(point):
    result = run(role="deployer", annex_iii=[point])
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == [point]
    expected = {"art_4", "art_26"}
    if point in ("annex_iii_5_b", "annex_iii_5_c"):
        expected.add("art_27")
    assert set(result["obligations"]) == expected
    assert not set(result["obligations"]) & PROVIDER_ALL
    assert result["conformity_route"] == expected_route(point)
    assert result["applies_from"]["art_26"] == ANNEX_III_DATE
    assert_well_formed(result)


@pytest.mark.parametrize("point", ANNEX_III)
def test_every_annex_iii_point_for_a_public_service_deployer(point):
    result = run(role="deployer", annex_iii=[point], public_service_deployer=True)
    has_fria = "art_27" in result["obligations"]
    assert has_fria == (point != "annex_iii_2")
    if has_fria:
        assert result["applies_from"]["art_27"] == ANNEX_III_DATE
        fria = next(
            r for r in result["rationale"] if r["rule"] == "fundamental_rights_impact_assessment"
        )
        assert fria["citation"] == "Art. 27(1)"
    else:
        assert "no_fundamental_rights_impact_assessment" in rules_of(result)


@pytest.mark.parametrize("point", ANNEX_III)
def test_every_annex_iii_point_derogated_under_art_6_3(point):
    result = run(annex_iii=[point], art_6_3_conditions=["a"])
    assert result["tier"] == "minimal_risk"
    assert result["derogation_applied"] is True
    assert result["high_risk_basis"] == []
    assert result["conformity_route"] is None
    assert result["obligations"] == ["art_4", "art_49_2", "art_6_4"]
    assert result["applies_from"]["art_6_4"] == ANNEX_III_DATE
    assert result["applies_from"]["art_49_2"] == ANNEX_III_DATE


@pytest.mark.parametrize("condition", list(codes.ART_6_3_CONDITIONS))
def test_each_art_6_3_condition_alone_is_enough(condition):
    result = run(annex_iii=["annex_iii_4_a"], art_6_3_conditions=[condition])
    assert result["derogation_applied"] is True
    assert "art_6_3_derogation" in rules_of(result)


@pytest.mark.parametrize("condition", list(codes.ART_6_3_CONDITIONS))
def test_profiling_always_keeps_an_annex_iii_system_high_risk(condition):
    result = run(annex_iii=["annex_iii_4_a"], art_6_3_conditions=[condition], profiling=True)
    assert result["tier"] == "high_risk"
    assert result["derogation_applied"] is False
    assert result["high_risk_basis"] == ["annex_iii_4_a"]
    assert "art_6_4" not in result["obligations"]
    assert "art_49_2" not in result["obligations"]
    override = next(r for r in result["rationale"] if r["rule"] == "profiling_override")
    assert "Art. 6(3)" in override["citation"]


def test_profiling_without_a_claimed_derogation_does_not_explain_an_override():
    result = run(annex_iii=["annex_iii_4_a"], profiling=True)
    assert "profiling_override" not in rules_of(result)


def test_profiling_without_annex_iii_changes_nothing():
    assert run(profiling=True)["tier"] == "minimal_risk"


@pytest.mark.parametrize(
    "role, expected",
    [
        ("provider", ["art_4", "art_49_2", "art_6_4"]),
        # Amended contract, Art. 25(3): not high-risk under Annex I, so not the provider.
        ("product_manufacturer", []),
        ("deployer", ["art_4"]),
        ("importer", []),
        ("distributor", []),
        ("authorised_representative", []),
    ],
)
def test_derogation_duties_fall_on_the_provider_only(role, expected):
    result = run(role=role, annex_iii=["annex_iii_5_b"], art_6_3_conditions=["b", "d"])
    assert result["obligations"] == expected
    assert result["derogation_applied"] is True


def test_derogated_system_with_an_art_50_fact_is_limited_risk():
    result = run(
        annex_iii=["annex_iii_8_a"],
        art_6_3_conditions=["d"],
        transparency={"interacts_with_persons": True},
    )
    assert result["tier"] == "limited_risk"
    assert result["derogation_applied"] is True
    assert result["obligations"] == ["art_4", "art_49_2", "art_50_1", "art_6_4"]


def test_derogation_applies_to_every_listed_point_together():
    result = run(annex_iii=["annex_iii_4_a", "annex_iii_4_b"], art_6_3_conditions=["c"])
    assert result["derogation_applied"] is True
    assert result["high_risk_basis"] == []


def test_derogated_annex_iii_leg_of_an_annex_i_system():
    # The contract: derogation_applied is "true when an Annex III system is not high-risk
    # because of Art. 6(3)"; this one is high-risk under Art. 6(1), so it is false and the
    # Art. 6(4) / Art. 49(2) "not high-risk" duties are not owed.
    result = run(annex_i=annex_i("toys"), annex_iii=["annex_iii_3_b"], art_6_3_conditions=["a"])
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == ["annex_i"]
    assert result["derogation_applied"] is False
    assert not {"art_6_4", "art_49_2"} & set(result["obligations"])
    assert "art_6_3_moot_under_annex_i" in rules_of(result)
    assert result["applies_from"]["art_9"] == ANNEX_I_DATE


def test_several_annex_iii_points_are_all_in_the_basis_sorted():
    result = run(annex_iii=["annex_iii_8_b", "annex_iii_2", "annex_iii_1_a"])
    assert result["high_risk_basis"] == ["annex_iii_1_a", "annex_iii_2", "annex_iii_8_b"]


# ---------------------------------------------------------------------------------------------
# Conformity routes (Art. 43)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "points, route",
    [
        (["annex_iii_1_a"], "internal_control_or_notified_body"),
        (["annex_iii_1_b"], "internal_control_or_notified_body"),
        (["annex_iii_1_c"], "internal_control_or_notified_body"),
        (["annex_iii_1_a", "annex_iii_4_a"], "internal_control_or_notified_body"),
        (["annex_iii_2"], "internal_control"),
        (["annex_iii_3_a", "annex_iii_8_b"], "internal_control"),
        ([], None),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_conformity_route_describes_the_system_for_every_role(points, route, role):
    assert run(role=role, annex_iii=points)["conformity_route"] == route


def test_conformity_route_rationale_cites_art_43():
    biometric = run(annex_iii=["annex_iii_1_a"])
    assert "conformity_biometrics" in rules_of(biometric)
    assert any("Art. 43(1)" in r["citation"] for r in biometric["rationale"])
    other = run(annex_iii=["annex_iii_4_a"])
    assert any(r["citation"] == "Art. 43(2); Annex VI" for r in other["rationale"])
    product = run(annex_i=annex_i("toys"))
    assert any(r["citation"] == "Art. 43(3)" for r in product["rationale"])


# ---------------------------------------------------------------------------------------------
# Role duties for a high-risk system (precedence 8)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, expected",
    [
        ("provider", PROVIDER_ALL | {"art_4"}),
        # Amended contract, Art. 25(3): a product manufacturer is the provider under Annex I only.
        ("product_manufacturer", set()),
        ("deployer", {"art_4", "art_26"}),
        ("importer", {"art_23"}),
        ("distributor", {"art_24"}),
        ("authorised_representative", {"art_22"}),
    ],
)
@pytest.mark.parametrize("point", ["annex_iii_4_a", "annex_iii_1_a", "annex_iii_2"])
def test_every_role_of_a_high_risk_system(role, expected, point):
    result = run(role=role, annex_iii=[point])
    assert set(result["obligations"]) == expected
    assert_well_formed(result)


@pytest.mark.parametrize(
    "role, added",
    [
        ("provider", {"art_22"}),
        ("product_manufacturer", set()),  # not its provider (Art. 25(3), amended contract)
        ("deployer", set()),
        ("importer", set()),
        ("distributor", set()),
        ("authorised_representative", set()),
    ],
)
def test_provider_outside_the_eu_needs_an_authorised_representative(role, added):
    inside = set(run(role=role, annex_iii=["annex_iii_4_a"])["obligations"])
    outside = run(role=role, annex_iii=["annex_iii_4_a"], established_in_eu=False)
    assert set(outside["obligations"]) == inside | added
    if added:
        assert "provider_outside_eu" in rules_of(outside)
        assert outside["applies_from"]["art_22"] == ANNEX_III_DATE


def test_established_in_eu_defaults_to_false():
    data = screening(annex_iii=["annex_iii_4_a"])
    del data["established_in_eu"]
    assert "art_22" in classify(data)["obligations"]


def test_not_established_provider_of_a_non_high_risk_system_owes_no_art_22():
    assert "art_22" not in run(established_in_eu=False)["obligations"]


@pytest.mark.parametrize(
    "role, own",
    [
        ("deployer", {"art_26"}),
        ("importer", {"art_23"}),
        ("distributor", {"art_24"}),
        ("authorised_representative", {"art_22"}),
    ],
)
def test_art_25_trigger_makes_an_operator_the_provider(role, own):
    result = run(role=role, annex_iii=["annex_iii_4_a"], art_25_trigger=True)
    assert set(result["obligations"]) == PROVIDER_ALL | {"art_4"} | own
    trigger = next(r for r in result["rationale"] if r["rule"] == "art_25_becomes_provider")
    assert trigger["citation"] == "Art. 25(1)"


def test_art_25_provider_outside_eu_needs_art_22():
    result = run(
        role="deployer", annex_iii=["annex_iii_4_a"], art_25_trigger=True, established_in_eu=False
    )
    assert "art_22" in result["obligations"]


def test_art_25_trigger_gives_provider_transparency_duties_too():
    result = run(
        role="deployer",
        annex_iii=["annex_iii_4_a"],
        art_25_trigger=True,
        transparency={"interacts_with_persons": True, "deep_fake": True},
    )
    assert result["transparency"] == ["art_50_1", "art_50_4"]


@pytest.mark.parametrize("role", ["deployer", "importer", "distributor"])
def test_art_25_trigger_does_nothing_for_a_system_that_is_not_high_risk(role):
    plain = run(role=role, transparency={"synthetic_content": True})
    triggered = run(role=role, transparency={"synthetic_content": True}, art_25_trigger=True)
    assert triggered["obligations"] == plain["obligations"]
    assert triggered["transparency"] == plain["transparency"]
    assert "art_25_not_high_risk" in rules_of(triggered)


def test_art_25_trigger_on_a_derogated_system_does_nothing():
    result = run(
        role="deployer",
        annex_iii=["annex_iii_4_a"],
        art_6_3_conditions=["a"],
        art_25_trigger=True,
    )
    assert result["obligations"] == ["art_4"]


def test_art_25_trigger_for_a_provider_changes_nothing():
    plain = run(annex_iii=["annex_iii_4_a"])
    assert run(annex_iii=["annex_iii_4_a"], art_25_trigger=True) == plain


@pytest.mark.parametrize(
    "points, public, fria",
    [
        (["annex_iii_4_a"], False, False),
        (["annex_iii_4_a"], True, True),
        (["annex_iii_2"], True, False),
        (["annex_iii_2"], False, False),
        (["annex_iii_2", "annex_iii_4_a"], True, True),
        (["annex_iii_2", "annex_iii_5_b"], False, True),
        (["annex_iii_5_b"], False, True),
        (["annex_iii_5_c"], False, True),
        (["annex_iii_5_a"], False, False),
        (["annex_iii_5_a"], True, True),
        (["annex_iii_5_d"], False, False),
        (["annex_iii_1_a"], True, True),
    ],
)
def test_fundamental_rights_impact_assessment(points, public, fria):
    result = run(role="deployer", annex_iii=points, public_service_deployer=public)
    assert ("art_27" in result["obligations"]) == fria


@pytest.mark.parametrize("role", [r for r in ROLES if r != "deployer"])
def test_fria_is_a_deployer_duty_only(role):
    result = run(role=role, annex_iii=["annex_iii_5_b"], public_service_deployer=True)
    assert "art_27" not in result["obligations"]


def test_fria_not_owed_under_a_derogation():
    result = run(
        role="deployer",
        annex_iii=["annex_iii_5_b"],
        art_6_3_conditions=["a"],
        public_service_deployer=True,
    )
    assert result["obligations"] == ["art_4"]


# ---------------------------------------------------------------------------------------------
# Precedence 5: transparency (Art. 50) and the limited-risk tier
# ---------------------------------------------------------------------------------------------

PROVIDER_PARAGRAPH = {"interacts_with_persons": "art_50_1", "synthetic_content": "art_50_2"}
DEPLOYER_PARAGRAPH = {
    "emotion_recognition_or_biometric_categorisation": "art_50_3",
    "deep_fake": "art_50_4",
    "public_interest_text": "art_50_4",
}


@pytest.mark.parametrize("fact", FACTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_art_50_fact_makes_limited_risk_for_every_role(fact, role):
    result = run(role=role, transparency={fact: True})
    assert result["tier"] == "limited_risk"
    # A product manufacturer of a system not high-risk under Annex I is not its provider
    # (Art. 25(3), amended contract): no Art. 50(1)-(2) duty and no AI literacy in that role.
    if role == "provider":
        expected = [PROVIDER_PARAGRAPH[fact]] if fact in PROVIDER_PARAGRAPH else []
    elif role == "deployer":
        expected = [DEPLOYER_PARAGRAPH[fact]] if fact in DEPLOYER_PARAGRAPH else []
    else:
        expected = []
    assert result["transparency"] == expected
    literacy = ["art_4"] if role in ("provider", "deployer") else []
    assert result["obligations"] == sorted(literacy + expected)
    if not expected:
        assert "art_50_other_roles" in rules_of(result)
    assert "limited_risk" in rules_of(result)
    assert_well_formed(result)


def test_provider_with_every_fact_owes_paragraphs_1_and_2():
    result = run(transparency=dict.fromkeys(codes.TRANSPARENCY_FACTS, True))
    assert result["transparency"] == ["art_50_1", "art_50_2"]


def test_deployer_with_every_fact_owes_paragraphs_3_and_4():
    result = run(role="deployer", transparency=dict.fromkeys(FACTS, True))
    assert result["transparency"] == ["art_50_3", "art_50_4"]
    assert result["obligations"] == ["art_4", "art_50_3", "art_50_4"]
    for code in ("art_50_3", "art_50_4"):
        assert result["applies_from"][code] == "2026-08-02"


def test_public_interest_text_duty_lapses_under_human_editorial_control():
    result = run(
        role="deployer",
        transparency={"public_interest_text": True, "human_editorial_control": True},
    )
    assert result["tier"] == "limited_risk"
    assert result["transparency"] == []
    assert result["obligations"] == ["art_4"]
    lapse = next(r for r in result["rationale"] if r["rule"] == "art_50_4_editorial_control")
    assert "Art. 50(4)" in lapse["citation"]
    assert "art_50_other_roles" not in rules_of(result)


def test_editorial_control_does_not_lift_the_deep_fake_duty():
    result = run(
        role="deployer",
        transparency={
            "deep_fake": True,
            "public_interest_text": True,
            "human_editorial_control": True,
        },
    )
    assert result["transparency"] == ["art_50_4"]
    explanation = next(r for r in result["rationale"] if r["rule"] == "art_50_4")["explanation"]
    assert "deep fakes" in explanation and "public interest" not in explanation


def test_editorial_control_alone_is_no_art_50_fact():
    result = run(role="deployer", transparency={"human_editorial_control": True})
    assert result["tier"] == "minimal_risk"
    assert result["transparency"] == []


def test_no_facts_is_minimal_risk_with_ai_literacy():
    result = run(transparency=dict.fromkeys(codes.TRANSPARENCY_FACTS, False))
    assert result["tier"] == "minimal_risk"
    assert result["obligations"] == ["art_4"]
    assert "minimal_risk" in rules_of(result)


@pytest.mark.parametrize("role", ROLES)
def test_high_risk_system_carries_its_art_50_duties_too(role):
    result = run(
        role=role,
        annex_iii=["annex_iii_1_c"],
        transparency=dict.fromkeys(FACTS, True),
    )
    assert result["tier"] == "high_risk"
    expected = {
        "provider": ["art_50_1", "art_50_2"],
        "deployer": ["art_50_3", "art_50_4"],
    }.get(role, [])  # Annex III only: a product manufacturer is not the provider (Art. 25(3))
    assert result["transparency"] == expected
    assert set(expected) <= set(result["obligations"])


# ---------------------------------------------------------------------------------------------
# Precedence 6: general-purpose AI models
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flops, gpai_class",
    [
        (None, "gpai"),
        (0, "gpai"),
        (1e24, "gpai"),
        (1e25, "gpai"),  # exactly 10^25 is not above it (Art. 51(2))
        (10**25, "gpai"),
        (9.999999999999999e24, "gpai"),
        (10**25 + 1, "gpai_systemic_risk"),
        (1.0000000000000002e25, "gpai_systemic_risk"),
        (1.1e25, "gpai_systemic_risk"),
        (2e25, "gpai_systemic_risk"),
        (10**26, "gpai_systemic_risk"),
    ],
)
def test_systemic_risk_threshold_is_strictly_above_10_to_the_25(flops, gpai_class):
    result = run(gpai={"training_flops": flops})
    assert result["gpai"] == gpai_class
    assert ("art_55" in result["obligations"]) == (gpai_class == "gpai_systemic_risk")
    assert "art_53" in result["obligations"]


def test_json_number_1e25_is_not_above_the_threshold():
    data = json.loads('{"training_flops": 1e25}')
    assert run(gpai=data)["gpai"] == "gpai"
    data = json.loads('{"training_flops": 10000000000000000000000001}')
    assert run(gpai=data)["gpai"] == "gpai_systemic_risk"


def test_commission_designation_gives_systemic_risk_whatever_the_compute():
    result = run(gpai={"training_flops": 1, "commission_designated": True})
    assert result["gpai"] == "gpai_systemic_risk"
    assert {"art_53", "art_55"} <= set(result["obligations"])
    assert "gpai_systemic_risk_designated" in rules_of(result)


def test_gpai_with_defaults_is_a_plain_model():
    result = run(gpai={})
    assert result["gpai"] == "gpai"
    assert result["obligations"] == ["art_4", "art_53"]
    assert result["applies_from"]["art_53"] == "2025-08-02"


def test_no_gpai_model():
    assert run()["gpai"] == "none"
    assert run(gpai=None)["gpai"] == "none"


@pytest.mark.parametrize("established, art_54", [(True, False), (False, True)])
@pytest.mark.parametrize("open_source", [True, False])
@pytest.mark.parametrize("designated", [True, False])
def test_gpai_obligation_matrix(established, art_54, open_source, designated):
    result = run(
        established_in_eu=established,
        gpai={"commission_designated": designated, "open_source": open_source},
    )
    expected = {"art_4", "art_53"}
    if designated:
        expected.add("art_55")
    # Art. 54(6) (amended contract): no representative for an open-source model without
    # systemic risk.
    if art_54 and (designated or not open_source):
        expected.add("art_54")
    assert set(result["obligations"]) == expected
    for code in expected - {"art_4"}:
        assert result["applies_from"][code] == "2025-08-02"


def test_open_source_model_without_systemic_risk_is_spared_53_1_a_b_only():
    result = run(gpai={"open_source": True})
    assert "art_53" in result["obligations"]
    spared = next(r for r in result["rationale"] if r["rule"] == "gpai_open_source")
    assert spared["citation"] == "Art. 53(2)"
    assert "(a)-(b)" in spared["explanation"] and "(c)-(d)" in spared["explanation"]


def test_open_source_exemption_does_not_hold_with_systemic_risk():
    result = run(gpai={"open_source": True, "training_flops": 1e26})
    assert "gpai_open_source" not in rules_of(result)
    duties = next(r for r in result["rationale"] if r["rule"] == "gpai_provider_duties")
    assert "does not apply" in duties["explanation"]
    assert "art_55" in result["obligations"]


@pytest.mark.parametrize("role", ROLES)
def test_gpai_is_its_own_dimension_and_does_not_change_the_tier(role):
    for extra, tier in (
        ({}, "minimal_risk"),
        ({"transparency": {"deep_fake": True}}, "limited_risk"),
        ({"annex_iii": ["annex_iii_4_a"]}, "high_risk"),
    ):
        result = run(role=role, gpai={"training_flops": 5e25}, **extra)
        assert result["tier"] == tier
        assert result["gpai"] == "gpai_systemic_risk"
        assert {"art_53", "art_55"} <= set(result["obligations"])


# ---------------------------------------------------------------------------------------------
# Precedence 7: AI literacy
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, literacy",
    [
        ("provider", True),
        ("deployer", True),
        ("product_manufacturer", False),  # Art. 25(3): not high-risk under Annex I
        ("importer", False),
        ("distributor", False),
        ("authorised_representative", False),
    ],
)
def test_ai_literacy_for_providers_and_deployers_of_in_scope_systems(role, literacy):
    result = run(role=role)
    assert result["obligations"] == (["art_4"] if literacy else [])
    assert result["tier"] == "minimal_risk"
    if literacy:
        assert result["applies_from"] == {"art_4": "2025-02-02"}
        assert any(r["citation"] == "Art. 4" for r in result["rationale"])


# ---------------------------------------------------------------------------------------------
# Dates and timelines
# ---------------------------------------------------------------------------------------------


def test_every_high_risk_duty_of_an_annex_iii_system_is_dated_december_2027():
    result = run(annex_iii=["annex_iii_4_a"], established_in_eu=False)
    for code, day in result["applies_from"].items():
        assert day == ("2025-02-02" if code == "art_4" else ANNEX_III_DATE), code


def test_classify_uses_an_injected_timeline():
    base = default_timeline()
    from datetime import date

    moved = tuple(
        TimelineEntry(e.code, date(2030, 1, 1), e.source, e.note, e.basis, e.practice)
        if e.code == "art_26"
        else e
        for e in base.entries
    )
    timeline = Timeline(moved, version="test", as_amended_by="Test")
    result = classify(screening(role="deployer", annex_iii=["annex_iii_4_a"]), timeline=timeline)
    assert result["applies_from"]["art_26"] == "2030-01-01"
    assert result["applies_from"]["art_4"] == "2025-02-02"


def test_missing_timeline_entry_is_a_loud_data_bug():
    from governance.classification.timeline import UnknownObligation

    timeline = Timeline(
        tuple(e for e in default_timeline().entries if e.code != "art_26"),
        version="test",
        as_amended_by="Test",
    )
    with pytest.raises(UnknownObligation):
        classify(screening(role="deployer", annex_iii=["annex_iii_4_a"]), timeline=timeline)


# ---------------------------------------------------------------------------------------------
# Sweeping invariants over many combinations
# ---------------------------------------------------------------------------------------------

SWEEP_ANNEX = [
    {},
    {"annex_iii": ["annex_iii_4_a"]},
    {"annex_iii": ["annex_iii_1_a", "annex_iii_5_b"], "public_authority": True},
    {"annex_iii": ["annex_iii_2"], "art_6_3_conditions": ["a"]},
    {"annex_iii": ["annex_iii_6_e"], "art_6_3_conditions": ["c"], "profiling": True},
    {"annex_i": {"legislation": "medical_devices", "third_party_conformity_assessment": True}},
    {"annex_i": {"legislation": "machinery", "third_party_conformity_assessment": True}},
    {"annex_i": {"legislation": "toys", "third_party_conformity_assessment": False}},
    {"prohibited_practices": ["art_5_1_c"]},
    {"prohibited_practices": ["art_5_1_g"], "prohibited_exception": "lawful_dataset_labelling"},
]
SWEEP_TRANSPARENCY = [
    {},
    {"transparency": {"interacts_with_persons": True, "synthetic_content": True}},
    {"transparency": {"public_interest_text": True, "human_editorial_control": True}},
    {"transparency": dict.fromkeys(FACTS, True)},
]
SWEEP_GPAI = [{}, {"gpai": {"training_flops": 3e25}}, {"gpai": {"open_source": True}}]
SWEEP_SCOPE = [
    {},
    {"scope_exclusion": "free_open_source"},
    {"scope_exclusion": "personal_non_professional"},
    {"eu_nexus": False},
]


@pytest.mark.parametrize("role", ROLES)
def test_invariants_over_a_sweep_of_screenings(role):
    count = 0
    for parts in itertools.product(
        SWEEP_ANNEX,
        SWEEP_TRANSPARENCY,
        SWEEP_GPAI,
        SWEEP_SCOPE,
        [{"established_in_eu": True}, {"established_in_eu": False}],
        [{}, {"art_25_trigger": True}],
    ):
        data = screening(role=role)
        for part in parts:
            data.update(copy.deepcopy(part))
        before = copy.deepcopy(data)
        result = classify(data)
        assert data == before, "classify must not change its input"
        assert_well_formed(result)
        assert classify(data) == result, "classification is deterministic"
        if result["derogation_applied"]:
            assert data.get("annex_iii") and data.get("art_6_3_conditions")
        # Art. 25(3): a product manufacturer is a provider under Annex I (or Art. 25(1)) only.
        manufacturer_provides = "annex_i" in result["high_risk_basis"] or data.get("art_25_trigger")
        if result["tier"] == "high_risk" and (
            role in ("provider", "deployer")
            or (role == "product_manufacturer" and manufacturer_provides)
        ):
            assert "art_4" in result["obligations"]
        if role == "product_manufacturer" and not manufacturer_provides:
            owed = set(result["obligations"]) - {"art_53", "art_54", "art_55"}
            assert owed <= {"art_5"}, "a prohibition binds everyone (Art. 5(1))"
        count += 1
    assert count == 10 * 4 * 3 * 4 * 2 * 2


def test_every_emittable_obligation_has_a_title_and_a_date():
    seen = set()
    for role in ROLES:
        for parts in itertools.product(SWEEP_ANNEX, SWEEP_TRANSPARENCY, SWEEP_GPAI):
            data = screening(role=role, established_in_eu=False, art_25_trigger=True)
            for part in parts:
                data.update(copy.deepcopy(part))
            seen.update(classify(data)["obligations"])
        seen.update(run(role=role, prohibited_practices=["art_5_1_a"])["obligations"])
        seen.update(
            run(role=role, annex_iii=["annex_iii_4_a"], art_6_3_conditions=["a"])["obligations"]
        )
    seen.update(run(role="deployer", transparency=dict.fromkeys(FACTS, True))["obligations"])
    assert seen == set(codes.OBLIGATIONS)
    assert seen <= default_timeline().codes
