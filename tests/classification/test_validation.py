"""Screening validation: every problem found, each naming its key, and legitimate inputs kept."""

import json

import pytest

from governance.classification import codes
from governance.classification.rules import (
    SCHEMA_IN,
    ScreeningInvalid,
    classify,
    validate_screening,
)

TOP_KEYS = [
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
]
BOOL_KEYS = [
    "is_ai_system",
    "eu_nexus",
    "established_in_eu",
    "profiling",
    "art_25_trigger",
    "public_service_deployer",
    "public_authority",
]
LIST_KEYS = {
    "prohibited_practices": codes.PROHIBITED_PRACTICES,
    "annex_iii": codes.ANNEX_III,
    "art_6_3_conditions": codes.ART_6_3_CONDITIONS,
}
NOT_BOOLS = [0, 1, "true", "false", "yes", None, [], {}, 1.0]


def screening(**overrides):
    data = {"schema": SCHEMA_IN, "role": "provider", "is_ai_system": True}
    data.update(overrides)
    return data


def problems_of(data):
    with pytest.raises(ScreeningInvalid) as info:
        validate_screening(data)
    return info.value.problems


def assert_single(data, expected_start):
    problems = problems_of(data)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected_start), problems
    return problems[0]


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def test_minimal_screening_is_filled_with_neutral_values():
    assert validate_screening(screening()) == {
        "schema": SCHEMA_IN,
        "role": "provider",
        "is_ai_system": True,
        "eu_nexus": False,
        "established_in_eu": False,
        "scope_exclusion": None,
        "prohibited_practices": [],
        "prohibited_exception": None,
        "annex_i": None,
        "annex_iii": [],
        "art_6_3_conditions": [],
        "profiling": False,
        "art_25_trigger": False,
        "public_service_deployer": False,
        "public_authority": False,
        "transparency": dict.fromkeys(codes.TRANSPARENCY_FACTS, False),
        "gpai": None,
    }


def test_normalised_screening_has_every_key_in_contract_order():
    assert list(validate_screening(screening())) == TOP_KEYS


def test_lists_are_deduplicated_and_sorted():
    result = validate_screening(
        screening(
            annex_iii=["annex_iii_8_b", "annex_iii_1_a", "annex_iii_8_b"],
            art_6_3_conditions=["d", "a", "d"],
            prohibited_practices=["art_5_1_h", "art_5_1_a", "art_5_1_a"],
        )
    )
    assert result["annex_iii"] == ["annex_iii_1_a", "annex_iii_8_b"]
    assert result["art_6_3_conditions"] == ["a", "d"]
    assert result["prohibited_practices"] == ["art_5_1_a", "art_5_1_h"]


def test_nested_objects_are_filled_with_defaults():
    result = validate_screening(
        screening(annex_i={"legislation": "toys"}, transparency={"deep_fake": True}, gpai={})
    )
    assert result["annex_i"] == {"legislation": "toys", "third_party_conformity_assessment": False}
    assert result["transparency"]["deep_fake"] is True
    assert sum(result["transparency"].values()) == 1
    assert result["gpai"] == {
        "training_flops": None,
        "commission_designated": False,
        "open_source": False,
    }


def test_validation_does_not_change_its_input():
    data = screening(annex_iii=["annex_iii_4_a", "annex_iii_1_a"], transparency={})
    before = json.dumps(data)
    validate_screening(data)
    assert json.dumps(data) == before


def test_normalised_screening_validates_to_itself():
    data = screening(
        eu_nexus=True,
        annex_iii=["annex_iii_4_a"],
        annex_i={"legislation": "lifts", "third_party_conformity_assessment": True},
        gpai={"training_flops": 1e20, "open_source": True},
    )
    once = validate_screening(data)
    assert validate_screening(once) == once
    assert classify(once) == classify(data)


