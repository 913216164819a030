"""Headless Chromium: a gap analysis and an ISO/IEC 42001 assessment, one evidence file for
both, a score, an action plan, and a reviewer who approves and locks it."""

import pytest
from django_scopes import scopes_disabled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIGH_RISK = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "annex_iii": ["annex_iii_4_a"],
    "profiling": True,
}


def _setup(world):
    from compliance.catalogue.services import ensure_shipped_catalogues
    from governance.classification import services as classification_services
    from governance.register import services as register_services

    with scopes_disabled():
        ensure_shipped_catalogues()
        system = register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Talent ranker", "intended_purpose": "Rank job applicants."},
        )
        classification_services.classify_system(
            system=system, acting=world.alice_membership, screening=HIGH_RISK
        )
    return system


def _answer_the_rest(assessment_uuid, world):
    from compliance.assessments import services
    from compliance.assessments.models import Response

    with scopes_disabled():
        for r in Response.objects.filter(
            assessment__uuid=assessment_uuid, answered_at=None
        ).select_related("requirement", "assessment"):
            kind = r.requirement.answer_type
            data = (
                {"status": "yes"}
                if kind == "yes_no_partial"
                else {"status": "not_applicable", "justification": "Covered elsewhere."}
            )
            services.answer_response(
                response=r, acting=world.alice_membership, version=r.version, data=data
            )


def _item(page, code):
    return page.locator("article.q-item", has=page.locator(".q-code", has_text=code)).first


def test_gap_analysis_iso_soa_evidence_reuse_actions_and_approval(
    world, live_server, page, password, artifacts, tmp_path
):
    _setup(world)
    page.on("dialog", lambda d: d.accept())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")

    # Start the EU AI Act gap analysis from the navigation.
    page.get_by_role("link", name="Assessments", exact=True).first.click()
    page.get_by_role("link", name="New assessment").first.click()
    page.locator('input[name="framework"][value="eu-ai-act"]').check()
    page.select_option("select[name=system]", label="Talent ranker (High-risk)")
    page.get_by_role("button", name="Create assessment").click()
    page.wait_for_load_state()
    assert "Talent ranker" in page.locator("h1").inner_text()
    assert page.locator(".q-code", has_text="art_9.16").count() == 1
    url = page.url

    # Answer as you go: a radio saves at once; Enter in a field saves and stays on the page.
    item = _item(page, "art_9.16")
    item.get_by_label("Partly").check()
    page.wait_for_selector(f"#{item.get_attribute('id')} .q-saved:has-text('Saved')")
    item = _item(page, "art_9.16")
    item.locator("textarea[name=justification]").fill("Thresholds exist for accuracy only.")
    item.locator("input[name=due_date]").fill("2027-01-31")
    item.locator("input[name=due_date]").press("Enter")
    page.wait_for_timeout(600)
    assert page.url == url
    page.reload()
    assert _item(page, "art_9.16").locator("textarea[name=justification]").input_value() == (
        "Thresholds exist for accuracy only."
    )

    # A gap gets a remediation action.
    _item(page, "art_9.16").get_by_role("link", name="Plan an action").click()
    page.fill("input[name=title]", "Fix pre-release thresholds for every metric")
    page.fill("input[name=due_date]", "2027-02-28")
    page.get_by_role("button", name="Add action").click()
    page.wait_for_load_state()
    assert page.get_by_text("Fix pre-release thresholds for every metric").count() == 1

    # Evidence: upload once on an Art. 4 item.
    page.goto(url)
    _item(page, "art_4.01").get_by_role("link", name="Attach evidence").click()
    policy = tmp_path / "ai-policy.pdf"
    policy.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill("input[name=title]", "Acme AI policy")
    page.set_input_files("input[name=file]", str(policy))
    page.get_by_role("button", name="Upload and attach").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Acme AI policy").count() == 1

    # ISO/IEC 42001 with its Statement of Applicability, reusing the same evidence.
    page.goto(f"{live_server.url}/o/acme/assessments/new/")
    page.locator('input[name="framework"][value="iso-42001"]').check()
    page.get_by_role("button", name="Create assessment").click()
    page.wait_for_load_state()
    iso_url = page.url
    control = _item(page, "A.10.4")
    control.locator("select[name=soa_applicable]").select_option("false")
    page.wait_for_timeout(700)
    control = _item(page, "A.10.4")
    assert "Give the reason" in control.inner_text()
    control.locator("input[name=soa_justification]").fill("No external customers.")
    control.locator("input[name=soa_justification]").press("Enter")
    page.wait_for_selector(
        "article.q-item:has(.q-code:text-is('A.10.4')) .q-saved:has-text('Saved')"
    )
    _item(page, "7.2").get_by_role("link", name="Attach evidence").click()
    # Evidence once, credit everywhere: 7.2 maps to Art. 4, so the policy is suggested.
    suggested = page.locator("section", has=page.get_by_role("heading", name="Suggested"))
    assert "Acme AI policy" in suggested.inner_text()
    suggested.get_by_role("button", name="Attach", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Acme AI policy").count() == 1
    page.goto(iso_url.rstrip("/") + "/soa/")
    assert "Excluded" in page.locator("table").inner_text()
    page.screenshot(path=str(artifacts / "assessment-soa.png"), full_page=False)

    # Score, submit and approve: the reviewer locks it.
    page.goto(url)
    assert page.locator(".score-value").first.inner_text().endswith("%")
    page.screenshot(path=str(artifacts / "assessment-questionnaire.png"), full_page=False)
    _answer_the_rest(url.rstrip("/").rsplit("/", 1)[-1], world)
    page.reload()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Approve and lock").click()
    page.wait_for_load_state()
    assert "Approved and locked" in page.content()
    assert _item(page, "art_9.16").locator("input[name=status]").first.is_disabled()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "assessment-approved-phone.png"), full_page=False)
