"""Headless Chromium: a compliance officer registers a system, screens it and sees the result."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, name, value):
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def _next(page):
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_register_screen_and_read_the_classification(world, live_server, page, password, artifacts):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")

    # Register the system; a missing purpose is pointed out next to the field first.
    page.goto(f"{live_server.url}/o/acme/register/systems/new/")
    page.fill("input[name=name]", "Talent screener")
    page.locator("form.register-form button[type=submit]").first.click()
    assert page.locator("#id_intended_purpose_error").is_visible()
    page.fill("textarea[name=intended_purpose]", "Rank job applications for recruiters.")
    page.locator("form.register-form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().strip().startswith("Talent screener")

    # Screen it, one topic per step.
    page.get_by_role("link", name="Screen", exact=True).click()
    page.wait_for_load_state()
    for name, value in [("role", "deployer"), ("established_in_eu", "yes"),
                        ("public_service_deployer", "no"), ("art_25_trigger", "no"),
                        ("gpai", "no")]:  # fmt: skip
        _answer(page, name, value)
    _next(page)
    for name, value in [("is_ai_system", "yes"), ("eu_nexus", "yes"), ("scope_exclusion", "none")]:
        _answer(page, name, value)
    _next(page)
    # Every question needs an explicit answer: "None of these" is one.
    _answer(page, "prohibited_practices", "none")
    _next(page)
    _answer(page, "annex_i", "no")
    _next(page)
    _answer(page, "annex_iii", "annex_iii_4_a")
    _next(page)
    _answer(page, "profiling", "yes")
    _answer(page, "art_6_3_conditions", "none")
    _next(page)
    for fact in ("interacts_with_persons", "synthetic_content",
                 "emotion_recognition_or_biometric_categorisation", "deep_fake",
                 "public_interest_text"):  # fmt: skip
        _answer(page, f"transparency__{fact}", "no")
    _next(page)
    assert "step=review" in page.url
    page.get_by_role("button", name="Save classification").click()
    page.wait_for_load_state()

    body = page.content()
    assert "/classifications/1/" in page.url
    assert "High-risk" in body
    assert "Art. 26" in body and "Annex III point 4(a)" in body
    page.screenshot(path=str(artifacts / "classification.png"), full_page=True)


def test_keyboard_users_land_on_the_question_and_enter_continues(
    world, live_server, page, password
):
    from django_scopes import scope

    from governance.register import services as register

    with scope(organization=world.acme):
        system = register.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Keyboard test", "intended_purpose": "Rank job applications."},
        )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")
    base = f"{live_server.url}/o/acme/register/systems/{system.uuid}/screening/"
    page.goto(base + "?step=scope")
    # The first question has the focus: no tabbing through the page chrome.
    assert page.evaluate("document.activeElement.id") == "q-is_ai_system-yes"
    assert page.locator("#step-counter").text_content().startswith("Step 2 of")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**step=prohibited")
    # "None of these" and a ticked practice exclude each other.
    page.locator('input[name="prohibited_practices"][value="art_5_1_a"]').check()
    page.locator('input[name="prohibited_practices"][value="none"]').check()
    assert not page.locator('input[name="prohibited_practices"][value="art_5_1_a"]').is_checked()
