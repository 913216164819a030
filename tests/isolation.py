"""How to make, in alice's organisation, the object each URL keyword names.

The isolation test walks every URL pattern; a pattern whose object keyword is missing here
fails the test, so each new object URL is covered by construction. Later capabilities add
their keywords here: {kwarg name: callable(world) -> public id}.
"""

from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import imports as register_imports
from governance.register import services as register_services
from governance.tenancy import services
from governance.tenancy.models import Invitation
from tests.assessments import isolation_objects as assessment_objects
from tests.risks import isolation_objects as risk_objects


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


def _vendor(world):
    with scopes_disabled():
        return register_services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": "Acme Vendor"}
        ).uuid


def _model(world):
    with scopes_disabled():
        return register_services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Acme scorer", "version": "1"},
        ).uuid


def _system(world):
    with scopes_disabled():
        return register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Acme CV screener", "intended_purpose": "Rank job applicants."},
        ).uuid


def _version(world):
    """Classify every unclassified system of alice's (one is made if there is none): version 1."""
    from governance.classification import services as classification_services
    from governance.classification.models import Classification
    from governance.register.models import AISystem

    with scopes_disabled():
        if not AISystem.objects.filter(organization=world.acme).exists():
            _system(world)
        for system in AISystem.objects.filter(organization=world.acme, classifications=None):
            classification_services.classify_system(
                system=system,
                acting=world.alice_membership,
                screening={
                    "schema": "eu-ai-act-screening/1",
                    "role": "deployer",
                    "is_ai_system": True,
                    "eu_nexus": True,
                },
            )
        assert Classification.objects.filter(organization=world.acme, version=1).exists()
    return 1


def _reassessment(world):
    """What a new version of the law would change in one of alice's classified systems."""
    from governance.classification.models import Classification, Reassessment

    _version(world)
    with scopes_disabled():
        classification = Classification.objects.filter(organization=world.acme).first()
        return Reassessment.objects.create(
            organization=world.acme,
            system=classification.system,
            classification=classification,
            law_version="2099-01-01-isolation",
            result=classification.result,
            changed=True,
        ).uuid


def _document(world):
    """A queued document row about one of alice's systems (not built: the walk needs its id)."""
    from compliance.documents.models import Document
    from governance.register.models import AISystem

    with scopes_disabled():
        system = AISystem.objects.get(uuid=_system(world))
        return Document.objects.create(
            organization=world.acme,
            kind="system_card",
            system=system,
            subject_ref=str(system.uuid),
            subject_label=system.name,
        ).uuid


def _saved_mapping(world):
    """A saved import mapping of alice's organisation."""
    from governance.register.saved_mappings import create_mapping, mappings_of

    with scopes_disabled():
        existing = mappings_of(world.acme).filter(name="Isolation mapping").first()
        if existing is not None:
            return existing.uuid
        return create_mapping(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Isolation mapping", "columns": {"Naam": "name"}},
        ).uuid


def _pack(world):
    """A queued evidence pack row of alice's organisation."""
    from datetime import date

    from compliance.documents.models import EvidencePack

    with scopes_disabled():
        return EvidencePack.objects.create(
            organization=world.acme, as_of=date(2026, 11, 30), requested_by=world.alice
        ).uuid


def _framework(world):
    """Alice's organisation's own framework (the shipped ones are visible to every tenant)."""
    from compliance.catalogue.services import CATALOGUE_DIR, load_catalogue_files

    load_catalogue_files(
        [CATALOGUE_DIR / "examples" / "internal-ai-policy.yaml"], organization=world.acme
    )
    return "internal-ai-policy"


def _grant(world):
    """bob (auditor) granted an approved assessment of alice's organisation."""
    from datetime import timedelta

    from django.utils import timezone

    from compliance.assessments.models import Assessment
    from compliance.catalogue.services import ensure_shipped_catalogues
    from compliance.documents.models import AuditorGrant

    with scopes_disabled():
        ensure_shipped_catalogues()
        from compliance.catalogue.selectors import get_framework

        assessment = Assessment.objects.create(
            organization=world.acme,
            framework=get_framework(world.acme, "iso-42001"),
            title="Approved ISO assessment",
            status="approved",
        )
        return AuditorGrant.objects.create(
            organization=world.acme,
            auditor=world.bob_membership,
            assessment=assessment,
            ends_at=timezone.now() + timedelta(days=3),
        ).uuid


OBJECT_KWARGS = {
    "member_uuid": lambda world: world.bob_membership.uuid,
    # An organisation's own catalogue framework (compliance.catalogue web and API).
    "framework_slug": _framework,
    "invitation_uuid": _invitation,
    "token_uuid": _token,
    "event_uuid": _event,
    "system_uuid": _system,
    # A classification version of that system (governance.classification web and API).
    "version": _version,
    "model_uuid": _model,
    # A change in the law to review (governance.classification law changes, web and API).
    "reassessment_uuid": _reassessment,
    "vendor_uuid": _vendor,
    # An upload alice started in the spreadsheet import (register_import:mapping, …).
    "import_token": lambda world: (
        register_imports.save_upload(
            organization=world.acme,
            user=world.alice,
            data=b"Name,Intended purpose\nA,p\n",
            filename="register.csv",
        ).token
    ),
    # A saved import mapping of alice's organisation (register_import:mapping-detail, API).
    "mapping_id": lambda world: _saved_mapping(world),
    # A document request about one of alice's systems (compliance.documents).
    "document_uuid": lambda world: _document(world),
    # An evidence pack alice asked for (compliance.documents).
    "pack_uuid": lambda world: _pack(world),
    # An auditor grant of alice's organisation (compliance.documents).
    "grant_uuid": lambda world: _grant(world),
    # DRF routers name the detail keyword after lookup_field; their objects are of the
    # router's basename, resolved in API_BASENAME_OBJECTS.
}

# API detail routes use the `uuid` keyword; the basename says which object to make.
API_BASENAME_OBJECTS = {
    "member": OBJECT_KWARGS["member_uuid"],
    "invitation": OBJECT_KWARGS["invitation_uuid"],
    "token": OBJECT_KWARGS["token_uuid"],
    "audit-event": OBJECT_KWARGS["event_uuid"],
    "system": _system,
    "model": _model,
    "vendor": _vendor,
    "document": lambda world: _document(world),
    "law-change": _reassessment,
    "evidence-pack": lambda world: _pack(world),
}

# Assessments and evidence (compliance.assessments, compliance.evidence).
OBJECT_KWARGS.update(assessment_objects.OBJECT_KWARGS)
API_BASENAME_OBJECTS.update(assessment_objects.API_BASENAME_OBJECTS)
# Risks and serious incidents (governance.risks).
OBJECT_KWARGS.update(risk_objects.OBJECT_KWARGS)
API_BASENAME_OBJECTS.update(risk_objects.API_BASENAME_OBJECTS)

__all__ = ["API_BASENAME_OBJECTS", "Invitation", "OBJECT_KWARGS"]
