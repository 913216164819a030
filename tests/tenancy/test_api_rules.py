"""The API follows the same role rules as the web: USE_API, counters, auditors' end dates,
and organisations and memberships refuse stale writes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.tenancy import services
from governance.tenancy.models import Membership, Organization
from governance.tenancy.roles import Action, Role, role_can
from governance.tenancy.selectors import COUNTER_ACTIONS

ROLES = [r for r in Role if r != Role.SERVICE_ACCOUNT]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize("role", ROLES)
def test_a_browser_session_uses_the_api_only_when_the_role_allows_it(world, member_of, role):
    member = member_of(world.acme, role, access_expires_at=timezone.now() + timedelta(days=9))
    response = signed_in(member.user).get("/api/v1/o/acme/")
    if role_can(role, Action.USE_API):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "does not use the API" in response.json()["error"]["message"]


def test_the_organisations_list_leaves_out_those_where_the_role_may_not_use_the_api(
    world, member_of
):
    board = member_of(world.acme, Role.BOARD)
    member_of(world.globex, Role.CONTRIBUTOR, user=board.user)
    response = signed_in(board.user).get("/api/v1/organizations/")
    assert [m["organization"]["slug"] for m in response.json()] == ["globex"]


def test_a_token_whose_account_may_not_use_the_api_is_refused(world, api_token):
    token, secret = api_token(world.acme, world.alice_membership, scope="read")
    client = Client()
    assert client.get("/api/v1/o/acme/", **bearer(secret)).status_code == 200
    with scopes_disabled():
        # A role without USE_API (none has it today but the board): the token stops working.
        Membership.objects.filter(organization=world.acme, user=token.user).update(role=Role.BOARD)
    assert client.get("/api/v1/o/acme/", **bearer(secret)).status_code == 403
    assert client.get("/api/v1/o/acme/members/", **bearer(secret)).status_code == 403


@pytest.mark.parametrize("role", [r for r in ROLES if role_can(r, Action.USE_API)])
def test_the_api_shows_only_the_counters_the_home_page_shows(world, member_of, role):
    member = member_of(world.acme, role, access_expires_at=timezone.now() + timedelta(days=9))
    client = signed_in(member.user)
    counts = client.get("/api/v1/o/acme/").json()["counts"]
    expected = {key for key, action in COUNTER_ACTIONS.items() if role_can(role, action)}
    assert set(counts) == expected
    home = client.get("/o/acme/").content.decode()
    assert ("Pending invitations" in home) == ("pending_invitations" in counts)
    assert ("people and service accounts" in home) == ("members" in counts)


def test_an_auditor_reads_no_organisation_counters_through_the_api(world):
    counts = signed_in(world.bob).get("/api/v1/o/acme/").json()["counts"]
    assert counts == {}


# --- Auditors always have an end date: one rule in the service ------------------------------


def test_the_api_cannot_invite_an_auditor_without_an_end(world):
    client = signed_in(world.alice)
    response = client.post(
        "/api/v1/o/acme/invitations/",
        {"email": "audit@firm.test", "role": "auditor"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "access_days" in response.json()["error"]["fields"]
    ok = client.post(
        "/api/v1/o/acme/invitations/",
        {"email": "audit@firm.test", "role": "auditor", "access_days": 30},
        content_type="application/json",
    )
    assert ok.status_code == 201


def test_the_api_cannot_make_someone_an_auditor_without_an_end(world, member_of):
    member = member_of(world.acme, Role.CONTRIBUTOR)
    client = signed_in(world.alice)
    url = f"/api/v1/o/acme/members/{member.uuid}/"
    response = client.patch(url, {"role": "auditor"}, content_type="application/json")
    assert response.status_code == 400
    assert "access_expires_at" in response.json()["error"]["fields"]
    end = (timezone.now() + timedelta(days=10)).isoformat()
    response = client.patch(
        url, {"role": "auditor", "access_expires_at": end}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["access_expires_at"] is not None


def test_the_service_refuses_an_auditor_without_an_end_for_every_caller(world, member_of):
    member = member_of(world.acme, Role.CONTRIBUTOR)
    with scopes_disabled():
        with pytest.raises(ValidationError):
            services.change_member_role(
                membership=member, role=Role.AUDITOR, acting=world.alice_membership
            )
        with pytest.raises(ValidationError):
            services.invite_member(
                organization=world.acme,
                email="x@firm.test",
                role=Role.AUDITOR,
                acting=world.alice_membership,
            )


def test_an_old_auditor_invitation_without_days_still_gives_an_end(world):
    with scopes_disabled():
        invitation, _secret = services.invite_member(
            organization=world.acme,
            email="late@firm.test",
            role=Role.AUDITOR,
            acting=world.alice_membership,
            access_days=5,
        )
        type(invitation).objects.filter(pk=invitation.pk).update(access_days=None)
        invitation.refresh_from_db()
        membership = services.accept_invitation(invitation=invitation, password="pw-long-enough")
    assert membership.access_expires_at is not None


# --- Organisations and memberships refuse stale writes --------------------------------------


def test_renaming_with_a_stale_if_match_is_412(world):
    client = signed_in(world.alice)
    read = client.get("/api/v1/o/acme/")
    assert read["ETag"] == '"1"'
    ok = client.patch(
        "/api/v1/o/acme/",
        {"name": "Acme Ltd"},
        content_type="application/json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = client.patch(
        "/api/v1/o/acme/",
        {"name": "Acme plc"},
        content_type="application/json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["current"]["name"] == "Acme Ltd"
    assert Organization.objects.get(pk=world.acme.pk).name == "Acme Ltd"


def test_a_stale_role_change_is_409_and_changes_nothing(world, member_of):
    member = member_of(world.acme, Role.CONTRIBUTOR)
    client = signed_in(world.alice)
    url = f"/api/v1/o/acme/members/{member.uuid}/"
    assert (
        client.patch(
            url, {"role": "compliance_officer"}, content_type="application/json"
        ).status_code
        == 200
    )
    response = client.patch(
        url, {"role": "board", "row_version": 1}, content_type="application/json"
    )
    assert response.status_code == 409
    with scopes_disabled():
        assert Membership.objects.get(pk=member.pk).role == Role.COMPLIANCE_OFFICER


def test_a_stale_organisation_settings_form_is_refused_with_the_name_now(world):
    client = signed_in(world.alice)
    page = client.get("/o/acme/settings/")
    version = page.context["form"]["row_version"].value()
    with scopes_disabled():
        services.rename_organization(
            organization=Organization.objects.get(pk=world.acme.pk),
            name="Renamed meanwhile",
            acting=world.alice_membership,
        )
    response = client.post(
        "/o/acme/settings/",
        {"name": "My name", "initial-name": "Acme", "row_version": version},
    )
    assert response.status_code == 200
    assert "Renamed meanwhile" in response.content.decode()
    assert Organization.objects.get(pk=world.acme.pk).name == "Renamed meanwhile"
