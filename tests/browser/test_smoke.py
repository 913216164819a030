"""Headless Chromium: sign in, switch organisation, see the organisation's home page."""

import os
import shutil
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from governance.tenancy.models import Membership
from governance.tenancy.roles import Role

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("ANNEX_BROWSER_REQUIRED") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1360, "height": 900})
        yield context.new_page()
        browser.close()


def test_sign_in_switch_organization_and_see_its_home(world, live_server, page, password):
    with scopes_disabled():
        Membership.objects.create(organization=world.globex, user=world.alice, role=Role.BOARD)
    page.goto(f"{live_server.url}/o/acme/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")
    assert page.locator("h1").first.inner_text().strip() == "Acme"
    page.screenshot(path=str(ARTIFACTS / "home-acme.png"), full_page=True)

    # The organisation switcher lists both organisations with the role in each.
    page.locator("details.dropdown summary").first.click()
    page.get_by_role("link", name="Globex").first.click()
    page.wait_for_url(f"{live_server.url}/o/globex/")
    assert page.locator("h1").first.inner_text().strip() == "Globex"
    assert "Board member" in page.content()
    page.screenshot(path=str(ARTIFACTS / "home-globex.png"), full_page=True)


def test_a_wrong_password_shows_the_error_beside_the_form(world, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.get_by_text("do not match an account").is_visible()
