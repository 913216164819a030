"""Headless Chromium: the public register pages fit laptop and phone widths, with no CSP error."""

import pytest

from tests.browser.conftest import artifacts, page  # noqa: F401  (fixtures)
from tests.browser.test_layout_widths import WIDE, sign_in
from tests.register.test_public_registers import rich_system, sparse_system

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_register_pages_fit_laptop_and_phone_widths(
    world,
    live_server,
    page,  # noqa: F811
    password,
    artifacts,  # noqa: F811
):
    rich = rich_system(world)
    sparse = sparse_system(world)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, world, password)
    pages = [
        ("list", "/o/acme/register/public-registers/"),
        ("ready", f"/o/acme/register/systems/{rich.uuid}/public-registers/"),
        ("missing", f"/o/acme/register/systems/{sparse.uuid}/public-registers/?category=other"),
    ]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages:
            page.goto(f"{live_server.url}{path}")
            page.screenshot(
                path=str(artifacts / f"public-registers-{name}-{width}.png"), full_page=True
            )
            assert page.evaluate(WIDE) <= 0, (width, name)
    assert problems == []
    page.goto(f"{live_server.url}/o/acme/register/systems/{sparse.uuid}/public-registers/")
    assert page.get_by_text("Not ready: 3 required fields missing").is_visible()
