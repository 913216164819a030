"""Headless Chromium: sign in, switch organisation, see the organisation's home page."""

import pytest
from django_scopes import scopes_disabled

from governance.tenancy.models import Membership
from governance.tenancy.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_organization_and_see_its_home(
    world, live_server, page, password, artifacts
):
    with scopes_disabled():
        Membership.objects.create(organization=world.globex, user=world.alice, role=Role.BOARD)
    page.goto(f"{live_server.url}/o/acme/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")
    assert page.locator("h1").first.inner_text().strip() == "Acme"
    page.screenshot(path=str(artifacts / "home-acme.png"), full_page=True)

    # The organisation switcher lists both organisations with the role in each.
    page.locator("details.dropdown summary").first.click()
    page.get_by_role("link", name="Globex").first.click()
    page.wait_for_url(f"{live_server.url}/o/globex/")
    assert page.locator("h1").first.inner_text().strip() == "Globex"
    assert "Board member" in page.content()
    page.screenshot(path=str(artifacts / "home-globex.png"), full_page=True)


def test_a_wrong_password_shows_the_error_beside_the_form(world, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.get_by_text("do not match an account").is_visible()
