"""The REST API: create, list responses with stable codes, answer with 409 on stale, review."""

from django.urls import reverse
from django_scopes import scopes_disabled

from compliance.assessments.models import Response


def _auth(api_token, world):
    _token, secret = api_token(world.acme, world.alice_membership)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _api(name, **kw):
    return reverse(f"api:{name}", kwargs={"org_slug": "acme", **kw})


def test_post_builds_an_eu_ai_act_assessment_and_answers_201_with_its_id(client, world, classified):
    system = classified()
    client.force_login(world.alice)
    out = client.post(
        _api("assessment-list"),
        {"framework": "eu-ai-act", "system": str(system.uuid)},
        content_type="application/json",
    )
    assert out.status_code == 201, out.content
    body = out.json()
    assert body["id"] and body["framework"]["slug"] == "eu-ai-act"
    assert body["status"] == "draft" and body["score"]["unanswered"] > 0


def test_post_builds_an_iso_42001_assessment(client, world, catalogues):
    client.force_login(world.alice)
    out = client.post(
        _api("assessment-list"), {"framework": "iso-42001"}, content_type="application/json"
    )
    assert out.status_code == 201
    assert out.json()["system"] is None


def test_bad_input_names_the_field(client, world, catalogues):
    client.force_login(world.alice)
    out = client.post(
        _api("assessment-list"), {"framework": "eu-ai-act"}, content_type="application/json"
    )
    assert out.status_code == 400
    assert "system" in out.json()["error"]["fields"]
    out = client.post(
        _api("assessment-list"), {"framework": "nope"}, content_type="application/json"
    )
    assert "framework" in out.json()["error"]["fields"]


def test_responses_are_paginated_with_code_and_obligation(
    client, world, gap, django_assert_max_num_queries
):
    client.force_login(world.alice)
    url = _api("assessment-responses", uuid=gap.uuid) + "?page_size=500"
    with django_assert_max_num_queries(25):
        out = client.get(url)
    body = out.json()
    codes = {r["requirement"]["code"]: r["requirement"]["obligation"] for r in body["results"]}
    assert codes["art_9.16"] == "art_9"
    assert body["count"] == len(body["results"])


