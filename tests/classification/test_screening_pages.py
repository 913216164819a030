"""The screening on the web: the questionnaire, review, versions, result, compare and the panel."""

import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from governance.classification import services
from governance.classification.forms import NumberInvalid, parse_number
from governance.classification.models import Classification, ScreeningDraft
from governance.register import services as register
from governance.tenancy.roles import Role
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
CHATBOT = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
}


def classify(world, system, screening, note=""):
    with scope(organization=world.acme):
        return services.classify_system(
            system=system, acting=world.alice_membership, screening=screening, note=note
        )


def url(name, system, org="acme", **kwargs):
    return reverse(
        f"classification:{name}", kwargs={"org_slug": org, "system_uuid": system.uuid, **kwargs}
    )


def draft_answers(system):
    with scopes_disabled():
        return ScreeningDraft.objects.get(system=system).answers


@pytest.fixture
def system(world):
    return make_system(world, "Talent screener")


@pytest.fixture
def alice(world, client):
    client.force_login(world.alice)
    return client


def post_step(client, system, step, nav="next", **values):
    return client.post(f"{url('screening', system)}?step={step}", {"nav": nav, **values})


def test_the_screening_starts_at_the_first_open_step(alice, system):
    response = alice.get(url("screening", system))
    assert response.status_code == 302
    assert response["Location"].endswith("?step=organisation")
    page = alice.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    # The register's role is offered as the starting answer.
    assert 'value="deployer" id="q-role-deployer" checked' in html
    assert 'class="step is-current"' in html
    assert "Legal basis" not in html or "q-help" in html


def test_walking_the_questionnaire_saves_the_answers_at_each_step(alice, system):
    r = post_step(
        alice,
        system,
        "organisation",
        role="deployer",
        established_in_eu="yes",
        public_service_deployer="no",
        art_25_trigger="no",
        gpai="no",
    )
    assert r.status_code == 302 and r["Location"].endswith("?step=scope")
    answers = draft_answers(system)
    assert answers["role"] == "deployer" and answers["established_in_eu"] is True
    assert answers["gpai"] is False

    r = post_step(
        alice, system, "scope", is_ai_system="yes", eu_nexus="yes", scope_exclusion="none"
    )
    assert r["Location"].endswith("?step=prohibited")
    assert draft_answers(system)["scope_exclusion"] is None

    # Nothing ticked is no answer; "None of these" is the explicit empty answer.
    r = post_step(alice, system, "prohibited", _shown=["prohibited_practices"])
    assert "prohibited_practices" not in draft_answers(system)
    r = post_step(
        alice,
        system,
        "prohibited",
        prohibited_practices=["none"],
        _shown=["prohibited_practices"],
    )
    assert r["Location"].endswith("?step=product_safety")
    assert draft_answers(system)["prohibited_practices"] == []

    r = post_step(alice, system, "product_safety", annex_i="no")
    assert r["Location"].endswith("?step=annex_iii")

    r = post_step(alice, system, "annex_iii", annex_iii=["annex_iii_4_a"])
    # Ticking an Annex III point brings up the Art. 6(3) step.
    assert r["Location"].endswith("?step=derogation")

    r = post_step(
        alice,
        system,
        "derogation",
        profiling="yes",
        art_6_3_conditions=["none"],
        _shown=["profiling", "art_6_3_conditions"],
    )
    assert r["Location"].endswith("?step=transparency")

    facts = {
        f"transparency__{k}": "no"
        for k in (
            "interacts_with_persons",
            "synthetic_content",
            "emotion_recognition_or_biometric_categorisation",
            "deep_fake",
            "public_interest_text",
        )
    }
    r = post_step(alice, system, "transparency", **facts)
    # No GPAI model: the GPAI step is skipped and the review comes next.
    assert r["Location"].endswith("?step=review")
    answers = draft_answers(system)
    assert answers["annex_iii"] == ["annex_iii_4_a"] and answers["profiling"] is True
    assert answers["transparency.deep_fake"] is False

    review = alice.get(r["Location"])
    html = review.content.decode()
    assert review.status_code == 200
    assert "Result if you save now" in html and "badge-high_risk" in html
    assert "still need" not in html
    with scopes_disabled():
        assert not Classification.objects.exists()  # nothing is classified before saving


def test_back_saves_the_step_and_goes_to_the_previous_one(alice, system):
    r = post_step(alice, system, "scope", nav="back", is_ai_system="yes")
    assert r["Location"].endswith("?step=organisation")
    assert draft_answers(system)["is_ai_system"] is True


