"""Risks and incidents in alice's organisation, for the isolation walker."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled


def _system(world):
    from governance.register import services as register_services
    from governance.register.models import AISystem

    with scopes_disabled():
        found = AISystem.objects.filter(organization=world.acme).first()
        if found:
            return found
        return register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Acme CV screener", "intended_purpose": "Rank job applicants."},
        )


def risk_uuid(world):
    from governance.risks import services

    with scopes_disabled():
        return services.create_risk(
            organization=world.acme,
            acting=world.alice_membership,
            data={
                "system": _system(world),
                "title": "Biased ranking",
                "description": "Ranks women lower.",
                "harm_domain": "discrimination",
                "likelihood": 3,
                "impact": 4,
            },
        ).uuid


def incident_uuid(world):
    from governance.risks import services

    with scopes_disabled():
        return services.create_incident(
            organization=world.acme,
            acting=world.alice_membership,
            data={
                "system": _system(world),
                "title": "Wrong rejection wave",
                "description": "Hundreds of applicants rejected.",
                "kind": "widespread_infringement",
                "aware_at": timezone.localdate() - timedelta(days=1),
            },
        ).uuid


OBJECT_KWARGS = {"risk_uuid": risk_uuid, "incident_uuid": incident_uuid}
API_BASENAME_OBJECTS = {"risk": risk_uuid, "incident": incident_uuid}
