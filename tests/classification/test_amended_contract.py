"""The amended contract (2026-11-30), each rule tested from the Act at its edges.

- Art. 49(1)/(5): a provider registers a high-risk system only where its basis includes an
  Annex III point (point 2 at national level); Annex I alone is not registered.
- Art. 54(6): no authorised representative for a free and open-source GPAI model without
  systemic risk.
- Art. 25(3): a product manufacturer acts as the provider only of a system high-risk under
  Annex I; otherwise it owes nothing in that role, AI literacy included.
- Art. 26(8), Art. 49(3): a deployer that is a public authority or Union body registers its use
  of an Annex III system other than point 2 (`public_authority`, new optional key).
- An exception claimed for a practice that is not listed is contradictory input.
- Labels follow the amended wording (Art. 5(1)(ba)).
"""

import pytest

from governance.classification import codes
from governance.classification.rules import (
    SCHEMA_IN,
    ScreeningInvalid,
    classify,
    validate_screening,
)
from governance.classification.timeline import default_timeline

ANNEX_III_DATE = "2027-12-02"
REQUIREMENTS = {f"art_{n}" for n in range(9, 16)}
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
    "art_72",
    "art_73",
}
PROVIDER_WITHOUT_REGISTRATION = REQUIREMENTS | PROVIDER_DUTIES
SECTION_A = [c for c, x in codes.ANNEX_I.items() if x.section == "A"]
SECTION_B = [c for c, x in codes.ANNEX_I.items() if x.section == "B"]
NOT_POINT_2 = [c for c in codes.ANNEX_III if c != "annex_iii_2"]


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


def annex_i(legislation="toys", third_party=True):
    return {"legislation": legislation, "third_party_conformity_assessment": third_party}


def rule(result, name):
    found = [r for r in result["rationale"] if r["rule"] == name]
    assert len(found) == 1, [r["rule"] for r in result["rationale"]]
    return found[0]


def rules_of(result):
    return [r["rule"] for r in result["rationale"]]


def problems_of(data):
    with pytest.raises(ScreeningInvalid) as info:
        validate_screening(data)
    return info.value.problems


# ---------------------------------------------------------------------------------------------
# Art. 49(1) and 49(5): registration only for an Annex III basis
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("legislation", SECTION_A)
def test_provider_of_an_annex_i_only_system_registers_nothing(legislation):
    result = run(annex_i=annex_i(legislation))
    assert result["tier"] == "high_risk"
    assert set(result["obligations"]) == PROVIDER_WITHOUT_REGISTRATION | {"art_4"}
    assert "art_49" not in result["applies_from"]
    assert rule(result, "no_registration_annex_i")["citation"] == "Art. 49(1)"


@pytest.mark.parametrize("point", NOT_POINT_2)
def test_annex_i_and_an_annex_iii_point_registers_in_the_eu_database(point):
    result = run(annex_i=annex_i("medical_devices"), annex_iii=[point])
    assert result["high_risk_basis"] == ["annex_i", point]
    assert "art_49" in result["obligations"]
    assert result["applies_from"]["art_49"] == ANNEX_III_DATE
    assert rule(result, "registration")["citation"].startswith("Art. 49(1)")
    assert "no_registration_annex_i" not in rules_of(result)


def test_critical_infrastructure_registers_at_national_level_and_still_owes_art_49():
    result = run(annex_iii=["annex_iii_2"])
    assert "art_49" in result["obligations"]
    assert rule(result, "registration_national")["citation"] == "Art. 49(5)"
    assert "registration" not in rules_of(result)


def test_point_2_with_another_point_registers_in_the_eu_database():
    result = run(annex_iii=["annex_iii_2", "annex_iii_4_a"])
    assert "art_49" in result["obligations"]
    assert "registration" in rules_of(result)
    assert "registration_national" not in rules_of(result)


def test_annex_i_with_a_derogated_annex_iii_leg_is_not_registered():
    # The basis is annex_i alone: the Annex III use meets Art. 6(3), so no Annex III point
    # makes it high-risk, and Art. 49(2) is not owed either (it is high-risk anyway).
    result = run(annex_i=annex_i("lifts"), annex_iii=["annex_iii_4_b"], art_6_3_conditions=["a"])
    assert result["high_risk_basis"] == ["annex_i"]
    assert not {"art_49", "art_49_2"} & set(result["obligations"])


