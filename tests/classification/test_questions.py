"""The guided screening questionnaire: complete, consistent with the contract, plain language."""

import json

import pytest

from governance.classification import codes, questions
from governance.classification.questions import (
    QUESTIONS,
    STEPS,
    ShowIf,
    answers_to_screening,
    get_answer,
    missing_required,
    screening_to_answers,
    visible_questions,
)
from governance.classification.rules import SCHEMA_IN, classify, validate_screening

SCREENING_PATHS = {
    "role",
    "is_ai_system",
    "eu_nexus",
    "established_in_eu",
    "scope_exclusion",
    "prohibited_practices",
    "prohibited_exception",
    "annex_i",
    "annex_i.legislation",
    "annex_i.third_party_conformity_assessment",
    "annex_iii",
    "art_6_3_conditions",
    "profiling",
    "art_25_trigger",
    "public_service_deployer",
    "public_authority",
    *(f"transparency.{k}" for k in codes.TRANSPARENCY_FACTS),
    "gpai",
    "gpai.training_flops",
    "gpai.commission_designated",
    "gpai.open_source",
}

ALLOWED_CHOICES = {
    "role": set(codes.ROLES),
    "scope_exclusion": set(codes.SCOPE_EXCLUSIONS) | {None},
    "prohibited_practices": set(codes.PROHIBITED_PRACTICES),
    "prohibited_exception": set(codes.PROHIBITED_EXCEPTIONS) | {None},
    "annex_i.legislation": set(codes.ANNEX_I),
    "annex_iii": set(codes.ANNEX_III),
    "art_6_3_conditions": set(codes.ART_6_3_CONDITIONS),
}


def test_steps_in_order_with_role_first():
    assert [s.slug for s in STEPS] == [
        "organisation",
        "scope",
        "prohibited",
        "product_safety",
        "annex_iii",
        "derogation",
        "transparency",
        "gpai",
    ]
    assert STEPS[0].questions[0].key == "role"


def test_every_step_has_a_title_an_intro_and_questions():
    for step in STEPS:
        assert step.title and step.intro.endswith(".")
        assert step.questions


def test_questions_cover_exactly_the_screening_contract():
    assert set(QUESTIONS) == SCREENING_PATHS
    assert len(QUESTIONS) == sum(len(s.questions) for s in STEPS), "keys are unique"


@pytest.mark.parametrize("key", sorted(SCREENING_PATHS))
def test_every_question_is_plain_and_cites_the_law(key):
    question = QUESTIONS[key]
    assert question.kind in questions.KINDS
    assert question.label.endswith("?")
    assert question.help.startswith(("Art. ", "Annex ")), question.help
    assert len(question.label) < 200
    assert "shall" not in question.label.lower()


@pytest.mark.parametrize("key, allowed", list(ALLOWED_CHOICES.items()))
def test_choices_match_the_code_tables(key, allowed):
    question = QUESTIONS[key]
    assert question.kind in (questions.CHOICE, questions.MULTI_CHOICE)
    assert {code for code, _ in question.choices} == allowed
    assert all(label for _, label in question.choices)


def test_only_choice_questions_have_choices():
    for question in QUESTIONS.values():
        has_choices = question.kind in (questions.CHOICE, questions.MULTI_CHOICE)
        assert bool(question.choices) == has_choices, question.key


def test_bool_and_number_kinds():
    assert QUESTIONS["gpai.training_flops"].kind == questions.NUMBER
    for key in ("annex_i", "gpai", "is_ai_system", "transparency.deep_fake", "profiling"):
        assert QUESTIONS[key].kind == questions.BOOL


def test_show_if_conditions_refer_to_earlier_questions():
    asked = set()
    for step in STEPS:
        if step.show_if:
            assert step.show_if.key in asked
        for question in step.questions:
            if question.show_if:
                assert question.show_if.key in asked | {q.key for q in step.questions}
                assert question.show_if.op in ("equals", "in", "any_of", "not_empty")
            asked.add(question.key)


def test_unknown_show_if_operator_is_an_error():
    with pytest.raises(ValueError):
        ShowIf("role", "matches", "x").holds({"role": "x"})


def test_everything_is_json_ready():
    data = [s.as_dict() for s in STEPS]
    # The round trip changes nothing: no tuples, sets or objects that JSON would alter or refuse.
    assert json.loads(json.dumps(data)) == data and len(data) == len(STEPS)


# ---------------------------------------------------------------------------------------------
# Conditional questions
# ---------------------------------------------------------------------------------------------


def keys_visible(answers):
    return {q.key for q in visible_questions(answers)}


def test_gpai_step_only_when_the_organisation_provides_a_model():
    assert "gpai.open_source" not in keys_visible({})
    assert "gpai.open_source" not in keys_visible({"gpai": False})
    assert {"gpai.training_flops", "gpai.commission_designated", "gpai.open_source"} <= (
        keys_visible({"gpai": True})
    )


def test_annex_i_details_only_when_a_product_is_involved():
    assert "annex_i.legislation" not in keys_visible({"annex_i": False})
    assert "annex_i.legislation" in keys_visible({"annex_i": True})


def test_derogation_step_only_with_an_annex_iii_point():
    assert "art_6_3_conditions" not in keys_visible({"annex_iii": []})
    assert {"art_6_3_conditions", "profiling"} <= keys_visible({"annex_iii": ["annex_iii_4_a"]})


@pytest.mark.parametrize("practice", list(codes.PROHIBITED_PRACTICES))
def test_exception_question_only_for_practices_that_have_one(practice):
    has_exception = practice in {x.practice for x in codes.PROHIBITED_EXCEPTIONS.values()}
    visible = "prohibited_exception" in keys_visible({"prohibited_practices": [practice]})
    assert visible == has_exception


