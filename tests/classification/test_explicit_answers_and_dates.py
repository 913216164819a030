"""Nothing classified on unanswered questions; each system's own dates in the register and API."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from governance.classification import questions, services, steps
from governance.classification.forms import CLEARED, parse_step, split_cleared
from governance.classification.models import Classification
from governance.classification.tasks import roll_next_obligation_dates
from governance.register import services as register
from governance.register.models import AIModel, AISystem
from tests.factories import make_system

CV = {
    "schema": "eu-ai-act-screening/1",
    "role": "deployer",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "annex_iii": ["annex_iii_4_a"],
    "profiling": True,
}


def classify(world, system, screening, **kwargs):
    with scope(organization=world.acme):
        return services.classify_system(
            system=system, acting=world.alice_membership, screening=screening, **kwargs
        )


def screening_url(system, step):
    base = reverse(
        "classification:screening", kwargs={"org_slug": "acme", "system_uuid": system.uuid}
    )
    return f"{base}?step={step}"


class Post(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


# Explicit answers ------------------------------------------------------------------------------


def test_none_of_these_is_an_answer_and_nothing_ticked_is_not():
    step = questions.step_of("annex_iii")
    answers, errors, _raw = parse_step(step, Post(_shown=["annex_iii"], annex_iii=["none"]))
    assert answers == {"annex_iii": []} and not errors
    answers, errors, _raw = parse_step(step, Post(_shown=["annex_iii"]))
    assert answers == {"annex_iii": CLEARED}
    assert split_cleared(answers) == ({}, ["annex_iii"])


def test_none_of_these_with_a_ticked_option_is_refused():
    step = questions.step_of("annex_iii")
    _answers, errors, _raw = parse_step(
        step, Post(_shown=["annex_iii"], annex_iii=["none", "annex_iii_4_a"])
    )
    assert "not both" in errors["annex_iii"][0]


def test_training_compute_needs_a_number_or_not_known():
    step = questions.step_of("gpai.training_flops")
    shown = ["gpai.training_flops"]
    blank, _e, _r = parse_step(step, Post(_shown=shown, gpai__training_flops=""))
    assert blank == {"gpai.training_flops": CLEARED}
    unknown, _e, _r = parse_step(
        step, Post(_shown=shown, gpai__training_flops="", gpai__training_flops__unknown="1")
    )
    assert unknown == {"gpai.training_flops": None}
    both, errors, _r = parse_step(
        step,
        Post(_shown=shown, gpai__training_flops="3e25", gpai__training_flops__unknown="1"),
    )
    assert "not both" in errors["gpai.training_flops"][0]
    complete = {"gpai": True, "gpai.training_flops": None}
    assert "gpai.training_flops" not in questions.missing_required(complete)


def test_the_review_of_an_officer_who_skipped_steps_says_incomplete(world, client):
    system = make_system(world)
    client.force_login(world.alice)
    organisation = {
        "nav": "next",
        "role": "provider",
        "established_in_eu": "yes",
        "art_25_trigger": "no",
        "gpai": "no",
    }
    client.post(screening_url(system, "organisation"), organisation)
    client.post(
        screening_url(system, "scope"),
        {"nav": "next", "is_ai_system": "yes", "eu_nexus": "yes", "scope_exclusion": "none"},
    )
    # Prohibited practices, Annex I, Annex III and transparency never opened.
    page = client.get(screening_url(system, "review"))
    html = page.content.decode()
    assert "Incomplete" in html and "Minimal risk" not in html
    assert "?step=prohibited#q-prohibited_practices" in html
    assert "?step=annex_iii#q-annex_iii" in html
    assert "Saving is disabled: answer the" in html and "disabled" in html
    refused = client.post(screening_url(system, "review"), {"note": "crafted"})
    assert refused.status_code == 400
    with scopes_disabled():
        assert not Classification.objects.filter(system=system).exists()


def test_the_step_counter_counts_like_the_step_bar():
    answers = {"role": "provider", "gpai": True, "annex_iii": ["annex_iii_4_a"]}
    bar = steps.bar(answers, "transparency", tried=False)
    number, count = steps.position(answers, "transparency")
    assert count == len(bar) == 9  # eight steps and the review
    assert [i.slug for i in bar].index("transparency") + 1 == number == 7
    fewer = {"role": "provider", "gpai": False, "annex_iii": []}
    assert steps.position(fewer, "transparency") == (6, 7)
    assert len(steps.bar(fewer, "transparency", tried=False)) == 7


def test_the_step_page_shows_the_same_count_as_its_bar_and_focuses_the_first_question(
    world, client
):
    system = make_system(world)
    client.force_login(world.alice)
    html = client.get(screening_url(system, "scope")).content.decode()
    assert "Step 2 of 7" in html
    assert html.count('<li class="step') == 7
    assert 'id="q-is_ai_system-yes" autofocus' in html
    # Enter presses the form's first submit button: Continue, before Back and Save and exit.
    form = html[html.index('id="screening-form"') :]
    first = form.index('name="nav" value="next"')
    assert first < form.index('value="back"') and first < form.index('value="exit"')
    assert 'form="screening-form"' not in html


def test_the_autosave_swaps_the_counter_with_the_bar(world, client):
    system = make_system(world)
    client.force_login(world.alice)
    response = client.post(
        screening_url(system, "organisation"),
        {"role": "provider", "gpai": "yes", "_shown": ["role", "gpai"]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="step-counter" hx-swap-oob="true"' in html and "Step 1 of 8" in html


# Answered keys and defaults --------------------------------------------------------------------


def test_an_api_screening_records_the_keys_it_gave_and_the_panel_lists_the_defaults(world):
    system = make_system(world)
    classification = classify(world, system, CV)
    assert "annex_iii" in classification.answered_keys
    assert "prohibited_practices" not in classification.answered_keys
    html = render_panel(world, system)
    assert "This classification rests on defaults" in html
    assert "prohibited_practices" in html and "transparency.deep_fake" in html


def test_a_fully_answered_screening_rests_on_no_defaults(world):
    system = make_system(world)
    full = {
        **CV,
        "scope_exclusion": None,
        "prohibited_practices": [],
        "annex_i": None,
        "art_6_3_conditions": [],
        "public_service_deployer": False,
        "art_25_trigger": False,
        "gpai": None,
        "transparency": {
            "interacts_with_persons": False,
            "synthetic_content": False,
            "emotion_recognition_or_biometric_categorisation": False,
            "deep_fake": False,
            "public_interest_text": False,
        },
    }
    classify(world, system, full)
    assert "rests on defaults" not in render_panel(world, system)


def render_panel(world, system):
    with scopes_disabled():
        system = AISystem.objects.get(pk=system.pk)
    request = RequestFactory().get("/")
    request.user = world.alice
    request.membership = world.alice_membership
    request.organization = world.acme
    template = Template('{% include "classification/_system_panel.html" with system=system %}')
    with scope(organization=world.acme):
        return template.render(Context({"request": request, "system": system}))


# Each system's own dates -----------------------------------------------------------------------


def test_the_api_gives_each_obligation_its_date_for_this_system(world, client, api_token):
    system = make_system(world, placed_on_market_on=date(2024, 1, 1))
    classify(world, system, CV)
    _token, secret = api_token(world.acme, world.alice_membership)
    body = client.get(
        f"/api/v1/o/acme/systems/{system.uuid}/", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    dates = {d["code"]: d for d in body["obligation_dates"]}
    assert set(dates) == {"art_4", "art_26"}
    assert dates["art_26"] == {
        "code": "art_26",
        "applies_from": None,
        "basis": "Art. 111(2), as amended by Regulation (EU) 2026/1744",
    }
    assert dates["art_4"]["applies_from"] == "2025-02-02"
    assert body["significantly_changed_on"] is None


def test_recording_a_significant_change_moves_the_dates_through_the_api(world, client, api_token):
    system = make_system(world, placed_on_market_on=date(2024, 1, 1))
    classify(world, system, CV)
    _token, secret = api_token(world.acme, world.alice_membership)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.patch(
        f"/api/v1/o/acme/systems/{system.uuid}/",
        {"significantly_changed_on": "2028-03-01"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    dates = {d["code"]: d["applies_from"] for d in response.json()["obligation_dates"]}
    assert dates["art_26"] == "2028-03-01"
    with scopes_disabled():
        assert AISystem.objects.get(pk=system.pk).next_obligation_date == date(2028, 3, 1)


def test_a_models_placing_date_moves_the_gpai_duties(world):
    system = make_system(world)
    with scope(organization=world.acme):
        model = register.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Base LLM", "version": "1", "is_general_purpose": True},
        )
        register.update_system(
            system=system, acting=world.alice_membership, data={}, ai_models=[model]
        )
    classify(
        world,
        system,
        {
            "schema": "eu-ai-act-screening/1",
            "role": "provider",
            "is_ai_system": True,
            "eu_nexus": True,
            "established_in_eu": True,
            "gpai": {"training_flops": 1e23, "commission_designated": False, "open_source": False},
        },
    )
    with scope(organization=world.acme):
        register.update_model(
            model=AIModel.objects.get(pk=model.pk),
            acting=world.alice_membership,
            data={"placed_on_market_on": date(2025, 6, 1)},
        )
    with scopes_disabled():
        stored = AISystem.objects.get(pk=system.pk).obligation_dates
    assert {d["code"]: d["applies_from"] for d in stored}["art_53"] == "2027-08-02"


def test_the_register_filters_systems_due_within_90_days_in_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries
):
    today = timezone.localdate()
    soon = make_system(world, "Soon")
    later = make_system(world, "Later")
    with scopes_disabled():
        AISystem.objects.filter(pk=soon.pk).update(next_obligation_date=today + timedelta(90))
        AISystem.objects.filter(pk=later.pk).update(next_obligation_date=today + timedelta(91))
        for n in range(10):
            AISystem.objects.create(
                organization=world.acme,
                name=f"Due {n}",
                intended_purpose="x",
                next_obligation_date=today + timedelta(n),
            )
    client.force_login(world.alice)
    url = reverse("register:system-list", kwargs={"org_slug": "acme"}) + "?due_within=90"
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert "Soon" in html and "Later" not in html and "Due 9" in html


def test_the_api_filters_due_within_90_days(world, client, api_token):
    today = timezone.localdate()
    past = make_system(world, "Past")
    soon = make_system(world, "Soon")
    with scopes_disabled():
        AISystem.objects.filter(pk=past.pk).update(next_obligation_date=today - timedelta(1))
        AISystem.objects.filter(pk=soon.pk).update(next_obligation_date=today)
    _token, secret = api_token(world.acme, world.alice_membership)
    body = client.get(
        "/api/v1/o/acme/systems/?due_within=90", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert [s["name"] for s in body["results"]] == ["Soon"]


def test_the_daily_job_moves_a_passed_next_date_on(world):
    system = make_system(world)
    entries = [
        {"code": "art_4", "applies_from": "2025-02-02", "basis": "Art. 113(a)"},
        {"code": "art_26", "applies_from": "2099-12-02", "basis": "Art. 113(c)(i)"},
    ]
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(
            obligation_dates=entries, next_obligation_date=date(2020, 1, 1)
        )
    assert roll_next_obligation_dates() == 1
    assert roll_next_obligation_dates() == 0  # safe to run twice
    with scopes_disabled():
        assert AISystem.objects.get(pk=system.pk).next_obligation_date == date(2099, 12, 2)


@pytest.mark.parametrize("field", ["intended_for_public_authorities", "annex_x_component"])
def test_the_system_form_records_the_transitional_facts(world, client, field):
    system = make_system(world, placed_on_market_on=date(2024, 1, 1))
    client.force_login(world.alice)
    edit = reverse("register:system-edit", kwargs={"org_slug": "acme", "system_uuid": system.uuid})
    html = client.get(edit).content.decode()
    assert f'name="{field}"' in html and "Not stated" in html
    assert 'name="significantly_changed_on"' in html


def test_the_result_page_lists_the_answers_that_rest_on_defaults(world, client):
    system = make_system(world)
    classification = classify(world, system, CV)
    client.force_login(world.alice)
    url = reverse(
        "classification:detail",
        kwargs={"org_slug": "acme", "system_uuid": system.uuid, "version": classification.version},
    )
    html = client.get(url).content.decode()
    assert "rest on defaults" in html and "transparency.public_interest_text" in html
