"""Headless Chromium: the board dashboard of the demo organisation at desktop and phone widths."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, email):
    from governance.core.demo import DEMO_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/?next=/o/northwind/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/northwind/")


def test_the_board_dashboard_reads_at_desktop_and_phone_widths(
    live_server, page, artifacts, shipped_catalogues
):
    from governance.core.demo import build_demo

    build_demo()
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, live_server, "board@northwind.example")
    assert page.get_by_role("heading", name="Residual risks", exact=True).is_visible()
    assert page.locator("svg.chart").count() == 7
    # Counts only for the board: no heat-map cell is a link.
    assert page.locator("svg.chart a").count() == 0
    page.screenshot(path=str(artifacts / "dashboard-board-1366.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, f"the page scrolls sideways on a phone ({overflow}px)"
    page.screenshot(path=str(artifacts / "dashboard-board-390.png"), full_page=True)


def test_an_officer_opens_a_heat_map_cell_as_the_filtered_risk_list(
    live_server, page, artifacts, shipped_catalogues
):
    from governance.core.demo import build_demo

    build_demo()
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, live_server, "officer@northwind.example")
    cell = page.locator("svg.chart a").first
    label = cell.get_attribute("aria-label")
    cell.click()
    page.wait_for_url("**/risks/?likelihood=*")
    count = int(label.split()[0])
    assert page.locator("table tbody tr").count() == count
    page.screenshot(path=str(artifacts / "risk-list-cell.png"), full_page=True)
