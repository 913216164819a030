"""Auditor access: granted per assessment for a period, ended by hand or by time, audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from compliance.assessments.models import Assessment
from compliance.catalogue.selectors import get_framework
from compliance.catalogue.services import ensure_shipped_catalogues
from compliance.documents import grants
from compliance.documents.models import AuditorGrant
from compliance.documents.tasks import expire_auditor_grants
from governance.audit.models import AuditEvent
from governance.tenancy.roles import Role


@pytest.fixture
def approved(world):
    with scopes_disabled():
        ensure_shipped_catalogues()
        framework = get_framework(world.acme, "iso-42001")

        def make(title="ISO assessment", status="approved"):
            return Assessment.objects.create(
                organization=world.acme, framework=framework, title=title, status=status
            )

        return make


def _detail(client, assessment):
    return client.get(reverse("assessments:detail", args=["acme", assessment.uuid]))


def _grant(world, assessments, until=None):
    with scopes_disabled():
        return grants.grant_access(
            acting=world.alice_membership,
            auditor_uuid=world.bob_membership.uuid,
            assessment_uuids=[a.uuid for a in assessments],
            until=until or timezone.localdate() + timedelta(days=5),
        )


def test_an_auditor_reads_only_what_was_granted(world, client, approved):
    granted, other = approved("Granted"), approved("Other")
    _grant(world, [granted])
    client.force_login(world.bob)
    assert _detail(client, granted).status_code == 200
    assert _detail(client, other).status_code == 404
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="auditor.granted").count() == 1


def test_access_ends_by_itself_when_the_period_is_over(world, client, approved):
    assessment = approved()
    (grant,) = _grant(world, [assessment])
    with scopes_disabled():
        AuditorGrant.objects.filter(pk=grant.pk).update(
            ends_at=timezone.now() - timedelta(seconds=1)
        )
    client.force_login(world.bob)
    assert _detail(client, assessment).status_code == 404  # before the beat task runs
    assert expire_auditor_grants.delay().get() == 1
    with scopes_disabled():
        assert not world.bob.has_perm("assessments.view_assessment", assessment)
        assert AuditEvent.objects.filter(action="auditor.expired").count() == 1


def test_revoking_ends_access_at_once(world, client, approved):
    assessment = approved()
    (grant,) = _grant(world, [assessment])
    with scopes_disabled():
        grants.revoke_access(acting=world.alice_membership, grant=grant)
    client.force_login(world.bob)
    assert _detail(client, assessment).status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": "in_review"}, "assessments"),
        ({"until": "past"}, "until"),
        ({"until": "beyond membership"}, "until"),
        ({"auditor": "not an auditor"}, "auditor"),
    ],
)
def test_bad_grants_are_refused_on_the_field(world, approved, member_of, change, field):
    assessment = approved(status=change.get("status", "approved"))
    until = timezone.localdate() + timedelta(days=5)
    if change.get("until") == "past":
        until = timezone.localdate() - timedelta(days=1)
    if change.get("until") == "beyond membership":
        until = timezone.localdate() + timedelta(days=400)
    auditor = world.bob_membership.uuid
    if "auditor" in change:
        auditor = member_of(world.acme, Role.COMPLIANCE_OFFICER).uuid
    with pytest.raises(ValidationError) as excinfo, scopes_disabled():
        grants.grant_access(
            acting=world.alice_membership,
            auditor_uuid=auditor,
            assessment_uuids=[assessment.uuid],
            until=until,
        )
    assert field in excinfo.value.message_dict
    with scopes_disabled():
        assert not AuditorGrant.objects.exists()


def test_only_owners_and_admins_grant(world, approved, member_of):
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    with pytest.raises(PermissionDenied), scopes_disabled():
        grants.grant_access(
            acting=officer,
            auditor_uuid=world.bob_membership.uuid,
            assessment_uuids=[approved().uuid],
            until=timezone.localdate(),
        )


def test_the_page_grants_and_revokes(world, client, approved):
    assessment = approved()
    client.force_login(world.alice)
    url = reverse("documents:grant-list", args=["acme"])
    response = client.post(
        url,
        {
            "auditor": str(world.bob_membership.uuid),
            "assessments": [str(assessment.uuid)],
            "until": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        grant = AuditorGrant.objects.get()
    page = client.get(url)
    assert b"Active" in page.content and assessment.title.encode() in page.content
    revoke = reverse("documents:grant-revoke", args=["acme", grant.uuid])
    assert client.post(revoke).status_code == 302
    with scopes_disabled():
        grant.refresh_from_db()
    assert grant.revoked_at is not None
