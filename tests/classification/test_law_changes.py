"""What a change in the law does: a fictional amendment loaded end to end.

tests/fixtures/eu_ai_act/fictional-amendment.json is NOT the law: it postpones the Annex III
high-risk duties by a year (2 December 2028) and gives legacy public-authority systems until
2 August 2031 (Art. 111(2)), so the test can prove what loading a new version shows per system.
"""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from governance.audit.models import AuditEvent
from governance.classification import law_changes, selectors, services
from governance.classification.models import Classification, LawVersion, Reassessment
from governance.register import services as register

FICTIONAL = (
    Path(__file__).resolve().parents[1] / "fixtures" / "eu_ai_act" / "fictional-amendment.json"
)
FICTIONAL_VERSION = "2027-06-01-fictional"

CV_DEPLOYER = {
    "schema": "eu-ai-act-screening/1",
    "role": "deployer",
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
CHATBOT = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "transparency": {"interacts_with_persons": True},
}


def make_classified(world, name, screening, **facts):
    with scope(organization=world.acme):
        system = register.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": name, "intended_purpose": "Test", **facts},
        )
        services.classify_system(system=system, acting=world.alice_membership, screening=screening)
    return system


@pytest.fixture
def portfolio(world):
    return {
        "cv": make_classified(world, "CV ranker", CV_DEPLOYER),
        # A legacy lift controller meant for public authorities: Annex I dates do not move, but
        # the fictional amendment moves its Art. 111(2) deadline from 2030 to 2031.
        "lift": make_classified(
            world,
            "Lift controller",
            LIFT,
            placed_on_market_on=date(2024, 3, 1),
            intended_for_public_authorities=True,
        ),
        "chatbot": make_classified(world, "Help chatbot", CHATBOT),
    }


def load(path=FICTIONAL):
    out = StringIO()
    call_command("load_timeline", str(path), stdout=out)
    return out.getvalue()


def reassessment_of(system):
    with scopes_disabled():
        return Reassessment.objects.get(system=system, law_version=FICTIONAL_VERSION)


def test_the_fixture_is_marked_fictional():
    data = json.loads(FICTIONAL.read_text(encoding="utf-8"))
    assert "fictional" in data["version"] and data["description"].startswith("FICTIONAL")


def test_loading_an_amendment_reassesses_every_system_without_classifying(world, portfolio):
    output = load()
    assert "Re-evaluated 3 classification(s): 2 would change" in output
    with scopes_disabled():
        assert Classification.objects.count() == 3  # nothing classified
        assert LawVersion.objects.filter(version=FICTIONAL_VERSION).exists()
    cv = reassessment_of(portfolio["cv"])
    assert cv.changed and cv.status == Reassessment.Status.OPEN
    moved = {d["code"]: d for d in cv.changes["dates"]}
    assert moved["art_26"]["general_old"] == "2027-12-02"
    assert moved["art_26"]["general_new"] == "2028-12-02"
    assert moved["art_26"]["new"] == "2028-12-02"
    assert cv.changes["tier"] == {"old": "high_risk", "new": "high_risk"}
    lift = reassessment_of(portfolio["lift"])
    lift_moved = {d["code"]: d for d in lift.changes["dates"]}
    assert lift_moved["art_9"]["general_old"] == lift_moved["art_9"]["general_new"] == "2028-08-02"
    assert (lift_moved["art_9"]["old"], lift_moved["art_9"]["new"]) == ("2030-08-02", "2031-08-02")
    assert "fictional" in lift_moved["art_9"]["basis"]
    assert not reassessment_of(portfolio["chatbot"]).changed
    with scopes_disabled():
        flagged = AuditEvent.objects.filter(action="system.law_change_flagged")
        assert {e.object_id for e in flagged} == {
            str(portfolio["cv"].uuid),
            str(portfolio["lift"].uuid),
        }


def test_loading_twice_keeps_one_reassessment_per_system(world, portfolio):
    load()
    load()
    with scopes_disabled():
        assert Reassessment.objects.filter(law_version=FICTIONAL_VERSION).count() == 3
        assert AuditEvent.objects.filter(action="system.law_change_flagged").count() == 2


def test_the_loaded_version_becomes_the_law_new_screenings_apply(world, portfolio):
    assert selectors.current_timeline().version == "2026-07-27"
    load()
    assert selectors.current_timeline().version == FICTIONAL_VERSION
    system = make_classified(world, "Another CV ranker", CV_DEPLOYER)
    with scopes_disabled():
        latest = Classification.objects.get(system=system)
    assert latest.timeline_version == FICTIONAL_VERSION
    assert latest.result["applies_from"]["art_26"] == "2028-12-02"