def test_annex_i_and_a_profiling_annex_iii_leg_is_registered():
    result = run(
        annex_i=annex_i("lifts"),
        annex_iii=["annex_iii_4_b"],
        art_6_3_conditions=["a"],
        profiling=True,
    )
    assert result["high_risk_basis"] == ["annex_i", "annex_iii_4_b"]
    assert "art_49" in result["obligations"]


@pytest.mark.parametrize("legislation", SECTION_B)
def test_section_b_removes_registration_even_with_an_annex_iii_point(legislation):
    result = run(annex_i=annex_i(legislation), annex_iii=["annex_iii_4_a"])
    assert result["obligations"] == ["art_4"]


@pytest.mark.parametrize(
    "points, registered",
    [(["annex_iii_4_a"], True), (["annex_iii_2"], True), ([], False)],
)
def test_an_operator_that_becomes_provider_registers_only_an_annex_iii_system(points, registered):
    extra = {} if points else {"annex_i": annex_i("ppe")}
    result = run(role="importer", art_25_trigger=True, annex_iii=points, **extra)
    assert "art_25_becomes_provider" in rules_of(result)
    assert {"art_23", "art_9"} <= set(result["obligations"])
    assert ("art_49" in result["obligations"]) is registered


@pytest.mark.parametrize(
    "role", ["deployer", "importer", "distributor", "authorised_representative"]
)
def test_other_roles_never_owe_provider_registration(role):
    result = run(role=role, annex_iii=["annex_iii_4_a"], annex_i=annex_i("toys"))
    assert "art_49" not in result["obligations"]


def test_the_registration_title_names_point_2_at_national_level():
    art_49 = codes.OBLIGATIONS["art_49"]
    assert "49(1)" in art_49.citation and "49(5)" in art_49.citation
    assert "Annex III" in art_49.summary and "national" in art_49.summary


# ---------------------------------------------------------------------------------------------
# Art. 54(6): no authorised representative for an open-source model without systemic risk
# ---------------------------------------------------------------------------------------------


def gpai(**values):
    return {"training_flops": None, "commission_designated": False, "open_source": False, **values}


def test_open_source_model_without_systemic_risk_outside_the_eu_owes_no_art_54():
    result = run(established_in_eu=False, gpai=gpai(open_source=True, training_flops=1e24))
    assert result["gpai"] == "gpai"
    assert result["obligations"] == ["art_4", "art_53"]
    assert rule(result, "gpai_open_source_no_representative")["citation"] == "Art. 54(6)"
    assert "gpai_outside_eu" not in rules_of(result)


@pytest.mark.parametrize(
    "systemic",
    [
        {"training_flops": 10**25 + 1},
        {"training_flops": 2e25},
        {"commission_designated": True},
    ],
)
def test_open_source_model_with_systemic_risk_still_owes_art_54(systemic):
    result = run(established_in_eu=False, gpai=gpai(open_source=True, **systemic))
    assert result["gpai"] == "gpai_systemic_risk"
    assert {"art_53", "art_54", "art_55"} <= set(result["obligations"])
    outside = rule(result, "gpai_outside_eu")
    assert "54(6)" in outside["explanation"] and "systemic risk" in outside["explanation"]
    assert result["applies_from"]["art_54"] == "2025-08-02"


def test_open_source_model_at_exactly_10_to_the_25_is_not_systemic_and_owes_no_art_54():
    result = run(established_in_eu=False, gpai=gpai(open_source=True, training_flops=1e25))
    assert result["gpai"] == "gpai"
    assert "art_54" not in result["obligations"]


def test_closed_model_outside_the_eu_owes_art_54():
    result = run(established_in_eu=False, gpai=gpai())
    assert "art_54" in result["obligations"]
    assert "54(6)" not in rule(result, "gpai_outside_eu")["explanation"]


def test_open_source_model_inside_the_eu_needs_no_representative_and_no_54_6_note():
    result = run(established_in_eu=True, gpai=gpai(open_source=True))
    assert "art_54" not in result["obligations"]
    assert "gpai_open_source_no_representative" not in rules_of(result)


