"""Objects of assessments and evidence in alice's organisation, for the isolation walker."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled


def _iso_assessment(world):
    from compliance.assessments import services
    from compliance.assessments.models import Assessment
    from compliance.catalogue.services import ensure_shipped_catalogues

    with scopes_disabled():
        found = Assessment.objects.filter(organization=world.acme).first()
        if found:
            return found
        ensure_shipped_catalogues()
        return services.create_assessment(
            organization=world.acme, acting=world.alice_membership, framework_slug="iso-42001"
        )


def assessment_uuid(world):
    return _iso_assessment(world).uuid


def response_uuid(world):
    with scopes_disabled():
        return _iso_assessment(world).responses.order_by("order").first().uuid


def action_uuid(world):
    from compliance.assessments import remediation

    assessment = _iso_assessment(world)
    with scopes_disabled():
        return remediation.create_action(
            assessment=assessment, acting=world.alice_membership, data={"title": "Fix it"}
        ).uuid


def evidence_uuid(world):
    from compliance.evidence import services

    with scopes_disabled():
        return services.create_evidence(
            organization=world.acme,
            acting=world.alice_membership,
            data={"title": "Acme AI policy"},
            upload=SimpleUploadedFile("policy.txt", b"Our AI policy.\n"),
        ).uuid


OBJECT_KWARGS = {
    "assessment_uuid": assessment_uuid,
    "response_uuid": response_uuid,
    "action_uuid": action_uuid,
    "evidence_uuid": evidence_uuid,
    # An approval number (assessments) or a file version number (evidence): 1 exists or not,
    # the assessment or evidence named beside it is what must be alice's.
    "number": lambda world: 1,
}
API_BASENAME_OBJECTS = {
    "assessment": assessment_uuid,
    "remediation-action": action_uuid,
    "evidence": evidence_uuid,
}