def test_public_service_question_only_for_deployers():
    assert "public_service_deployer" in keys_visible({"role": "deployer"})
    assert "public_service_deployer" not in keys_visible({"role": "provider"})


@pytest.mark.parametrize("role", list(codes.ROLES))
def test_art_25_question_for_operators_who_can_become_provider(role):
    visible = "art_25_trigger" in keys_visible({"role": role})
    assert visible == (role not in ("provider", "product_manufacturer"))


def test_editorial_control_only_with_public_interest_text():
    assert "transparency.human_editorial_control" not in keys_visible({})
    answers = {"transparency.public_interest_text": True}
    assert "transparency.human_editorial_control" in keys_visible(answers)


# ---------------------------------------------------------------------------------------------
# missing_required
# ---------------------------------------------------------------------------------------------


def test_missing_required_on_an_empty_form():
    assert missing_required({}) == [
        "role",
        "established_in_eu",
        "gpai",
        "is_ai_system",
        "eu_nexus",
        "scope_exclusion",
        "prohibited_practices",
        "annex_i",
        "annex_iii",
        "transparency.interacts_with_persons",
        "transparency.synthetic_content",
        "transparency.emotion_recognition_or_biometric_categorisation",
        "transparency.deep_fake",
        "transparency.public_interest_text",
    ]


def complete_answers(**overrides):
    answers = {
        "role": "deployer",
        "established_in_eu": True,
        "public_service_deployer": False,
        "art_25_trigger": False,
        "gpai": False,
        "is_ai_system": True,
        "eu_nexus": True,
        "scope_exclusion": None,
        "prohibited_practices": [],
        "annex_i": False,
        "annex_iii": ["annex_iii_4_a"],
        "profiling": True,
        "art_6_3_conditions": [],
        "transparency.interacts_with_persons": False,
        "transparency.synthetic_content": False,
        "transparency.emotion_recognition_or_biometric_categorisation": False,
        "transparency.deep_fake": False,
        "transparency.public_interest_text": False,
    }
    answers.update(overrides)
    return answers


def test_complete_answers_miss_nothing():
    assert missing_required(complete_answers()) == []


def test_a_none_choice_counts_as_an_answer_but_a_missing_bool_does_not():
    answers = complete_answers(scope_exclusion=None, profiling=None)
    assert missing_required(answers) == ["profiling"]


def test_gated_questions_become_required_once_shown():
    answers = complete_answers(gpai=True, annex_i=True)
    assert missing_required(answers) == [
        "annex_i.legislation",
        "annex_i.third_party_conformity_assessment",
        "gpai.training_flops",
        "gpai.commission_designated",
        "gpai.open_source",
    ]


def test_missing_required_reads_screening_shaped_answers_too():
    nested = {
        "role": "provider",
        "established_in_eu": True,
        "gpai": {"open_source": True},
        "is_ai_system": True,
        "eu_nexus": True,
        "scope_exclusion": None,
        "annex_i": None,
        "transparency": dict.fromkeys(codes.TRANSPARENCY_FACTS, False),
    }
    assert missing_required(nested) == [
        "prohibited_practices",
        "annex_iii",
        "gpai.training_flops",
        "gpai.commission_designated",
    ]
    assert get_answer(nested, "gpai") is True
    assert get_answer(nested, "annex_i") is False
    assert get_answer(nested, "transparency.deep_fake") is False
    assert get_answer(nested, "gpai.training_flops") is None


# ---------------------------------------------------------------------------------------------
# From answers to a screening and back
# ---------------------------------------------------------------------------------------------


def test_answers_become_the_public_example_screening():
    screening = answers_to_screening(complete_answers())
    assert screening["schema"] == SCHEMA_IN
    result = classify(screening)
    assert result["tier"] == "high_risk"
    assert result["obligations"] == ["art_26", "art_4"]


def test_hidden_answers_are_left_out_of_the_screening():
    answers = complete_answers(
        role="provider",
        public_service_deployer=True,  # hidden for a provider
        **{"gpai.open_source": True},  # hidden without gpai
    )
    screening = answers_to_screening(answers)
    assert "public_service_deployer" not in screening
    assert screening["gpai"] is None
    validate_screening(screening)


def test_gated_objects_are_built_from_their_answers():
    screening = answers_to_screening(
        complete_answers(
            gpai=True,
            annex_i=True,
            **{
                "gpai.training_flops": 2e25,
                "gpai.commission_designated": False,
                "gpai.open_source": True,
                "annex_i.legislation": "medical_devices",
                "annex_i.third_party_conformity_assessment": True,
                "transparency.public_interest_text": True,
                "transparency.human_editorial_control": True,
            },
        )
    )
    assert screening["gpai"] == {
        "training_flops": 2e25,
        "commission_designated": False,
        "open_source": True,
    }
    assert screening["annex_i"] == {
        "legislation": "medical_devices",
        "third_party_conformity_assessment": True,
    }
    assert screening["transparency"]["human_editorial_control"] is True
    result = classify(screening)
    assert result["gpai"] == "gpai_systemic_risk"
    assert result["high_risk_basis"] == ["annex_i", "annex_iii_4_a"]


@pytest.mark.parametrize(
    "screening",
    [
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
            "established_in_eu": False,
            "annex_i": {"legislation": "lifts", "third_party_conformity_assessment": True},
            "gpai": {"training_flops": 1e24, "commission_designated": False, "open_source": True},
            "transparency": {"interacts_with_persons": True},
        },
    ],
)
def test_round_trip_through_answers_keeps_the_classification(screening):
    back = answers_to_screening(screening_to_answers(screening))
    assert classify(back) == classify(screening)
    assert validate_screening(back) == validate_screening(screening)