def test_the_art_54_title_mentions_the_open_source_exemption():
    assert "54(6)" in codes.OBLIGATIONS["art_54"].summary


# ---------------------------------------------------------------------------------------------
# Art. 25(3): the product manufacturer is the provider under Annex I only
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["annex_iii_4_a", "annex_iii_1_a", "annex_iii_2"])
def test_product_manufacturer_of_an_annex_iii_only_system_owes_nothing(point):
    result = run(role="product_manufacturer", annex_iii=[point], established_in_eu=False)
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == [point]
    assert result["obligations"] == []
    assert result["applies_from"] == {}
    why = rule(result, "product_manufacturer_not_provider")
    assert why["citation"] == "Art. 25(3)"
    assert "owes nothing" in why["explanation"]
    assert "ai_literacy" not in rules_of(result)


@pytest.mark.parametrize(
    "extra, tier",
    [
        ({}, "minimal_risk"),
        ({"transparency": {"interacts_with_persons": True}}, "limited_risk"),
        ({"transparency": {"synthetic_content": True}}, "limited_risk"),
        ({"annex_i": annex_i("toys", third_party=False)}, "minimal_risk"),
        ({"annex_iii": ["annex_iii_5_b"], "art_6_3_conditions": ["d"]}, "minimal_risk"),
    ],
)
def test_product_manufacturer_of_a_system_not_high_risk_owes_nothing(extra, tier):
    result = run(role="product_manufacturer", **extra)
    assert result["tier"] == tier
    assert result["obligations"] == []
    assert result["transparency"] == []
    assert "product_manufacturer_not_provider" in rules_of(result)


@pytest.mark.parametrize("legislation", SECTION_A)
def test_product_manufacturer_under_annex_i_section_a_is_the_provider(legislation):
    result = run(
        role="product_manufacturer",
        annex_i=annex_i(legislation),
        established_in_eu=False,
        transparency={"interacts_with_persons": True},
    )
    expected = PROVIDER_WITHOUT_REGISTRATION | {"art_4", "art_22", "art_50_1"}
    assert set(result["obligations"]) == expected
    assert rule(result, "product_manufacturer_is_provider")["citation"] == (
        "Art. 2(1)(e); Art. 25(3)"
    )


@pytest.mark.parametrize("legislation", SECTION_B)
def test_product_manufacturer_under_section_b_keeps_only_literacy_and_art_50(legislation):
    result = run(
        role="product_manufacturer",
        annex_i=annex_i(legislation),
        transparency={"synthetic_content": True},
    )
    assert result["obligations"] == ["art_4", "art_50_2"]
    assert "product_manufacturer_is_provider" in rules_of(result)


def test_product_manufacturer_with_annex_i_and_annex_iii_owes_registration_too():
    result = run(
        role="product_manufacturer", annex_i=annex_i("medical_devices"), annex_iii=["annex_iii_5_d"]
    )
    assert set(result["obligations"]) == PROVIDER_WITHOUT_REGISTRATION | {"art_4", "art_49"}


def test_product_manufacturer_becomes_provider_of_an_annex_iii_system_under_art_25_1():
    result = run(role="product_manufacturer", annex_iii=["annex_iii_4_a"], art_25_trigger=True)
    assert set(result["obligations"]) == PROVIDER_WITHOUT_REGISTRATION | {"art_4", "art_49"}
    why = rule(result, "product_manufacturer_not_provider")
    assert "owes nothing" not in why["explanation"]
    assert "art_25_becomes_provider" in rules_of(result)


def test_product_manufacturer_keeps_the_duties_of_a_model_it_provides():
    # The `gpai` key says the organisation provides the model (Chapter V), whatever its role
    # for the system.
    result = run(role="product_manufacturer", gpai=gpai(training_flops=5e25))
    assert result["obligations"] == ["art_53", "art_55"]


def test_a_prohibited_system_binds_the_product_manufacturer_too():
    result = run(role="product_manufacturer", prohibited_practices=["art_5_1_a"])
    assert result["obligations"] == ["art_5"]