def test_the_page_lists_what_changes_and_one_click_saves_it(world, client, portfolio):
    load()
    client.force_login(world.alice)
    page = client.get(reverse("law_changes:list", kwargs={"org_slug": "acme"}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 systems to review" in html and "CV ranker" in html and "Lift controller" in html
    assert "Help chatbot" not in html  # unchanged systems are counted, not listed
    assert "2 Dec 2028" in html and "2 Aug 2031" in html
    cv = reassessment_of(portfolio["cv"])
    response = client.post(
        reverse("law_changes:apply", kwargs={"org_slug": "acme", "reassessment_uuid": cv.uuid})
    )
    assert response.status_code == 302
    with scopes_disabled():
        versions = list(Classification.objects.filter(system=portfolio["cv"]).order_by("version"))
        system = portfolio["cv"].__class__.objects.get(pk=portfolio["cv"].pk)
        event = AuditEvent.objects.get(action="system.reclassified_for_law_change")
    assert [v.timeline_version for v in versions] == ["2026-07-27", FICTIONAL_VERSION]
    assert versions[1].screening == versions[0].screening
    assert versions[1].answered_keys == versions[0].answered_keys
    assert reassessment_of(portfolio["cv"]).status == Reassessment.Status.APPLIED
    assert event.changes["timeline_version"] == FICTIONAL_VERSION
    assert {e["code"]: e["applies_from"] for e in system.obligation_dates}["art_26"] == (
        "2028-12-02"
    )
    again = client.post(
        reverse("law_changes:apply", kwargs={"org_slug": "acme", "reassessment_uuid": cv.uuid})
    )
    assert again.status_code == 302
    with scopes_disabled():
        assert Classification.objects.filter(system=portfolio["cv"]).count() == 2


def test_the_page_is_read_only_for_a_board_member(world, client, portfolio, member_of):
    from governance.tenancy.roles import Role

    load()
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    cv = reassessment_of(portfolio["cv"])
    url = reverse("law_changes:apply", kwargs={"org_slug": "acme", "reassessment_uuid": cv.uuid})
    assert client.post(url).status_code == 403
    assert reassessment_of(portfolio["cv"]).status == Reassessment.Status.OPEN


def test_a_new_screening_supersedes_the_open_change(world, portfolio):
    load()
    with scope(organization=world.acme):
        services.classify_system(
            system=portfolio["cv"], acting=world.alice_membership, screening=CV_DEPLOYER
        )
    assert reassessment_of(portfolio["cv"]).status == Reassessment.Status.SUPERSEDED


def test_the_api_lists_the_changes_and_applies_one(world, client, api_token, portfolio):
    load()
    _token, secret = api_token(world.acme, world.alice_membership)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get("/api/v1/o/acme/law-changes/?changed=true", **auth).json()
    rows = {r["system_name"]: r for r in body["results"]}
    assert set(rows) == {"CV ranker", "Lift controller"}
    cv = rows["CV ranker"]
    assert cv["from_law_version"] == "2026-07-27" and cv["law_version"] == FICTIONAL_VERSION
    assert "art_26" in {d["code"] for d in cv["changes"]["dates"]}
    applied = client.post(f"/api/v1/o/acme/law-changes/{cv['id']}/apply/", **auth)
    assert applied.status_code == 201 and applied.json()["applied_version"] == 2
    twice = client.post(f"/api/v1/o/acme/law-changes/{cv['id']}/apply/", **auth)
    assert twice.status_code == 400 and "status" in twice.json()["error"]["fields"]


def test_the_api_list_takes_a_fixed_number_of_queries(
    world, client, api_token, portfolio, django_assert_max_num_queries
):
    for n in range(6):
        make_classified(world, f"Extra {n}", CV_DEPLOYER)
    load()
    _token, secret = api_token(world.acme, world.alice_membership)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/o/acme/law-changes/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and response.json()["count"] == 9


def test_the_page_takes_a_fixed_number_of_queries(
    world, client, portfolio, django_assert_max_num_queries
):
    for n in range(6):
        make_classified(world, f"Extra {n}", CV_DEPLOYER)
    load()
    client.force_login(world.alice)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("law_changes:list", kwargs={"org_slug": "acme"}))
    assert page.status_code == 200


def test_a_malformed_timeline_file_exits_2(tmp_path, capsys, db):
    bad = tmp_path / "timeline.json"
    bad.write_text('{"version": "x", "entries": "none"}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("load_timeline", str(bad))
    assert exit_info.value.code == 2
    assert "expected an object with a list of entries" in capsys.readouterr().err


def test_the_same_version_with_other_data_is_refused(tmp_path, db):
    data, timeline = law_changes.read_timeline_file(FICTIONAL)
    law_changes.load_law_version(data=data, timeline=timeline)
    changed = {**data, "description": "something else"}
    with pytest.raises(law_changes.LawVersionInvalid):
        law_changes.load_law_version(data=changed, timeline=timeline)


def test_loading_fills_in_each_systems_own_dates_after_an_upgrade(world, portfolio):
    from governance.register.models import AISystem

    with scopes_disabled():
        AISystem.objects.update(obligation_dates=[], next_obligation_date=None)
    output = load()
    assert "dates recomputed for 3 system(s)" in output
    with scopes_disabled():
        lift = AISystem.objects.get(pk=portfolio["lift"].pk)
    assert {d["code"]: d["applies_from"] for d in lift.obligation_dates}["art_9"] == "2030-08-02"
