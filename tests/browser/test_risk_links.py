"""Headless Chromium: the risk form's link lists and the detail page's links fit laptop and
phone widths."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from tests.browser.test_layout_widths import WIDE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _linked_risk(world):
    from compliance.assessments import remediation
    from compliance.assessments import services as assessments
    from compliance.catalogue.models import Requirement
    from compliance.catalogue.services import ensure_shipped_catalogues
    from compliance.evidence import services as evidence
    from governance.register import services as register
    from governance.risks import services

    ensure_shipped_catalogues()
    acting = world.alice_membership
    with scopes_disabled():
        system = register.create_system(
            organization=world.acme,
            acting=acting,
            data={"name": "CV screener", "intended_purpose": "Rank job applicants."},
        )
        item = evidence.create_evidence(
            organization=world.acme,
            acting=acting,
            data={"title": "Bias test report, spring release"},
            upload=SimpleUploadedFile("report.txt", b"Selection rates by group.\n"),
        )
        assessment = assessments.create_assessment(
            organization=world.acme, acting=acting, framework_slug="iso-42001"
        )
        action = remediation.create_action(
            assessment=assessment, acting=acting, data={"title": "Retrain on balanced data"}
        )
        return services.create_risk(
            organization=world.acme,
            acting=acting,
            data={
                "system": system,
                "title": "Biased ranking",
                "description": "Ranks women lower.",
                "harm_domain": "discrimination",
                "likelihood": 4,
                "impact": 4,
                "treatment": "mitigate",
                "controls": [
                    Requirement.objects.get(framework__slug="iso-42001", code="A.6.1.2").pk
                ],
                "evidence": [item.pk],
                "actions": [action.pk],
            },
        )


def test_risk_links_fit_laptop_and_phone_widths(world, live_server, page, password, artifacts):
    risk = _linked_risk(world)
    sign_in(page, live_server, world, password)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in [
            ("detail", f"/o/acme/risks/{risk.uuid}/"),
            ("edit", f"/o/acme/risks/{risk.uuid}/edit/"),
        ]:
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=str(artifacts / f"risk-{name}-{width}.png"), full_page=True)
            assert page.evaluate(WIDE) <= 0, (width, name)
        assert page.locator("input[name=evidence]:checked").count() == 1
