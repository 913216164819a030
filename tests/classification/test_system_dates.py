"""Each system's own dates: the transitional rules of Art. 111 (as amended), at every edge date."""

from datetime import date, timedelta

import pytest

from governance.classification.rules import classify
from governance.classification.system_dates import (
    SystemFacts,
    date_for,
    high_risk_codes,
    next_date,
    obligation_dates,
)
from governance.classification.timeline import default_timeline

DAY = timedelta(days=1)
ANNEX_III_DATE = date(2027, 12, 2)  # Art. 113(c)(i) as amended
ANNEX_I_DATE = date(2028, 8, 2)  # Art. 113(c)(ii) as amended

CV_PROVIDER = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "annex_iii": ["annex_iii_4_a"],
    "profiling": True,
}
LIFT = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "annex_i": {"legislation": "lifts", "third_party_conformity_assessment": True},
}
GENERATOR = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "transparency": {"synthetic_content": True},
}
GPAI_PROVIDER = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": False,
    "gpai": {"training_flops": 1e24, "commission_designated": False, "open_source": False},
}
PROHIBITED = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "prohibited_practices": ["art_5_1_a"],
}


@pytest.fixture(scope="module")
def timeline():
    return default_timeline()


def one(screening, code, timeline, **facts):
    return date_for(code, classify(screening), SystemFacts(**facts), timeline)


# Art. 111(2): high-risk systems already on the market -------------------------------------------


@pytest.mark.parametrize(
    ("screening", "chapter_iii"), [(CV_PROVIDER, ANNEX_III_DATE), (LIFT, ANNEX_I_DATE)]
)
def test_a_system_placed_the_day_before_its_duties_apply_is_caught_only_if_changed(
    timeline, screening, chapter_iii
):
    found = one(screening, "art_9", timeline, placed_on_market_on=chapter_iii - DAY)
    assert found.applies_from is None
    assert found.basis.startswith("Art. 111(2)")
    assert "significantly" in found.why and found.moved


@pytest.mark.parametrize(
    ("screening", "chapter_iii"), [(CV_PROVIDER, ANNEX_III_DATE), (LIFT, ANNEX_I_DATE)]
)
def test_a_system_placed_on_the_day_its_duties_apply_takes_the_general_date(
    timeline, screening, chapter_iii
):
    found = one(screening, "art_9", timeline, placed_on_market_on=chapter_iii)
    assert found.applies_from == chapter_iii
    assert found.basis.startswith("Art. 113(c)")
    assert not found.moved


def test_putting_into_service_before_the_date_counts_like_placing_on_the_market(timeline):
    found = one(
        CV_PROVIDER,
        "art_16",
        timeline,
        placed_on_market_on=ANNEX_III_DATE + DAY,
        put_into_service_on=ANNEX_III_DATE - DAY,
    )
    assert found.applies_from is None


def test_a_significant_change_on_the_date_catches_the_system_from_the_change(timeline):
    found = one(
        CV_PROVIDER,
        "art_9",
        timeline,
        placed_on_market_on=date(2024, 5, 1),
        significantly_changed_on=ANNEX_III_DATE,
    )
    assert found.applies_from == ANNEX_III_DATE
    assert "changed significantly on 2 December 2027" in found.why


def test_a_significant_change_the_day_before_the_date_does_not_count(timeline):
    found = one(
        CV_PROVIDER,
        "art_9",
        timeline,
        placed_on_market_on=date(2024, 5, 1),
        significantly_changed_on=ANNEX_III_DATE - DAY,
    )
    assert found.applies_from is None
    assert "does not count" in found.why


def test_a_legacy_system_for_public_authorities_complies_by_2_august_2030(timeline):
    found = one(
        CV_PROVIDER,
        "art_9",
        timeline,
        placed_on_market_on=ANNEX_III_DATE - DAY,
        intended_for_public_authorities=True,
    )
    assert found.applies_from == date(2030, 8, 2)
    assert "public authorities" in found.why
    # Not stated is not yes: the public-authority deadline needs the fact.
    unstated = one(CV_PROVIDER, "art_9", timeline, placed_on_market_on=ANNEX_III_DATE - DAY)
    assert unstated.applies_from is None


def test_for_public_authorities_the_earlier_of_the_change_and_2030_applies(timeline):
    base = {"placed_on_market_on": date(2025, 1, 1), "intended_for_public_authorities": True}
    early = one(CV_PROVIDER, "art_9", timeline, significantly_changed_on=date(2029, 3, 1), **base)
    late = one(CV_PROVIDER, "art_9", timeline, significantly_changed_on=date(2031, 1, 1), **base)
    assert early.applies_from == date(2029, 3, 1)
    assert late.applies_from == date(2030, 8, 2)


def test_without_dates_the_general_date_applies_and_the_reason_asks_for_them(timeline):
    found = one(CV_PROVIDER, "art_9", timeline)
    assert found.applies_from == ANNEX_III_DATE
    assert "record its dates" in found.why


def test_the_legacy_rule_covers_only_the_high_risk_duties(timeline):
    result = classify({**CV_PROVIDER, "transparency": {"interacts_with_persons": True}})
    facts = SystemFacts(placed_on_market_on=date(2024, 1, 1))
    dates = {d.code: d for d in obligation_dates(result, facts, timeline)}
    assert dates["art_9"].applies_from is None
    assert dates["art_4"].applies_from == date(2025, 2, 2)
    assert dates["art_50_1"].applies_from == date(2026, 8, 2)
    assert "art_4" not in high_risk_codes(timeline)


