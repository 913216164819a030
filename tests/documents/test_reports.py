"""Documents built on assessments: declaration, technical documentation, reports, FRIA."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from compliance.assessments import services as assessment_services
from compliance.assessments.models import Response
from compliance.documents import services
from compliance.documents.models import DocumentStatus, OrganizationDetails
from tests.documents.conftest import HIGH_RISK_PROVIDER, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)

DEPLOYER = {**HIGH_RISK_PROVIDER, "role": "deployer", "public_service_deployer": True}


@pytest.fixture(autouse=True)
def catalogues(db):
    from compliance.catalogue.services import ensure_shipped_catalogues

    with scopes_disabled():
        ensure_shipped_catalogues()


def _assess(world, framework="eu-ai-act", system=None, kind="gap_analysis"):
    with scopes_disabled():
        return assessment_services.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug=framework,
            system=system,
            kind=kind,
        )


def _answer_all(assessment, status="yes", justification="Documented in the QMS."):
    with scopes_disabled():
        Response.objects.filter(assessment=assessment).update(
            status=status,
            maturity=4,
            text="Recorded.",
            justification=justification,
            soa_applicable=True,
            soa_justification="Needed for our AI systems.",
            implementation_status="implemented",
            answered_at=timezone.now(),
        )


def _approve(world, assessment):
    _answer_all(assessment)
    with scopes_disabled():
        for action in ("submit", "approve"):
            assessment = assessment_services.transition_assessment(
                assessment=assessment, acting=world.alice_membership, action=action
            )
    return assessment


def _request(world, kind, **subject):
    with scopes_disabled():
        document = services.request_document(
            organization=world.acme, actor=world.alice, kind=kind, **subject
        )
        document.refresh_from_db()
    assert document.status == DocumentStatus.DONE, document.error
    return document, pdf_text(document.file.read())


def _refusal(world, kind, **subject) -> str:
    with pytest.raises(ValidationError) as excinfo, scopes_disabled():
        services.request_document(organization=world.acme, actor=world.alice, kind=kind, **subject)
    return str(excinfo.value)


def _details(world):
    with scopes_disabled():
        OrganizationDetails.objects.create(
            organization=world.acme,
            legal_name="Acme Analytics B.V.",
            address="Keizersgracht 1, 1015 CJ Amsterdam",
            country="Netherlands",
            contact_email="compliance@acme.test",
            signatory_name="Alice Archer",
            signatory_function="Chief Executive Officer",
            signing_place="Amsterdam",
        )


def test_the_declaration_carries_every_annex_v_item_once_the_gap_analysis_is_approved(
    world, make_system
):
    system = make_system(screening=HIGH_RISK_PROVIDER, processes_personal_data=True)
    _details(world)
    assessment = _assess(world, system=system)
    assert "approved" in _refusal(world, "declaration_of_conformity", system=system)
    _approve(world, assessment)
    _doc, text = _request(world, "declaration_of_conformity", system=system)
    for item in (
        "CV ranker",  # V.1
        "Keizersgracht 1",  # V.2
        "sole responsibility of the provider",  # V.3
        "in conformity with Regulation (EU) 2024/1689",  # V.4
        "Regulation (EU) 2016/679",  # V.5
        "Annex V point 6",  # V.6
        "Annex V point 7",  # V.7
        "Amsterdam",  # V.8 place
        "Alice Archer, Chief Executive Officer",  # V.8 signatory
        "Signature",
    ):
        assert item in text, item


@pytest.mark.parametrize(
    "screening, reason",
    [
        (
            {
                "schema": "eu-ai-act-screening/1",
                "role": "provider",
                "is_ai_system": True,
                "eu_nexus": True,
            },
            "not high-risk",
        ),
        (DEPLOYER, "not its provider"),
        (None, "not been screened"),
    ],
)
def test_the_declaration_is_refused_where_it_does_not_apply(world, make_system, screening, reason):
    system = make_system(screening=screening)
    assert reason in _refusal(world, "declaration_of_conformity", system=system)


def test_technical_documentation_fills_sections_and_lists_what_is_missing(world, make_system):
    system = make_system(screening=HIGH_RISK_PROVIDER, human_oversight="Recruiter review.")
    assessment = _assess(world, system=system)
    with scopes_disabled():
        first = Response.objects.filter(assessment=assessment, requirement__obligation="art_9")
        first.update(status="yes", justification="Risk file RM-1 kept.", answered_at=timezone.now())
    _doc, text = _request(world, "technical_documentation", system=system)
    assert "Risk management system" in text and "Risk file RM-1 kept." in text
    assert "Still open in this section" in text
    assert "no EU declaration of conformity has been generated" in text
    assert "Recruiter review." in text


def test_a_gap_report_shows_scores_gaps_and_actions(world, make_system):
    system = make_system(screening=HIGH_RISK_PROVIDER)
    assessment = _assess(world, system=system)
    _answer_all(assessment, status="no", justification="Not started.")
    with scopes_disabled():
        from compliance.assessments.models import RemediationAction

        RemediationAction.objects.create(
            organization=world.acme, assessment=assessment, title="Write the risk policy"
        )
    document, text = _request(world, "gap_report", system=system)
    assert document.assessment_id == assessment.pk
    assert "Write the risk policy" in text and "0.0 %" in text and "art_9" in text


def test_a_statement_of_applicability_lists_annex_a_controls(world):
    assessment = _assess(world, framework="iso-42001")
    _answer_all(assessment)
    _doc, text = _request(world, "statement_of_applicability", assessment=assessment)
    assert "A.2.2" in text and "Needed for our AI systems." in text and "Implemented" in text


def test_a_fria_report_needs_a_fria_and_shows_the_notification(world, make_system):
    system = make_system(screening=DEPLOYER)
    gap = _assess(world, system=system)
    assert "not a fundamental rights impact assessment" in _refusal(world, "fria", assessment=gap)
    fria = _assess(world, system=system, kind="fria")
    _doc, text = _request(world, "fria", system=system)
    assert "Art. 27(3)" in text and "Not yet notified" in text
    assert fria.title in text


def test_auditors_read_the_reports_of_assessments_granted_to_them_only(world, client, make_system):
    from guardian.shortcuts import assign_perm

    system = make_system(screening=HIGH_RISK_PROVIDER)
    assessment = _approve(world, _assess(world, system=system))
    other = _approve(
        world, _assess(world, system=make_system(name="Other", screening=HIGH_RISK_PROVIDER))
    )
    report, _text = _request(world, "gap_report", assessment=assessment)
    hidden, _text = _request(world, "gap_report", assessment=other)
    system_card, _text = _request(world, "system_card", system=system)
    with scopes_disabled():
        assign_perm("assessments.view_assessment", world.bob, assessment)
    client.force_login(world.bob)
    from django.urls import reverse

    def status(document):
        url = reverse("documents:document-download", args=["acme", document.uuid])
        return client.get(url).status_code

    assert (status(report), status(hidden), status(system_card)) == (200, 404, 404)


def test_declaration_facts_fill_annex_v_points_6_and_7_and_refuse_a_stale_save(
    world, client, make_system
):
    from django.urls import reverse

    # Annex V point 5 reads the personal-data fact: a complete declaration needs it stated.
    system = make_system(screening=HIGH_RISK_PROVIDER, processes_personal_data=True)
    _details(world)
    _approve(world, _assess(world, system=system))
    client.force_login(world.alice)
    url = reverse("documents:system-facts", args=["acme", system.uuid])
    data = {"harmonised_standards": "EN ISO/IEC 23894:2024", "row_version": 0}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "harmonised_standards": "Other"})
    assert b"Someone else saved" in stale.content
    document, text = _request(world, "declaration_of_conformity", system=system)
    assert "EN ISO/IEC 23894:2024" in text and "Still missing" not in text