def test_the_role_description_says_when_a_product_manufacturer_is_the_provider():
    assert "Annex I" in codes.ROLES["product_manufacturer"].description


# ---------------------------------------------------------------------------------------------
# Art. 26(8) and 49(3): a public-authority deployer registers its use (`public_authority`)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", list(codes.ANNEX_III))
def test_public_authority_deployer_registers_its_use_except_for_point_2(point):
    result = run(role="deployer", public_authority=True, annex_iii=[point])
    registers = point != "annex_iii_2"
    assert ("art_49_3" in result["obligations"]) is registers
    if registers:
        assert result["applies_from"]["art_49_3"] == ANNEX_III_DATE
        assert rule(result, "deployer_registration")["citation"] == (
            "Art. 26(8); Art. 49(3); Annex VIII Section C"
        )
    else:
        why = rule(result, "no_deployer_registration")
        assert "point 2" in why["explanation"]


def test_point_2_with_another_point_registers_the_use():
    result = run(role="deployer", public_authority=True, annex_iii=["annex_iii_2", "annex_iii_8_a"])
    assert "art_49_3" in result["obligations"]


def test_public_authority_deployer_of_an_annex_i_only_system_registers_nothing():
    result = run(role="deployer", public_authority=True, annex_i=annex_i("medical_devices"))
    assert result["obligations"] == ["art_26", "art_4"]
    assert "Annex I" in rule(result, "no_deployer_registration")["explanation"]


def test_public_authority_deployer_of_annex_i_and_annex_iii_registers_the_use():
    result = run(
        role="deployer",
        public_authority=True,
        annex_i=annex_i("lifts"),
        annex_iii=["annex_iii_5_a"],
    )
    assert {"art_26", "art_27", "art_49_3"} <= set(result["obligations"])


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"annex_iii": ["annex_iii_5_a"], "art_6_3_conditions": ["d"]},
        {"transparency": {"deep_fake": True}},
        {"annex_i": annex_i("motor_vehicles"), "annex_iii": ["annex_iii_5_a"]},  # Art. 2(2)
    ],
)
def test_no_registration_of_use_without_high_risk_chapter_iii_duties(extra):
    result = run(role="deployer", public_authority=True, **extra)
    assert "art_49_3" not in result["obligations"]


@pytest.mark.parametrize(
    "role",
    ["provider", "importer", "distributor", "authorised_representative", "product_manufacturer"],
)
def test_registration_of_use_is_the_deployers_alone(role):
    result = run(role=role, public_authority=True, annex_iii=["annex_iii_5_a"])
    assert "art_49_3" not in result["obligations"]


def test_a_public_service_deployer_that_is_not_a_public_authority_registers_nothing():
    # Art. 27 covers private entities providing public services; Art. 26(8) does not.
    result = run(role="deployer", public_service_deployer=True, annex_iii=["annex_iii_5_a"])
    assert "art_27" in result["obligations"]
    assert "art_49_3" not in result["obligations"]
    assert "no_deployer_registration" not in rules_of(result)


def test_public_authority_implies_a_public_service_deployer_and_its_fria():
    screening = {
        "schema": SCHEMA_IN,
        "role": "deployer",
        "is_ai_system": True,
        "eu_nexus": True,
        "public_authority": True,
        "annex_iii": ["annex_iii_4_a"],
    }
    normalised = validate_screening(screening)
    assert normalised["public_authority"] is True
    assert normalised["public_service_deployer"] is True
    assert validate_screening(normalised) == normalised  # a stored screening re-validates
    result = classify(screening)
    assert {"art_26", "art_27", "art_49_3"} <= set(result["obligations"])


def test_public_authority_with_public_service_deployer_false_is_contradictory():
    problems = problems_of(
        {
            "schema": SCHEMA_IN,
            "role": "deployer",
            "is_ai_system": True,
            "public_authority": True,
            "public_service_deployer": False,
        }
    )
    assert len(problems) == 1
    assert problems[0].startswith("public_authority: ")
    assert "public_service_deployer is false" in problems[0]