# ---------------------------------------------------------------------------------------------
# Legitimate inputs that must be accepted
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"scope_exclusion": None},
        {"prohibited_exception": None},
        {"annex_i": None},
        {"gpai": None},
        {"annex_iii": []},
        {"prohibited_practices": []},
        {"art_6_3_conditions": []},
        {"transparency": {}},
        {"profiling": True},  # profiling without an Annex III point is just a fact
        {"transparency": {"human_editorial_control": True}},
        {"transparency": {"deep_fake": True, "human_editorial_control": True}},
        {"public_service_deployer": True},  # for a provider it simply has no effect
        {"art_25_trigger": True},
        {"art_6_3_conditions": ["a"], "annex_iii": ["annex_iii_4_a"], "profiling": True},
        {"gpai": {"training_flops": 0}},
        {"gpai": {"training_flops": 10**30}},
        {"gpai": {"training_flops": 1.5e25}},
        {"gpai": {"training_flops": None}},
        {"gpai": {"open_source": True, "commission_designated": True}},
        {"annex_i": {"legislation": "rail"}},
        {
            "prohibited_practices": ["art_5_1_f", "art_5_1_g"],
            "prohibited_exception": "medical_or_safety",
        },
        {"role": "authorised_representative", "established_in_eu": False},
        {"is_ai_system": False},
        {"eu_nexus": False, "established_in_eu": True},
        {"scope_exclusion": "personal_non_professional", "role": "provider"},
    ],
)
def test_legitimate_inputs_are_accepted(overrides):
    clean = validate_screening(screening(**overrides))
    assert set(TOP_KEYS) <= set(clean) and clean["role"] == screening(**overrides)["role"]
    result = classify(screening(**overrides))
    assert result["schema"] == "eu-ai-act-classification/1" and result["tier"] in codes.TIERS


@pytest.mark.parametrize("role", list(codes.ROLES))
def test_every_role_is_accepted(role):
    assert validate_screening(screening(role=role))["role"] == role


@pytest.mark.parametrize("key, table", list(LIST_KEYS.items()))
def test_every_code_of_each_list_is_accepted(key, table):
    extra = {"annex_iii": ["annex_iii_2"]} if key == "art_6_3_conditions" else {}
    assert validate_screening(screening(**{key: list(table)}, **extra))[key] == sorted(table)


@pytest.mark.parametrize("exclusion", list(codes.SCOPE_EXCLUSIONS))
def test_every_scope_exclusion_is_accepted(exclusion):
    assert validate_screening(screening(scope_exclusion=exclusion))["scope_exclusion"] == exclusion


@pytest.mark.parametrize("legislation", list(codes.ANNEX_I))
def test_every_annex_i_legislation_is_accepted(legislation):
    clean = validate_screening(screening(annex_i={"legislation": legislation}))
    assert clean["annex_i"]["legislation"] == legislation


# ---------------------------------------------------------------------------------------------
# Shape and required keys
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [[], "screening", None, 3, 1.5, True, ["role"]])
def test_a_screening_must_be_an_object(data):
    problems = problems_of(data)
    assert len(problems) == 1
    assert problems[0].startswith("screening: must be a JSON object")


@pytest.mark.parametrize("key", ["schema", "role", "is_ai_system"])
def test_each_required_key(key):
    data = screening()
    del data[key]
    assert problems_of(data) == [f"{key}: required"]


def test_all_required_keys_missing_at_once():
    assert problems_of({}) == ["schema: required", "role: required", "is_ai_system: required"]


@pytest.mark.parametrize("value", ["eu-ai-act-screening/2", "", None, 1, "EU-AI-ACT-SCREENING/1"])
def test_schema_must_be_the_contract_version(value):
    message = assert_single(screening(schema=value), "schema: ")
    assert SCHEMA_IN in message


def test_unknown_top_level_key():
    assert problems_of(screening(foo=1)) == ["foo: unknown key"]


def test_every_unknown_key_is_named():
    assert problems_of(screening(zeta=1, alpha=2)) == ["alpha: unknown key", "zeta: unknown key"]


def test_output_keys_are_not_input_keys():
    assert problems_of(screening(tier="high_risk")) == ["tier: unknown key"]


