"""How to make, in alice's organisation, the object each URL keyword names.

The isolation test walks every URL pattern; a pattern whose object keyword is missing here
fails the test, so each new object URL is covered by construction. Later capabilities add
their keywords here: {kwarg name: callable(world) -> public id}.
"""

from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.tenancy import services
from governance.tenancy.models import Invitation


def _invitation(world):
    with scopes_disabled():
        invitation, _secret = services.invite_member(
            organization=world.acme,
            email="dora@acme.test",
            role="contributor",
            acting=world.alice_membership,
        )
        return invitation.uuid


def _token(world):
    with scopes_disabled():
        token, _secret = services.issue_api_token(
            organization=world.acme,
            name="Acme registry",
            scope="read_write",
            acting=world.alice_membership,
        )
        return token.uuid


def _event(world):
    _invitation(world)
    with scopes_disabled():
        return AuditEvent.objects.filter(organization=world.acme).first().uuid


OBJECT_KWARGS = {
    "member_uuid": lambda world: world.bob_membership.uuid,
    "invitation_uuid": _invitation,
    "token_uuid": _token,
    "event_uuid": _event,
    # DRF routers name the detail keyword after lookup_field; their objects are of the
    # router's basename, resolved in API_BASENAME_OBJECTS.
}

# API detail routes use the `uuid` keyword; the basename says which object to make.
API_BASENAME_OBJECTS = {
    "member": OBJECT_KWARGS["member_uuid"],
    "invitation": OBJECT_KWARGS["invitation_uuid"],
    "token": OBJECT_KWARGS["token_uuid"],
    "audit-event": OBJECT_KWARGS["event_uuid"],
}

__all__ = ["API_BASENAME_OBJECTS", "Invitation", "OBJECT_KWARGS"]