def test_prohibitions_apply_to_legacy_systems_alike(timeline):
    found = one(PROHIBITED, "art_5", timeline, placed_on_market_on=date(2020, 1, 1))
    assert found.applies_from == date(2025, 2, 2)


# Art. 111(1): components of Annex X large-scale IT systems --------------------------------------


def test_an_annex_x_component_placed_the_day_before_2_august_2027_has_until_2030(timeline):
    found = one(
        CV_PROVIDER,
        "art_9",
        timeline,
        placed_on_market_on=date(2027, 8, 1),
        annex_x_component=True,
    )
    assert found.applies_from == date(2030, 12, 31)
    assert found.basis == "Art. 111(1)"
    literacy = one(
        CV_PROVIDER, "art_4", timeline, placed_on_market_on=date(2027, 8, 1), annex_x_component=True
    )
    assert literacy.applies_from == date(2030, 12, 31)


def test_an_annex_x_component_placed_on_2_august_2027_falls_to_art_111_2(timeline):
    found = one(
        CV_PROVIDER,
        "art_9",
        timeline,
        placed_on_market_on=date(2027, 8, 2),
        annex_x_component=True,
    )
    # Still before the Annex III date: a legacy high-risk system under Art. 111(2).
    assert found.applies_from is None and found.basis.startswith("Art. 111(2)")


def test_annex_x_does_not_move_the_prohibitions(timeline):
    found = one(
        PROHIBITED, "art_5", timeline, placed_on_market_on=date(2020, 1, 1), annex_x_component=True
    )
    assert found.applies_from == date(2025, 2, 2)


# Art. 111(3): general-purpose AI models on the market before 2 August 2025 ---------------------


@pytest.mark.parametrize("code", ["art_53", "art_54"])
def test_a_model_placed_the_day_before_2_august_2025_complies_by_2_august_2027(timeline, code):
    found = one(GPAI_PROVIDER, code, timeline, gpai_model_placed_on=date(2025, 8, 1))
    assert found.applies_from == date(2027, 8, 2)
    assert found.basis == "Art. 111(3)"


def test_a_model_placed_on_2_august_2025_takes_the_general_date(timeline):
    found = one(GPAI_PROVIDER, "art_53", timeline, gpai_model_placed_on=date(2025, 8, 2))
    assert found.applies_from == date(2025, 8, 2)
    assert not found.moved


def test_a_model_without_a_placing_date_keeps_the_general_date_and_says_so(timeline):
    found = one(GPAI_PROVIDER, "art_53", timeline, placed_on_market_on=date(2024, 1, 1))
    assert found.applies_from == date(2025, 8, 2)
    assert "record the model's placing-on-market date" in found.why


# Art. 111(4) as amended: synthetic content on the market before 2 August 2026 ------------------


def test_a_generator_placed_the_day_before_2_august_2026_marks_content_by_2_december(timeline):
    found = one(GENERATOR, "art_50_2", timeline, placed_on_market_on=date(2026, 8, 1))
    assert found.applies_from == date(2026, 12, 2)
    assert found.basis.startswith("Art. 111(4)")


def test_a_generator_placed_on_2_august_2026_takes_the_general_date(timeline):
    found = one(GENERATOR, "art_50_2", timeline, placed_on_market_on=date(2026, 8, 2))
    assert found.applies_from == date(2026, 8, 2)


def test_only_placing_on_the_market_counts_for_art_111_4(timeline):
    found = one(GENERATOR, "art_50_2", timeline, put_into_service_on=date(2025, 1, 1))
    assert found.applies_from == date(2026, 8, 2)


def test_art_111_4_moves_only_art_50_2(timeline):
    result = classify(
        {**GENERATOR, "transparency": {"synthetic_content": True, "interacts_with_persons": True}}
    )
    dates = {
        d.code: d.applies_from
        for d in obligation_dates(
            result, SystemFacts(placed_on_market_on=date(2026, 1, 1)), timeline
        )
    }
    assert dates["art_50_2"] == date(2026, 12, 2)
    assert dates["art_50_1"] == date(2026, 8, 2)


# The next date ---------------------------------------------------------------------------------


def test_the_next_date_is_today_or_later_and_skips_conditional_ones(timeline):
    result = classify(CV_PROVIDER)
    dates = obligation_dates(result, SystemFacts(placed_on_market_on=date(2028, 1, 1)), timeline)
    assert next_date(dates, date(2026, 12, 1)) == ANNEX_III_DATE
    assert next_date(dates, ANNEX_III_DATE) == ANNEX_III_DATE
    assert next_date(dates, ANNEX_III_DATE + DAY) is None
    legacy = obligation_dates(result, SystemFacts(placed_on_market_on=date(2020, 1, 1)), timeline)
    assert next_date(legacy, date(2026, 12, 1)) is None


def test_the_api_entry_has_code_date_and_basis(timeline):
    entry = one(CV_PROVIDER, "art_9", timeline, placed_on_market_on=date(2020, 1, 1)).as_api()
    assert entry == {"code": "art_9", "applies_from": None, "basis": entry["basis"]}
    assert entry["basis"].startswith("Art. 111(2)")
