"""The web pages: questionnaire, autosave with conflicts, workflow buttons, SoA, actions."""

from django.urls import reverse
from django_scopes import scopes_disabled

from compliance.assessments.models import Response


def _url(name, assessment, **kw):
    return reverse(
        f"assessments:{name}", kwargs={"org_slug": "acme", "assessment_uuid": assessment.uuid, **kw}
    )


def _first(assessment, answer_type="yes_no_partial"):
    with scopes_disabled():
        return (
            Response.objects.filter(assessment=assessment, requirement__answer_type=answer_type)
            .select_related("requirement")
            .order_by("order")
            .first()
        )


def test_the_questionnaire_shows_every_item_grouped_with_progress(client, world, gap):
    client.force_login(world.alice)
    page = client.get(_url("detail", gap))
    assert page.status_code == 200
    html = page.content.decode()
    with scopes_disabled():
        count = Response.objects.filter(assessment=gap).count()
    assert html.count('class="q-item') == count
    assert "art_9.16" in html and "Score = 100" in html


def test_filters_show_only_matching_items(client, world, gap):
    client.force_login(world.alice)
    response = _first(gap)
    client.post(
        _url("response-save", gap, response_uuid=response.uuid),
        {"status": "no", "version": response.version},
        HTTP_HX_REQUEST="true",
    )
    gaps = client.get(_url("detail", gap) + "?filter=gaps").content.decode()
    assert gaps.count('class="q-item') == 1
    unanswered = client.get(_url("detail", gap) + "?filter=unanswered").content.decode()
    with scopes_disabled():
        total = Response.objects.filter(assessment=gap).count()
    assert unanswered.count('class="q-item') == total - 1


def test_an_answer_is_saved_as_you_go_and_a_stale_one_shows_the_other_answer(client, world, gap):
    client.force_login(world.alice)
    response = _first(gap)
    url = _url("response-save", gap, response_uuid=response.uuid)
    first = client.post(url, {"status": "yes", "version": 1}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and "Saved" in first.content.decode()
    stale = client.post(url, {"status": "no", "version": 1}, HTTP_HX_REQUEST="true")
    body = stale.content.decode()
    assert "Not saved" in body and "Alice Archer" in body
    response.refresh_from_db()
    assert response.status == "yes" and response.version == 2


def test_not_applicable_without_a_reason_is_refused_next_to_the_field(client, world, gap):
    client.force_login(world.alice)
    response = _first(gap)
    out = client.post(
        _url("response-save", gap, response_uuid=response.uuid),
        {"status": "not_applicable", "justification": "", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert "Give the reason" in out.content.decode()
    response.refresh_from_db()
    assert response.status == "" and response.version == 1


def test_the_page_takes_a_fixed_number_of_queries(
    client, world, gap, django_assert_max_num_queries
):
    client.force_login(world.alice)
    client.get(_url("detail", gap))
    with django_assert_max_num_queries(30):
        assert client.get(_url("detail", gap)).status_code == 200


def test_the_board_sees_scores_but_not_the_questionnaire(client, world, gap, board):
    client.force_login(board.user)
    assert client.get(_url("detail", gap)).status_code == 403
    scores = client.get(_url("scores", gap))
    assert scores.status_code == 200 and "Score = 100" in scores.content.decode()
    listing = client.get(reverse("assessments:list", kwargs={"org_slug": "acme"}))
    assert gap.title in listing.content.decode()


def test_workflow_buttons_move_the_assessment_and_approval_locks_it(client, world, iso):
    client.force_login(world.alice)
    with scopes_disabled():
        Response.objects.filter(assessment=iso).update(
            status="yes", answered_at="2026-01-01T00:00Z"
        )
    for action in ("submit", "approve"):
        client.post(_url("transition", iso), {"action": action})
    iso.refresh_from_db()
    assert iso.status == "approved"
    page = client.get(_url("detail", iso)).content.decode()
    assert "Approved and locked" in page and "disabled" in page
    assert client.get(_url("approval", iso, number=1)).status_code == 200
    soa = client.get(_url("soa", iso)).content.decode()
    assert "A.2.2" in soa


def test_my_actions_lists_an_officers_assigned_action(client, world, gap):
    client.force_login(world.alice)
    response = _first(gap)
    client.post(
        _url("action-plan", gap),
        {
            "title": "Write the RMS procedure",
            "owner": str(world.alice.pk),
            "due_date": "2020-01-01",
            "responses": [str(response.uuid)],
        },
    )
    mine = client.get(reverse("assessments:my-actions", kwargs={"org_slug": "acme"}))
    html = mine.content.decode()
    assert "Write the RMS procedure" in html and "Overdue" in html


def test_the_create_page_builds_an_assessment(client, world, classified):
    system = classified()
    client.force_login(world.alice)
    url = reverse("assessments:create", kwargs={"org_slug": "acme"})
    assert client.get(url).status_code == 200
    out = client.post(url, {"framework": "eu-ai-act", "system": str(system.uuid)})
    assert out.status_code == 302
    assert client.get(out["Location"]).status_code == 200
    bad = client.post(url, {"framework": "eu-ai-act", "system": ""})
    assert "one AI system" in bad.content.decode()


def test_a_fria_page_shows_why_it_is_owed_and_keeps_the_msa_notification(client, world, classified):
    from compliance.assessments import services

    from .conftest import screening

    system = classified(
        screening("deployer", annex_iii=["annex_iii_5_b"], public_service_deployer=True)
    )
    with scopes_disabled():
        fria = services.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
            kind="fria",
        )
    client.force_login(world.alice)
    page = client.get(_url("detail", fria)).content.decode()
    assert "Why a FRIA is owed" in page and "annex_iii_5_b" in page
    client.post(
        _url("notification", fria),
        {"authority": "", "notified_on": "2026-11-01", "version": fria.version},
    )
    fria.refresh_from_db()
    assert fria.notification == {}
    client.post(
        _url("notification", fria),
        {
            "authority": "Bundesnetzagentur",
            "notified_on": "2026-11-01",
            "reference": "MSA-42",
            "version": fria.version,
        },
    )
    fria.refresh_from_db()
    assert fria.notification["authority"] == "Bundesnetzagentur"
    assert fria.notification["notified_on"] == "2026-11-01"
