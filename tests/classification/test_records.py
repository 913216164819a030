"""Saved screenings: versions, the system's tier, re-screening flags, compare, the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from governance.audit.models import AuditEvent
from governance.classification import services
from governance.classification.compare import compare
from governance.classification.models import Classification
from governance.register import services as register
from governance.tenancy.roles import Role

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
    "transparency": {"interacts_with_persons": True},
}
MINIMAL = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
}


@pytest.fixture
def system(world):
    with scope(organization=world.acme):
        return register.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Talent screener", "intended_purpose": "Rank job applications"},
        )


def classify(world, system, screening, membership=None):
    with scope(organization=world.acme):
        return services.classify_system(
            system=system, acting=membership or world.alice_membership, screening=screening
        )


def test_saving_a_screening_makes_a_version_and_sets_the_tier(world, system):
    first = classify(world, system, MINIMAL)
    second = classify(world, system, CV)
    assert (first.version, second.version) == (1, 2)
    system.refresh_from_db()
    assert system.risk_tier == "high_risk" and system.classified_at == second.created_at
    assert second.result["high_risk_basis"] == ["annex_iii_4_a"]
    assert "art_26" in second.result["obligations"]
    with scopes_disabled():
        event = AuditEvent.objects.filter(action="system.classified").first()
    assert event.changes["tier"] == ["minimal_risk", "high_risk"] and event.changes["version"] == 2


def test_an_invalid_screening_saves_nothing_and_names_each_key(world, system):
    bad = {**CV, "annex_iii": ["annex_iii_9_z"], "role": "overlord", "surprise": 1}
    with pytest.raises(ValidationError) as exc:
        classify(world, system, bad)
    assert {"annex_iii", "role", "surprise"} <= set(exc.value.message_dict)
    with scopes_disabled():
        assert not Classification.objects.exists()


def test_a_material_edit_flags_the_system_for_rescreening(world, system):
    classify(world, system, CV)
    with scope(organization=world.acme):
        register.update_system(
            system=system, acting=world.alice_membership, data={"description": "x"}
        )
        system.refresh_from_db()
        assert not system.needs_rescreening
        register.update_system(
            system=system, acting=world.alice_membership, data={"operator_role": "provider"}
        )
        system.refresh_from_db()
        assert system.needs_rescreening
    classify(world, system, {**CV, "role": "provider"})
    system.refresh_from_db()
    assert not system.needs_rescreening


def test_roles_that_may_not_screen_are_refused(world, system, member_of):
    for role in (Role.AUDITOR, Role.BOARD):
        with pytest.raises(PermissionDenied):
            classify(world, system, CV, membership=member_of(world.acme, role))


def test_a_contributor_screens_only_their_own_systems(world, system, member_of):
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        classify(world, system, CV, membership=contributor)
    with scope(organization=world.acme):
        register.update_system(
            system=system, acting=world.alice_membership, data={"business_owner": contributor.user}
        )
    assert classify(world, system, CV, membership=contributor).version == 1


def test_compare_says_what_changed_and_why_the_tier_moved(world, system):
    old = classify(world, system, MINIMAL)
    new = classify(world, system, CHATBOT)
    diff = compare(
        {"screening": old.screening, "result": old.result},
        {"screening": new.screening, "result": new.result},
    )
    assert diff["tier_changed"] and diff["result"]["tier"] == {
        "old": "minimal_risk",
        "new": "limited_risk",
    }
    assert {"key": "transparency.interacts_with_persons", "old": False, "new": True} in diff[
        "answers"
    ]
    assert diff["lists"]["obligations"] == {"added": ["art_50_1"], "removed": []}
    assert any("50" in r["citation"] for r in diff["why"])


def test_compare_of_a_version_with_itself_is_empty(world, system):
    c = classify(world, system, CV)
    diff = compare(
        {"screening": c.screening, "result": c.result},
        {"screening": c.screening, "result": c.result},
    )
    assert (
        not diff["tier_changed"] and not diff["answers"] and not diff["lists"] and not diff["why"]
    )


# The API speaks the same contract.


def test_the_api_evaluates_without_saving(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/o/acme/screenings/evaluate/", CHATBOT, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["tier"] == "limited_risk" and body["obligations"] == ["art_4", "art_50_1"]
    assert body["schema"] == "eu-ai-act-classification/1"
    with scopes_disabled():
        assert not Classification.objects.exists()


def test_the_api_answers_400_naming_every_bad_key(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/o/acme/screenings/evaluate/",
        {"schema": "eu-ai-act-screening/1", "role": 3},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "role" in fields and "is_ai_system" in fields
    response = client.post(
        "/api/v1/o/acme/screenings/evaluate/", [1, 2], content_type="application/json"
    )
    assert response.status_code == 400


def test_the_api_saves_lists_reads_and_compares_versions(world, client, system):
    client.force_login(world.alice)
    base = f"/api/v1/o/acme/systems/{system.uuid}/classifications/"
    assert client.post(base, MINIMAL, content_type="application/json").status_code == 201
    response = client.post(base + "?note=added+chat", CHATBOT, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (
        body["version"] == 2
        and body["note"] == "added chat"
        and body["classification"]["tier"] == "limited_risk"
    )
    listed = client.get(base).json()
    assert [v["version"] for v in listed] == [2, 1]
    assert client.get(base + "1/").json()["tier"] == "minimal_risk"
    assert client.get(base + "9/").status_code == 404
    diff = client.get(base + "compare/?from=1&to=2").json()
    assert diff["tier_changed"] is True and diff["lists"]["obligations"]["added"] == ["art_50_1"]
    bad = client.get(base + "compare/?from=x")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"from", "to"}


def test_a_read_only_token_may_not_save_a_screening(world, client, api_token, system):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    response = client.post(
        f"/api/v1/o/acme/systems/{system.uuid}/classifications/",
        CV,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403


def test_the_api_says_which_keys_were_answered(world, client, api_token):
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from governance.register import services as register_services

    with scopes_disabled():
        system = register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Keys", "intended_purpose": "p"},
        )
    _t, secret = api_token(world.acme, world.alice_membership)
    url = reverse(
        "api:system-classifications", kwargs={"org_slug": "acme", "system_uuid": system.uuid}
    )
    body = {"schema": "eu-ai-act-screening/1", "role": "deployer", "is_ai_system": True}
    out = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert out.status_code == 201, out.content
    assert sorted(out.json()["answered_keys"]) == ["is_ai_system", "role"]