def test_a_stale_patch_is_409_with_the_current_answer(client, world, gap):
    client.force_login(world.alice)
    with scopes_disabled():
        response = Response.objects.filter(assessment=gap, requirement__code="art_9.16").get()
    url = _api("assessment-response", uuid=gap.uuid, response_uuid=response.uuid)
    ok = client.patch(
        url,
        {"status": "partly", "justification": "Thresholds draft", "version": 1},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert ok["ETag"] == '"2"'
    stale = client.patch(url, {"status": "yes", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["current"]["status"] == "partly"
    via_header = client.patch(
        url, {"status": "yes"}, content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert via_header.status_code == 200 and via_header.json()["status"] == "yes"


def test_an_invalid_answer_is_400_naming_the_field(client, world, gap):
    client.force_login(world.alice)
    with scopes_disabled():
        response = Response.objects.filter(assessment=gap).first()
    url = _api("assessment-response", uuid=gap.uuid, response_uuid=response.uuid)
    out = client.patch(
        url, {"status": "not_applicable", "version": 1}, content_type="application/json"
    )
    assert out.status_code == 400
    assert "justification" in out.json()["error"]["fields"]
    response.refresh_from_db()
    assert response.version == 1


def test_transitions_follow_the_table_400_for_invalid_403_for_role(client, world, iso, member_of):
    from governance.tenancy.roles import Role

    client.force_login(world.alice)
    url = _api("assessment-transitions", uuid=iso.uuid)
    out = client.post(url, {"action": "approve"}, content_type="application/json")
    assert out.status_code == 400 and "action" in out.json()["error"]["fields"]
    out = client.post(url, {"action": "submit"}, content_type="application/json")
    assert out.status_code == 400 and "unanswered" in out.json()["error"]["message"] + str(
        out.json()["error"].get("fields")
    )
    with scopes_disabled():
        Response.objects.filter(assessment=iso).update(
            status="yes", answered_at="2026-01-01T00:00Z"
        )
    assert (
        client.post(url, {"action": "submit"}, content_type="application/json").json()["status"]
        == "in_review"
    )
    assert (
        client.post(url, {"action": "approve"}, content_type="application/json").json()["status"]
        == "approved"
    )
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    client.force_login(officer.user)
    out = client.post(
        url, {"action": "reopen", "reason": "New control"}, content_type="application/json"
    )
    assert out.status_code == 403
    client.force_login(world.alice)
    out = client.post(url, {"action": "reopen"}, content_type="application/json")
    assert out.status_code == 400 and "reason" in out.json()["error"]["fields"]
    out = client.post(
        url, {"action": "reopen", "reason": "New control"}, content_type="application/json"
    )
    assert out.json()["status"] == "in_progress"
    approvals = client.get(_api("assessment-approvals", uuid=iso.uuid)).json()
    assert approvals[0]["number"] == 1 and approvals[0]["snapshot"]["responses"]


def test_an_answer_to_a_locked_assessment_is_refused(client, world, iso):
    client.force_login(world.alice)
    with scopes_disabled():
        Response.objects.filter(assessment=iso).update(
            status="yes", answered_at="2026-01-01T00:00Z"
        )
        response = Response.objects.filter(assessment=iso).first()
    url = _api("assessment-transitions", uuid=iso.uuid)
    client.post(url, {"action": "submit"}, content_type="application/json")
    client.post(url, {"action": "approve"}, content_type="application/json")
    out = client.patch(
        _api("assessment-response", uuid=iso.uuid, response_uuid=response.uuid),
        {"status": "no", "version": 1},
        content_type="application/json",
    )
    assert out.status_code == 400 and "locked" in out.json()["error"]["message"]


def test_actions_can_be_planned_and_listed_as_mine(client, world, gap):
    client.force_login(world.alice)
    with scopes_disabled():
        response = Response.objects.filter(assessment=gap).first()
    out = client.post(
        _api("remediation-action-list"),
        {
            "assessment": str(gap.uuid),
            "title": "Define thresholds",
            "owner": "alice@acme.test",
            "due_date": "2020-01-31",
            "responses": [str(response.uuid)],
        },
        content_type="application/json",
    )
    assert out.status_code == 201, out.content
    assert out.json()["overdue"] is True
    mine = client.get(_api("remediation-action-list") + "?mine=1").json()
    assert [a["title"] for a in mine["results"]] == ["Define thresholds"]
    url = _api("remediation-action-detail", uuid=out.json()["id"])
    done = client.patch(url, {"status": "done", "version": 1}, content_type="application/json")
    assert done.json()["status"] == "done" and done.json()["overdue"] is False
    stale = client.patch(url, {"status": "open", "version": 1}, content_type="application/json")
    assert stale.status_code == 409


def test_an_auditor_reads_only_granted_approved_assessments(client, world, iso, api_token):
    from guardian.shortcuts import assign_perm

    client.force_login(world.bob)
    assert client.get(_api("assessment-list")).json()["count"] == 0
    with scopes_disabled():
        assign_perm("assessments.view_assessment", world.bob, iso)
    assert client.get(_api("assessment-detail", uuid=iso.uuid)).status_code == 404
    with scopes_disabled():
        Response.objects.filter(assessment=iso).update(
            status="yes", answered_at="2026-01-01T00:00Z"
        )
        iso.status = "approved"
        iso.save()
    assert client.get(_api("assessment-detail", uuid=iso.uuid)).status_code == 200
    assert client.get(_api("assessment-list")).json()["count"] == 1
    out = client.post(
        _api("assessment-transitions", uuid=iso.uuid),
        {"action": "reopen"},
        content_type="application/json",
    )
    assert out.status_code == 403


def test_a_contributor_answers_only_items_assigned_to_them(client, world, gap, contributor):
    with scopes_disabled():
        mine, other = list(Response.objects.filter(assessment=gap).order_by("order")[:2])
        mine.owner = contributor.user
        mine.save()
    client.force_login(contributor.user)
    ok = client.patch(
        _api("assessment-response", uuid=gap.uuid, response_uuid=mine.uuid),
        {"status": "yes", "version": 1},
        content_type="application/json",
    )
    assert ok.status_code == 200
    no = client.patch(
        _api("assessment-response", uuid=gap.uuid, response_uuid=other.uuid),
        {"status": "yes", "version": 1},
        content_type="application/json",
    )
    assert no.status_code == 403