# ---------------------------------------------------------------------------------------------
# Types and codes of top-level keys
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", BOOL_KEYS)
@pytest.mark.parametrize("value", NOT_BOOLS)
def test_bools_must_be_real_booleans(key, value):
    message = assert_single(screening(**{key: value}), f"{key}: ")
    assert "true or false" in message


@pytest.mark.parametrize("value", ["importer ", "Provider", "user", "", "manufacturer"])
def test_role_unknown_code(value):
    assert problems_of(screening(role=value)) == [f"role: unknown code {value!r}"]


@pytest.mark.parametrize("value", [None, 1, True, ["provider"], {"role": "provider"}])
def test_role_wrong_type(value):
    assert_single(screening(role=value), "role: ")


@pytest.mark.parametrize("key", ["scope_exclusion", "prohibited_exception"])
def test_nullable_choices_reject_unknown_codes(key):
    assert problems_of(screening(**{key: "nope"})) == [f"{key}: unknown code 'nope'"]


@pytest.mark.parametrize("key", ["scope_exclusion", "prohibited_exception"])
@pytest.mark.parametrize("value", [1, True, [], {}, ["free_open_source"]])
def test_nullable_choices_reject_wrong_types(key, value):
    assert_single(screening(**{key: value}), f"{key}: ")


def test_annex_iii_unknown_code_message_from_the_brief():
    assert problems_of(screening(annex_iii=["annex_iii_9_a"])) == [
        "annex_iii: unknown code 'annex_iii_9_a'"
    ]


@pytest.mark.parametrize(
    "key, bad",
    [
        ("annex_iii", "annex_iii_2_a"),  # point 2 has no letters
        ("annex_iii", "annex_iii_1_d"),
        ("annex_iii", "annex_iii_4"),
        ("annex_iii", "ANNEX_III_4_A"),
        ("prohibited_practices", "art_5_1_i"),
        ("prohibited_practices", "art_5_1"),
        ("prohibited_practices", "art_5_1_bc"),
        ("art_6_3_conditions", "e"),
        ("art_6_3_conditions", "A"),
    ],
)
def test_lists_reject_unknown_codes(key, bad):
    extra = {"annex_iii": ["annex_iii_2"]} if key == "art_6_3_conditions" else {}
    assert problems_of(screening(**{key: [bad]}, **extra)) == [f"{key}: unknown code {bad!r}"]


@pytest.mark.parametrize("key", list(LIST_KEYS))
@pytest.mark.parametrize("value", ["a", {"a": True}, 1, True, None])
def test_lists_must_be_lists(key, value):
    message = assert_single(screening(**{key: value}), f"{key}: ")
    assert "list" in message


@pytest.mark.parametrize("key", list(LIST_KEYS))
@pytest.mark.parametrize("item", [1, None, ["a"], {"code": "a"}, True])
def test_list_items_must_be_strings(key, item):
    message = assert_single(screening(**{key: [item]}), f"{key}: ")
    assert "item 0" in message


def test_each_unknown_code_in_a_list_is_named_once():
    problems = problems_of(screening(annex_iii=["x", "annex_iii_4_a", "y", "x"]))
    assert problems == ["annex_iii: unknown code 'x'", "annex_iii: unknown code 'y'"]


# ---------------------------------------------------------------------------------------------
# Nested objects
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["toys", 1, True, [], ["toys"]])
def test_annex_i_must_be_an_object_or_null(value):
    assert_single(screening(annex_i=value), "annex_i: ")


def test_annex_i_legislation_is_required():
    assert problems_of(screening(annex_i={})) == [
        "annex_i.legislation: required when annex_i is given"
    ]
    assert problems_of(screening(annex_i={"legislation": None})) == [
        "annex_i.legislation: required when annex_i is given"
    ]


def test_annex_i_legislation_unknown_code():
    assert problems_of(screening(annex_i={"legislation": "cars"})) == [
        "annex_i.legislation: unknown code 'cars'"
    ]