def test_a_question_that_appears_keeps_the_officer_on_the_step(alice, system):
    # Without JavaScript, choosing "deployer" reveals two questions on the same page.
    r = post_step(alice, system, "organisation", role="deployer", _shown=["role"])
    assert r["Location"].endswith("?step=organisation")


def test_an_invalid_number_keeps_the_other_answers_and_shows_the_error(alice, system):
    post_step(alice, system, "organisation", role="provider", gpai="yes", established_in_eu="yes")
    response = post_step(
        alice,
        system,
        "gpai",
        gpai__training_flops="lots",
        gpai__commission_designated="no",
        gpai__open_source="yes",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="q-gpai__training_flops-error"' in html
    assert "Enter a number" in html
    assert 'value="lots"' in html  # shown again as typed
    assert 'aria-invalid="true"' in html
    answers = draft_answers(system)
    assert answers["gpai.commission_designated"] is False and answers["gpai.open_source"] is True
    assert "gpai.training_flops" not in answers
    assert answers["role"] == "provider"


def test_a_number_in_scientific_notation_is_saved_as_a_number(alice, system):
    post_step(alice, system, "organisation", gpai="yes")
    post_step(alice, system, "gpai", gpai__training_flops="3 x 10^25")
    # PostgreSQL's jsonb keeps the number exactly as written (3e+25 comes back as an int).
    assert float(draft_answers(system)["gpai.training_flops"]) == 3e25


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3e25", 3e25), ("3E+25", 3e25), ("10^25", 1e25), ("3×10²⁵", 3e25), ("1,000,000", 1000000)],
)
def test_numbers_are_read_as_people_type_them(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["lots", "-1", "nan", "inf", "3,5e24"])
def test_unreadable_numbers_are_refused(raw):
    with pytest.raises(NumberInvalid):
        parse_number(raw)


