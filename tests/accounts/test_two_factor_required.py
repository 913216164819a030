"""An owner can require two-factor sign-in for the organisation; members without it are sent
to set it up, by the web and by the API with a session; API tokens are not affected."""

from django.urls import reverse
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.tenancy.models import Organization
from governance.tenancy.roles import Role

SETTINGS = "/o/acme/settings/"
REQUIRE = "/o/acme/settings/two-factor/"


def require(world, enrol, client):
    enrol(world.alice)
    client.force_login(world.alice)
    return client.post(REQUIRE, {"require_two_factor": "on"})


def test_an_owner_requires_it_and_the_audit_trail_records_it(world, client, enrol):
    response = require(world, enrol, client)
    assert response.status_code == 302
    assert Organization.objects.get(slug="acme").require_two_factor
    with scopes_disabled():
        event = AuditEvent.objects.get(action="organization.two_factor_required")
    assert event.organization_id == world.acme.pk and event.actor_id == world.alice.pk
    assert event.changes == {"require_two_factor": [False, True]}
    page = client.get(SETTINGS).content.decode()
    assert 'name="require_two_factor"' in page and "checked" in page


def test_an_owner_without_two_factor_cannot_require_it(world, client):
    client.force_login(world.alice)
    response = client.post(REQUIRE, {"require_two_factor": "on"})
    assert response.status_code == 400
    assert "Turn on two-factor sign-in for yourself first" in response.content.decode()
    assert not Organization.objects.get(slug="acme").require_two_factor


def test_an_admin_may_not_change_the_requirement(world, client, member_of, enrol):
    admin = member_of(world.acme, Role.ADMIN)
    enrol(admin.user)
    client.force_login(admin.user)
    assert client.post(REQUIRE, {"require_two_factor": "on"}).status_code == 403
    assert 'name="require_two_factor"' not in client.get(SETTINGS).content.decode()
    assert not Organization.objects.get(slug="acme").require_two_factor


def test_a_member_without_two_factor_is_sent_to_set_it_up(world, client, enrol):
    require(world, enrol, client)
    client.force_login(world.bob)
    response = client.get("/o/acme/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor-setup") + "?next=%2Fo%2Facme%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Acme requires two-factor sign-in" in page


def test_after_setting_it_up_the_member_gets_in(world, client, enrol):
    require(world, enrol, client)
    enrol(world.bob)
    client.force_login(world.bob)
    assert client.get("/o/acme/").status_code == 200


def test_another_organization_without_the_requirement_is_unaffected(world, client, enrol):
    require(world, enrol, client)
    client.force_login(world.charlie)
    assert client.get("/o/globex/").status_code == 200


def test_the_api_by_session_is_held_to_the_requirement(world, client, enrol):
    require(world, enrol, client)
    client.force_login(world.bob)
    response = client.get("/api/v1/o/acme/members/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_api_tokens_are_not_affected(world, client, enrol, api_token):
    require(world, enrol, client)
    client.logout()
    _, secret = api_token(world.acme, world.alice_membership, "read")
    response = client.get("/api/v1/o/acme/members/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_the_owner_can_make_it_optional_again(world, client, enrol):
    require(world, enrol, client)
    assert client.post(REQUIRE, {}).status_code == 302
    assert not Organization.objects.get(slug="acme").require_two_factor
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="organization.two_factor_optional").exists()


def test_the_audit_trail_records_the_client_behind_a_trusted_proxy(world, client, enrol, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    enrol(world.alice)
    client.force_login(world.alice)
    client.post(
        REQUIRE,
        {"require_two_factor": "on"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5",
    )
    with scopes_disabled():
        event = AuditEvent.objects.get(action="organization.two_factor_required")
    assert event.ip_address == "203.0.113.5"