@pytest.mark.parametrize("value", [1, ["toys"], True])
def test_annex_i_legislation_wrong_type(value):
    assert_single(screening(annex_i={"legislation": value}), "annex_i.legislation: ")


@pytest.mark.parametrize("value", NOT_BOOLS)
def test_annex_i_third_party_assessment_must_be_a_bool(value):
    data = screening(annex_i={"legislation": "toys", "third_party_conformity_assessment": value})
    assert_single(data, "annex_i.third_party_conformity_assessment: ")


def test_annex_i_unknown_key():
    data = screening(annex_i={"legislation": "toys", "section": "A"})
    assert problems_of(data) == ["annex_i.section: unknown key"]


# null is not here: it is the neutral value of the object key (see test_contract_review.py).
@pytest.mark.parametrize("value", [[], True, "deep_fake", 1])
def test_transparency_must_be_an_object(value):
    assert_single(screening(transparency=value), "transparency: ")


@pytest.mark.parametrize("fact", list(codes.TRANSPARENCY_FACTS))
@pytest.mark.parametrize("value", NOT_BOOLS)
def test_transparency_facts_must_be_bools(fact, value):
    message = assert_single(screening(transparency={fact: value}), f"transparency.{fact}: ")
    assert "true or false" in message


def test_transparency_unknown_key():
    assert problems_of(screening(transparency={"chatbot": True})) == [
        "transparency.chatbot: unknown key"
    ]


@pytest.mark.parametrize("value", [True, 1, "gpai", [], 1e25])
def test_gpai_must_be_an_object_or_null(value):
    assert_single(screening(gpai=value), "gpai: ")


@pytest.mark.parametrize("value", ["1e25", True, False, [1e25], {"value": 1}])
def test_gpai_training_flops_must_be_a_number(value):
    message = assert_single(screening(gpai={"training_flops": value}), "gpai.training_flops: ")
    assert "number" in message


@pytest.mark.parametrize("value", [-1, -0.5, -1e25])
def test_gpai_training_flops_must_not_be_negative(value):
    message = assert_single(screening(gpai={"training_flops": value}), "gpai.training_flops: ")
    assert "negative" in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_gpai_training_flops_must_be_finite(value):
    message = assert_single(screening(gpai={"training_flops": value}), "gpai.training_flops: ")
    assert "finite" in message


@pytest.mark.parametrize("key", ["commission_designated", "open_source"])
@pytest.mark.parametrize("value", NOT_BOOLS)
def test_gpai_flags_must_be_bools(key, value):
    assert_single(screening(gpai={key: value}), f"gpai.{key}: ")


def test_gpai_unknown_key():
    assert problems_of(screening(gpai={"parameters": 7e9})) == ["gpai.parameters: unknown key"]


# ---------------------------------------------------------------------------------------------
# Contradictions
# ---------------------------------------------------------------------------------------------


def test_derogation_without_annex_iii_point_message_from_the_brief():
    problems = problems_of(screening(art_6_3_conditions=["a"]))
    assert len(problems) == 1
    assert problems[0].startswith(
        "art_6_3_conditions: a derogation is claimed but no Annex III point is given"
    )
    assert "Art. 6(3)" in problems[0]


def test_derogation_with_empty_annex_iii_list_is_contradictory():
    assert_single(screening(art_6_3_conditions=["b", "c"], annex_iii=[]), "art_6_3_conditions: ")


@pytest.mark.parametrize("exception", list(codes.PROHIBITED_EXCEPTIONS))
def test_exception_without_any_practice_is_contradictory(exception):
    message = assert_single(screening(prohibited_exception=exception), "prohibited_exception: ")
    practice = codes.PROHIBITED_EXCEPTIONS[exception].practice
    assert practice in message
    assert codes.PROHIBITED_PRACTICES[practice].citation in message