def test_autosave_with_htmx_saves_and_answers_with_a_status_and_the_stepper(alice, system):
    response = alice.post(
        f"{url('screening', system)}?step=annex_iii",
        {"annex_iii": ["annex_iii_5_b"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved at" in html
    assert 'hx-swap-oob="true"' in html and ">Art. 6(3)<" in html
    assert draft_answers(system)["annex_iii"] == ["annex_iii_5_b"]


def test_autosave_reports_an_invalid_number_without_losing_the_rest(alice, system):
    post_step(alice, system, "organisation", gpai="yes")
    response = alice.post(
        f"{url('screening', system)}?step=gpai",
        {"gpai__training_flops": "many", "gpai__open_source": "no"},
        HTTP_HX_REQUEST="true",
    )
    assert "Not saved" in response.content.decode()
    assert draft_answers(system)["gpai.open_source"] is False


def test_the_review_lists_the_missing_required_questions(alice, system):
    post_step(alice, system, "organisation", role="deployer", established_in_eu="yes", gpai="no")
    response = alice.get(f"{url('screening', system)}?step=review")
    html = response.content.decode()
    assert response.status_code == 200
    assert "still need" in html
    assert "?step=scope#q-is_ai_system" in html
    assert "?step=organisation#q-public_service_deployer" in html
    # After trying to finish, the steps with gaps show an error in the stepper.
    step = alice.get(f"{url('screening', system)}?step=organisation").content.decode()
    assert "step has-error" in step
    # Saving is refused while questions are missing, even by a crafted POST.
    refused = alice.post(f"{url('screening', system)}?step=review", {"note": ""})
    assert refused.status_code == 400
    assert "Answer the questions listed below" in refused.content.decode()
    with scopes_disabled():
        assert not Classification.objects.exists()


def answer_all(world, system, screening):
    from governance.classification import questions, rules

    screening = rules.validate_screening(screening)
    with scope(organization=world.acme):
        services.save_screening_answers(
            system=system,
            acting=world.alice_membership,
            answers=questions.screening_to_answers(screening),
        )


def test_saving_creates_version_1_then_version_2(alice, world, system):
    answer_all(world, system, CV)
    review = f"{url('screening', system)}?step=review"
    r = alice.post(review, {"note": "First look"})
    assert r.status_code == 302 and r["Location"] == url("detail", system, version=1)
    page = alice.get(r["Location"])
    assert "Classification saved as version 1: High-risk." in page.content.decode()

    post_step(alice, system, "derogation", profiling="no", art_6_3_conditions=["d"])
    r = alice.post(review, {"note": "Only prepares the shortlist"})
    assert r["Location"] == url("detail", system, version=2)
    with scopes_disabled():
        versions = list(Classification.objects.filter(system=system).order_by("version"))
    assert [(c.version, c.tier) for c in versions] == [(1, "high_risk"), (2, "minimal_risk")]
    assert versions[1].note == "Only prepares the shortlist"
    assert versions[1].result["derogation_applied"] is True


def test_the_screening_is_prefilled_from_the_latest_classification(alice, world, system):
    classify(world, system, CV)
    with scopes_disabled():
        ScreeningDraft.objects.filter(system=system).delete()
    html = alice.get(f"{url('screening', system)}?step=annex_iii").content.decode()
    assert 'value="annex_iii_4_a" id="q-annex_iii-annex_iii_4_a" checked' in html


def test_contradictory_answers_are_shown_and_nothing_is_lost(alice, world, system):
    answer_all(world, system, CV)
    # An exception that belongs to a practice the officer did not tick: the engine refuses it.
    post_step(
        alice,
        system,
        "prohibited",
        prohibited_practices=["art_5_1_f"],
        prohibited_exception="lawful_dataset_labelling",
    )
    review = f"{url('screening', system)}?step=review"
    html = alice.get(review).content.decode()
    assert "The answers contradict each other" in html
    assert "?step=prohibited#q-prohibited_exception" in html
    response = alice.post(review, {"note": "try anyway"})
    assert response.status_code == 400 and "contradict" in response.content.decode()
    with scopes_disabled():
        assert not Classification.objects.exists()
    assert draft_answers(system)["prohibited_exception"] == "lawful_dataset_labelling"


def test_the_detail_page_explains_the_result(alice, world, system):
    classify(world, system, CV, note="Bought from TalentRank")
    html = alice.get(url("detail", system, version=1)).content.decode()
    assert "badge-xl badge-high_risk" in html and "High-risk" in html
    assert "Employment and workers&#x27; management: Recruitment and candidate selection" in html
    assert "Art. 6(2); Annex III point 4(a)" in html
    assert "Obligations of deployers of high-risk AI systems" in html
    assert "2 Dec 2027" in html and "In force" in html
    assert "Art. 43(2); Annex VI" in html  # a rationale citation
    assert "Bought from TalentRank" in html
    assert "Recruitment and candidate selection (Annex III point 4(a))" in html  # the answer


def test_the_json_download_is_the_classification_output(alice, world, system):
    classify(world, system, CV)
    response = alice.get(url("download", system, version=1))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="talent-screener-classification-v1.json"'
    )
    body = json.loads(response.content)
    assert body["schema"] == "eu-ai-act-classification/1" and body["tier"] == "high_risk"


def test_the_history_lists_every_version(alice, world, system):
    classify(world, system, CHATBOT, note="first")
    classify(world, system, {**CHATBOT, "transparency": {"interacts_with_persons": True}})
    html = alice.get(url("history", system)).content.decode()
    assert "Version 1" in html and "Version 2" in html and "badge-limited_risk" in html
    assert f"{url('compare', system)}?from=1&amp;to=2" in html


def test_compare_shows_obligations_added_and_removed_and_why(alice, world, system):
    classify(world, system, CHATBOT)
    classify(world, system, {**CHATBOT, "transparency": {"interacts_with_persons": True}})
    classify(world, system, {**CHATBOT, "transparency": {"synthetic_content": True}})

    html = alice.get(f"{url('compare', system)}?from=1&to=2").content.decode()
    assert "Tier moved" in html and "badge-limited_risk" in html
    assert "Why the tier moved" in html
    assert "interacting with an AI system" in html  # the Art. 50(1) rule that fired
    added = html.split('id="added-title"')[1].split('id="removed-title"')[0]
    assert "Tell people they are talking to AI" in added

    html = alice.get(f"{url('compare', system)}?from=2&to=3").content.decode()
    added = html.split('id="added-title"')[1].split('id="removed-title"')[0]
    removed = html.split('id="removed-title"')[1]
    assert "Mark AI-generated content" in added
    assert "Tell people they are talking to AI" in removed.split("</section>")[0]
    assert "Tier unchanged" in html
    assert "Does the system generate audio, images, video or text?" in html  # an answer change


def test_compare_takes_the_versions_in_either_order(alice, world, system):
    classify(world, system, CHATBOT)
    classify(world, system, {**CHATBOT, "transparency": {"interacts_with_persons": True}})
    html = alice.get(f"{url('compare', system)}?from=2&to=1").content.decode()
    assert "Version 1 → version 2" in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "Pick the two versions to compare."),
        ("?from=1", 400, "Pick the two versions to compare."),
        ("?from=one&to=2", 400, "Versions are whole numbers"),
        ("?from=-1&to=2", 400, "Versions are whole numbers"),
        ("?from=99999999999999999999&to=2", 400, "Versions are whole numbers"),
        ("?from=2&to=2", 400, "Pick two different versions."),
        ("?from=1&to=7", 404, "There is no version 7 of this system."),
    ],
)
def test_bad_compare_parameters_get_a_clear_message(alice, world, system, query, status, message):
    classify(world, system, CHATBOT)
    classify(world, system, CV)
    response = alice.get(url("compare", system) + query)
    assert response.status_code == status
    assert message in response.content.decode()


