"""Conditions as data: each kind of condition, and the facts built from a classification."""

import pytest

from compliance.catalogue.conditions import (
    ConditionError,
    condition_holds,
    facts_from_classification,
    validate_condition,
)

FACTS = {
    "role": "deployer",
    "tier": "high_risk",
    "conformity_route": "internal_control",
    "annex_iii": ["annex_iii_4_a", "annex_iii_2"],
    "public_authority": True,
    "open_source": False,
}


def test_no_condition_always_holds():
    assert condition_holds(None, {}) is True


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"annex_iii_point_in": ["annex_iii_4_a"]}, True),
        ({"annex_iii_point_in": ["annex_iii_4"]}, True),
        ({"annex_iii_point_in": ["annex_iii"]}, True),
        ({"annex_iii_point_in": ["annex_iii_1"]}, False),
        ({"annex_iii_point_in": ["annex_iii_4_b"]}, False),
        # "an Annex III point other than point 2": point 4(a) is one.
        ({"annex_iii_point_not_in": ["annex_iii_2"]}, True),
        ({"annex_iii_point_not_in": ["annex_iii_2", "annex_iii_4"]}, False),
    ],
)
def test_annex_iii_conditions_match_codes_and_areas(condition, expected):
    assert condition_holds(condition, FACTS) is expected


def test_annex_iii_conditions_without_points():
    assert condition_holds({"annex_iii_point_in": ["annex_iii"]}, {"annex_iii": []}) is False
    assert condition_holds({"annex_iii_point_not_in": ["annex_iii_2"]}, {}) is False


def test_area_prefix_does_not_match_a_longer_area_number():
    assert (
        condition_holds({"annex_iii_point_in": ["annex_iii_1"]}, {"annex_iii": ["annex_iii_12_a"]})
        is False
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"public_authority": True}, True),
        ({"public_authority": False}, False),
        ({"open_source": True}, False),
        ({"systemic_risk": True}, False),  # a missing fact is false
        ({"systemic_risk": False}, True),
        ({"special_category_data": True}, False),
    ],
)
def test_flag_conditions(condition, expected):
    assert condition_holds(condition, FACTS) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"role_in": ["provider", "deployer"]}, True),
        ({"role_in": ["provider"]}, False),
        ({"tier_in": ["high_risk"]}, True),
        ({"conformity_route_in": ["notified_body"]}, False),
    ],
)
def test_list_conditions(condition, expected):
    assert condition_holds(condition, FACTS) is expected


def test_combinators():
    yes, no = {"public_authority": True}, {"open_source": True}
    assert condition_holds({"all": [yes, yes]}, FACTS) is True
    assert condition_holds({"all": [yes, no]}, FACTS) is False
    assert condition_holds({"all": []}, FACTS) is True
    assert condition_holds({"any": [no, yes]}, FACTS) is True
    assert condition_holds({"any": [no]}, FACTS) is False
    assert condition_holds({"any": []}, FACTS) is False
    assert condition_holds({"not": no}, FACTS) is True
    assert condition_holds({"not": {"any": [no, yes]}}, FACTS) is False


@pytest.mark.parametrize(
    ("condition", "path", "message"),
    [
        ({"colour": "red"}, "colour", "unknown condition"),
        ({"public_authority": "yes"}, "public_authority", "expects true or false"),
        ({"all": {"public_authority": True}}, "all", "expects a list"),
        ({"any": [{"role_in": []}]}, "any[0].role_in", "non-empty list"),
        ({"annex_iii_point_in": ["point_4"]}, "annex_iii_point_in", "not an Annex III code"),
        ({"public_authority": True, "open_source": True}, "", "exactly one key"),
        ({"not": None}, "not", "exactly one key"),
    ],
)
def test_a_malformed_condition_names_its_place(condition, path, message):
    with pytest.raises(ConditionError) as caught:
        validate_condition(condition)
    assert caught.value.path == path
    assert message in caught.value.message


def test_validation_is_bounded_in_depth():
    deep = {"public_authority": True}
    for _ in range(20):
        deep = {"not": deep}
    with pytest.raises(ConditionError, match="deeper"):
        validate_condition(deep)


def test_an_unknown_condition_is_never_silently_true_or_false():
    with pytest.raises(ConditionError):
        condition_holds({"colour": "red"}, FACTS)


class _System:
    processes_personal_data = True
    processes_biometric_data = False
    processes_special_categories = True
    affected_persons = ["employees", "children"]


def test_facts_from_a_classification_and_a_system():
    screening = {
        "role": "provider",
        "established_in_eu": False,
        "annex_iii": ["annex_iii_1_a"],
        "public_authority": True,
        "gpai": {"training_flops": 1e26, "commission_designated": False, "open_source": True},
        "transparency": {"synthetic_content": True},
    }
    result = {"tier": "high_risk", "gpai": "gpai_systemic_risk", "conformity_route": None}
    facts = facts_from_classification(screening, result, _System())
    assert facts["acts_as_provider"] is True
    assert facts["established_in_eu"] is False
    assert facts["annex_iii"] == ["annex_iii_1_a"]
    assert facts["public_authority"] is True
    assert facts["public_service_deployer"] is True  # implied by public_authority
    assert facts["open_source"] is True
    assert facts["systemic_risk"] is True
    assert facts["gpai"] is True
    assert facts["special_category_data"] is True
    assert facts["affects_children"] is True
    assert facts["synthetic_content"] is True
    assert facts["deep_fake"] is False


def test_a_deployer_that_became_provider_under_art_25_acts_as_provider():
    screening = {"role": "deployer", "art_25_trigger": True}
    assert facts_from_classification(screening, {"tier": "high_risk"})["acts_as_provider"]
    assert not facts_from_classification(screening, {"tier": "limited_risk"})["acts_as_provider"]
