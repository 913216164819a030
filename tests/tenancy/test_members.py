"""Invitations, roles and removal, through the web pages and the services."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.tenancy import services
from governance.tenancy.models import Invitation, Membership
from governance.tenancy.roles import Role


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Post the invitation form and run its on-commit email task, as a real commit would."""

    def post(email, role):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/o/acme/members/", {"email": email, "role": role})

    return post


def _link(outbox):
    return re.search(r"https?://[^/]+(/invitations/\S+/)", outbox[-1].body).group(1)


def test_an_admin_invites_by_email_and_the_invitee_joins(world, client, invite):
    client.force_login(world.alice)
    response = invite("dora@acme.test", "contributor")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["dora@acme.test"]
    link = _link(mail.outbox)
    client.logout()
    page = client.get(link)
    assert b"Join Acme" in page.content
    response = client.post(
        link,
        {
            "full_name": "Dora D",
            "password1": "a long enough phrase 9",
            "password2": "a long enough phrase 9",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/o/acme/"
    with scopes_disabled():
        m = Membership.objects.get(user__email="dora@acme.test")
        assert m.role == Role.CONTRIBUTOR and m.organization == world.acme
        actions = list(
            AuditEvent.objects.filter(organization=world.acme).values_list("action", flat=True)
        )
    assert "invitation.created" in actions and "invitation.accepted" in actions


def test_an_expired_invitation_says_so(world, client, invite):
    client.force_login(world.alice)
    invite("dora@acme.test", "contributor")
    link = _link(mail.outbox)
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_made_up_invitation_link_is_404_with_a_message(db, client):
    response = client.get("/invitations/not-a-real-secret/")
    assert response.status_code == 404 and b"not valid" in response.content


def test_an_invitation_for_someone_else_is_refused(world, client, invite):
    client.force_login(world.alice)
    invite("dora@acme.test", "contributor")
    link = _link(mail.outbox)
    client.force_login(world.charlie)
    response = client.post(link)
    assert response.status_code == 409 and b"dora@acme.test" in response.content
    with scopes_disabled():
        assert not Membership.objects.filter(user=world.charlie, organization=world.acme).exists()


def test_an_invitation_is_used_only_once(world, client, invite):
    client.force_login(world.alice)
    invite("charlie@globex.test", "board")
    link = _link(mail.outbox)
    client.force_login(world.charlie)
    assert client.post(link).status_code == 302
    assert client.get(link).status_code == 410


def test_invite_form_errors_show_next_to_fields(world, client):
    client.force_login(world.alice)
    response = client.post("/o/acme/members/", {"email": "not-an-email", "role": "auditor"})
    form = response.context["form"]
    assert "email" in form.errors and "access_days" in form.errors
    response = client.post("/o/acme/members/", {"email": "bob@acme.test", "role": "board"})
    assert "already a member" in str(response.context["form"].errors["email"])


def test_the_last_owner_cannot_be_demoted_or_removed(world):
    with scopes_disabled(), pytest.raises(ValidationError):
        services.change_member_role(
            membership=world.alice_membership, role=Role.ADMIN, acting=world.alice_membership
        )
    with scopes_disabled(), pytest.raises(ValidationError):
        services.remove_member(membership=world.alice_membership, acting=world.alice_membership)


def test_an_admin_cannot_make_owners(world, member_of):
    admin = member_of(world.acme, Role.ADMIN)
    with scopes_disabled(), pytest.raises(PermissionDenied):
        services.change_member_role(membership=world.bob_membership, role=Role.OWNER, acting=admin)


def test_a_role_change_is_audited_with_before_and_after(world, client):
    client.force_login(world.alice)
    url = f"/o/acme/members/{world.bob_membership.uuid}/"
    response = client.post(url, {"role": "compliance_officer"})
    assert response.status_code == 302
    with scopes_disabled():
        event = AuditEvent.objects.get(action="member.role_changed")
    assert event.changes["role"] == ["auditor", "compliance_officer"]
    assert event.actor == world.alice and event.via == "web"


def test_removing_a_member_keeps_their_account(world, client):
    client.force_login(world.alice)
    response = client.post(f"/o/acme/members/{world.bob_membership.uuid}/remove/")
    assert response.status_code == 302
    with scopes_disabled():
        assert not Membership.objects.filter(user=world.bob).exists()
    world.bob.refresh_from_db()
    assert world.bob.is_active


def test_a_read_only_member_cannot_post_an_invitation(world, client):
    client.force_login(world.bob)
    assert (
        client.post("/o/acme/members/", {"email": "x@y.test", "role": "owner"}).status_code == 403
    )


def test_a_user_switches_between_organizations(world, client, member_of):
    with scopes_disabled():
        Membership.objects.create(organization=world.globex, user=world.alice, role=Role.BOARD)
    client.force_login(world.alice)
    page = client.get("/o/acme/")
    switch = {m.organization.slug: m.switch_url for m in page.context["user_memberships"]}
    assert switch == {"acme": "/o/acme/", "globex": "/o/globex/"}
    assert client.get("/o/globex/").context["current_membership"].role == Role.BOARD
    # The last organisation opened is where the next visit lands.
    assert client.get("/")["Location"] == "/o/globex/"


@pytest.mark.django_db(transaction=True)
def test_an_audit_event_needs_the_changes_transaction(world):
    from governance.audit.services import record_event

    with pytest.raises(RuntimeError):
        record_event(organization=world.acme, actor=world.alice, action="x")