def test_an_unknown_version_is_a_404(alice, world, system):
    classify(world, system, CV)
    assert alice.get(url("detail", system, version=2)).status_code == 404
    assert alice.get(url("download", system, version=2)).status_code == 404


def test_a_contributor_can_screen_their_own_system_and_no_other(client, world, member_of):
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    own = make_system(world, "Own tool", business_owner=contributor.user)
    other = make_system(world, "Someone else's tool")
    client.force_login(contributor.user)
    assert client.get(f"{url('screening', own)}?step=scope").status_code == 200
    r = post_step(client, own, "scope", is_ai_system="yes")
    assert r.status_code == 302 and draft_answers(own)["is_ai_system"] is True
    assert client.get(f"{url('screening', other)}?step=scope").status_code == 403
    assert post_step(client, other, "scope", is_ai_system="yes").status_code == 403
    with scopes_disabled():
        assert not ScreeningDraft.objects.filter(system=other).exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.BOARD])
def test_read_only_roles_may_not_screen(client, world, member_of, system, role):
    member = member_of(world.acme, role)
    client.force_login(member.user)
    assert client.get(f"{url('screening', system)}?step=scope").status_code == 403
    assert post_step(client, system, "scope", is_ai_system="yes").status_code == 403


def test_bob_the_auditor_gets_403(client, world, system):
    client.force_login(world.bob)
    assert client.get(url("screening", system)).status_code == 403
    assert client.get(url("history", system)).status_code == 403


def test_another_organization_gets_404(client, world, system):
    classify(world, system, CV)
    client.force_login(world.charlie)
    for name, extra in [
        ("screening", {}),
        ("history", {}),
        ("detail", {"version": 1}),
        ("download", {"version": 1}),
        ("compare", {}),
    ]:
        for org in ("acme", "globex"):
            assert client.get(url(name, system, org=org, **extra)).status_code == 404


def test_an_archived_system_cannot_be_screened(alice, world, system):
    with scope(organization=world.acme):
        register.archive_system(system=system, acting=world.alice_membership)
    response = alice.get(f"{url('screening', system)}?step=scope", follow=True)
    assert "archived" in response.content.decode()
    assert post_step(alice, system, "scope", is_ai_system="yes").status_code == 302
    with scopes_disabled():
        assert not ScreeningDraft.objects.filter(system=system).exists()


def test_save_and_exit_keeps_the_answers(alice, system):
    r = post_step(alice, system, "scope", nav="exit", is_ai_system="no")
    assert r.status_code == 302
    assert draft_answers(system)["is_ai_system"] is False


def render_panel(world, system, membership):
    request = RequestFactory().get("/")
    request.user = membership.user
    request.membership = membership
    request.organization = world.acme
    template = Template('{% include "classification/_system_panel.html" with system=system %}')
    with scope(organization=world.acme):
        return template.render(Context({"request": request, "system": system}))


def test_the_panel_shows_the_tier_and_obligations_in_three_queries(
    world, system, django_assert_max_num_queries
):
    classify(world, system, CV)
    with scopes_disabled():
        system.refresh_from_db()
    with django_assert_max_num_queries(3):
        html = render_panel(world, system, world.alice_membership)
    assert "badge-high_risk" in html
    assert "Obligations of deployers of high-risk AI systems" in html
    assert "From 2 Dec 2027" in html
    assert "Re-screen" in html and url("history", system) in html


def test_the_panel_flags_a_system_edited_after_its_classification(world, system):
    classify(world, system, CV)
    with scope(organization=world.acme):
        register.update_system(
            system=system,
            acting=world.alice_membership,
            data={"intended_purpose": "Rank and reject job applications"},
        )
    html = render_panel(world, system, world.alice_membership)
    assert "Needs re-screening" in html and "Edited after the last classification" in html


def test_the_panel_of_an_unscreened_system_offers_to_screen(world, system, member_of):
    html = render_panel(world, system, world.alice_membership)
    assert "Not screened" in html and ">Screen<" in html
    board = member_of(world.acme, Role.BOARD)
    assert ">Screen<" not in render_panel(world, system, board)