@pytest.mark.parametrize(
    "exception, practice, other",
    [
        (x.code, x.practice, other)
        for x in codes.PROHIBITED_EXCEPTIONS.values()
        for other in codes.PROHIBITED_PRACTICES
        if other != x.practice
    ],
)
def test_exception_for_a_practice_not_listed_is_contradictory(exception, practice, other):
    data = screening(prohibited_practices=[other], prohibited_exception=exception)
    message = assert_single(data, "prohibited_exception: ")
    assert practice in message


def test_medical_or_safety_without_art_5_1_f():
    data = screening(prohibited_practices=["art_5_1_g"], prohibited_exception="medical_or_safety")
    assert_single(data, "prohibited_exception: 'medical_or_safety'")


@pytest.mark.parametrize("exception", list(codes.PROHIBITED_EXCEPTIONS))
def test_exception_with_its_practice_is_consistent(exception):
    practice = codes.PROHIBITED_EXCEPTIONS[exception].practice
    data = screening(prohibited_practices=[practice], prohibited_exception=exception)
    clean = validate_screening(data)
    assert clean["prohibited_exception"] == exception
    assert clean["prohibited_practices"] == [practice]


def test_no_contradiction_is_invented_from_an_invalid_list():
    # The Annex III list is wrong; the derogation problem would only repeat it.
    problems = problems_of(screening(annex_iii=["annex_iii_9"], art_6_3_conditions=["a"]))
    assert problems == ["annex_iii: unknown code 'annex_iii_9'"]


# ---------------------------------------------------------------------------------------------
# Every problem, at once
# ---------------------------------------------------------------------------------------------


def test_every_problem_is_listed_at_once_each_naming_its_key():
    data = {
        "schema": "eu-ai-act-screening/9",
        "role": "vendor",
        "eu_nexus": "yes",
        "established_in_eu": 1,
        "scope_exclusion": "hobby",
        "prohibited_practices": ["art_5_1_z"],
        "prohibited_exception": "medical_or_safety",
        "annex_i": {"legislation": "cars", "third_party_conformity_assessment": "no", "x": 1},
        "art_6_3_conditions": ["a"],
        "profiling": None,
        "art_25_trigger": 0,
        "public_service_deployer": [],
        "transparency": {"deep_fake": 1, "hologram": True},
        "gpai": {"training_flops": -5, "open_source": "yes"},
        "extra": True,
    }
    problems = problems_of(data)
    starts = [p.split(":", 1)[0] for p in problems]
    assert starts == [
        "extra",
        "schema",
        "role",
        "is_ai_system",
        "eu_nexus",
        "established_in_eu",
        "scope_exclusion",
        "prohibited_practices",
        "annex_i.x",
        "annex_i.legislation",
        "annex_i.third_party_conformity_assessment",
        "profiling",
        "art_25_trigger",
        "public_service_deployer",
        "transparency.hologram",
        "transparency.deep_fake",
        "gpai.training_flops",
        "gpai.open_source",
        "art_6_3_conditions",
    ]
    for problem in problems:
        key, _, text = problem.partition(": ")
        assert key.split(".")[0] in TOP_KEYS or key == "extra"
        assert text and "\n" not in problem


def test_problems_are_plain_sentences_starting_with_their_key():
    problems = problems_of(
        screening(annex_iii="annex_iii_4_a", transparency={"deep_fake": "yes"}, bad=1)
    )
    assert problems == [
        "bad: unknown key",
        "annex_iii: must be a list of codes, got 'annex_iii_4_a'",
        "transparency.deep_fake: must be true or false, got 'yes'",
    ]


def test_screening_invalid_is_a_value_error_listing_the_problems():
    with pytest.raises(ValueError) as info:
        classify({"schema": SCHEMA_IN})
    error = info.value
    assert isinstance(error, ScreeningInvalid)
    assert error.problems == ["role: required", "is_ai_system: required"]
    assert "role: required" in str(error) and "is_ai_system: required" in str(error)


def test_long_values_are_shortened_in_messages():
    message = assert_single(screening(role="x" * 500), "role: ")
    assert len(message) < 120