@pytest.mark.parametrize(
    "value, shown",
    [(1, "1"), (0, "0"), ("true", "'true'"), (None, "null"), ([], "a list"), ({}, "an object")],
)
def test_public_authority_must_be_a_boolean(value, shown):
    problems = problems_of(
        {"schema": SCHEMA_IN, "role": "deployer", "is_ai_system": True, "public_authority": value}
    )
    assert problems == [f"public_authority: must be true or false, got {shown}"]


def test_public_authority_left_out_is_false_and_changes_nothing():
    data = {"role": "deployer", "annex_iii": ["annex_iii_5_a"]}
    assert run(**data) == run(**data, public_authority=False)
    assert "art_49_3" not in run(**data)["obligations"]


def test_a_deployer_that_becomes_provider_keeps_its_registration_of_use():
    result = run(
        role="deployer", public_authority=True, art_25_trigger=True, annex_iii=["annex_iii_5_a"]
    )
    assert {"art_49", "art_49_3", "art_26", "art_27"} <= set(result["obligations"])


def test_art_49_3_has_a_title_and_a_dated_legal_source():
    obligation = codes.OBLIGATIONS["art_49_3"]
    assert "49(3)" in obligation.citation and "26(8)" in obligation.citation
    (entry,) = default_timeline().entries_for("art_49_3")
    assert entry.applies_from.isoformat() == ANNEX_III_DATE
    assert entry.source.startswith("Art. 113(c)(i)")
    assert "49(3)" in entry.note


# ---------------------------------------------------------------------------------------------
# An exception claimed for a practice that is not listed is contradictory input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exception", list(codes.PROHIBITED_EXCEPTIONS))
@pytest.mark.parametrize("listed", [[], ["art_5_1_a"], ["art_5_1_ba", "art_5_1_bb"]])
def test_an_exception_without_its_practice_is_invalid(exception, listed):
    practice = codes.PROHIBITED_EXCEPTIONS[exception].practice
    data = {
        "schema": SCHEMA_IN,
        "role": "deployer",
        "is_ai_system": True,
        "prohibited_practices": listed,
        "prohibited_exception": exception,
    }
    problems = problems_of(data)
    assert len(problems) == 1
    assert problems[0].startswith("prohibited_exception: ")
    assert practice in problems[0]
    assert codes.PROHIBITED_PRACTICES[practice].citation in problems[0]


@pytest.mark.parametrize("exception", list(codes.PROHIBITED_EXCEPTIONS))
def test_an_exception_with_its_practice_listed_is_valid(exception):
    practice = codes.PROHIBITED_EXCEPTIONS[exception].practice
    result = run(prohibited_practices=[practice], prohibited_exception=exception)
    assert result["tier"] != "prohibited"
    assert "prohibited_exception" in rules_of(result)


def test_every_contradiction_is_listed_at_once():
    problems = problems_of(
        {
            "schema": SCHEMA_IN,
            "role": "deployer",
            "is_ai_system": True,
            "art_6_3_conditions": ["a"],
            "prohibited_exception": "medical_or_safety",
            "public_authority": True,
            "public_service_deployer": False,
        }
    )
    assert [p.split(":")[0] for p in problems] == [
        "public_authority",
        "art_6_3_conditions",
        "prohibited_exception",
    ]


# ---------------------------------------------------------------------------------------------
# Labels follow the amended wording
# ---------------------------------------------------------------------------------------------


def test_art_5_1_ba_speaks_of_freely_given_specific_informed_unambiguous_consent():
    text = codes.PROHIBITED_PRACTICES["art_5_1_ba"].description
    assert "freely given, specific, informed and unambiguous consent" in text
    assert "explicit consent" not in text
    assert codes.PROHIBITED_PRACTICES["art_5_1_ba"].citation == "Art. 5(1)(ba)"


def test_ai_literacy_speaks_of_supporting_its_development_as_amended():
    # Art. 4(1) as amended: "take measures to support the development of AI literacy", with no
    # specific level to guarantee (no longer "ensure a sufficient level").
    assert "support the development of AI literacy" in codes.OBLIGATIONS["art_4"].summary
    literacy = rule(run(), "ai_literacy")
    assert "support the development of AI literacy" in literacy["explanation"]
    assert "sufficient level" not in literacy["explanation"]
