"""Headless Chromium at laptop and phone widths: no page scrolls sideways, the register shows
every column at 1280 px, and the members and classification tables fit a 390 px phone."""

import pytest
from django_scopes import scope

from governance.classification import services as classification
from tests.factories import make_system

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CV = {
    "schema": "eu-ai-act-screening/1", "role": "deployer", "is_ai_system": True,
    "eu_nexus": True, "established_in_eu": True, "annex_iii": ["annex_iii_4_a"], "profiling": True,
}  # fmt: skip
WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
TABLES = (
    "Array.from(document.querySelectorAll('.table-wrap')).map(e => e.scrollWidth - e.clientWidth)"
)


def sign_in(page, live_server, world, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")


def test_pages_fit_laptop_and_phone_widths(world, live_server, page, password, artifacts):
    for i, name in enumerate(["CV screening assistant", "Call-centre emotion analytics"]):
        system = make_system(
            world, name, reference=f"HR-{i}", vendor=None, tags=["biometrics", "customer service"]
        )
    with scope(organization=world.acme):
        classification.classify_system(system=system, acting=world.alice_membership, screening=CV)
    sign_in(page, live_server, world, password)
    history = f"/o/acme/register/systems/{system.uuid}/classifications/"
    for width, path in [
        (1280, "/o/acme/register/systems/"),
        (1366, "/o/acme/register/systems/"),
        (390, "/o/acme/members/"),
        (390, history),
        (390, f"{history}1/"),
    ]:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{path}")
        shot = artifacts / f"layout-{width}-{path.strip('/').replace('/', '_')}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert page.evaluate(WIDE) <= 0, (width, path)  # the page never scrolls sideways
        # and no table hides columns in a scroll box of its own
        assert all(extra <= 1 for extra in page.evaluate(TABLES)), (width, path)
