"""Headless Chromium: an officer generates a system card, watches it build and downloads it."""

import hashlib

import pytest
from django_scopes import scopes_disabled

from compliance.documents.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_and_download_a_system_card(world, live_server, page, password, artifacts):
    from governance.register import services as register_services

    with scopes_disabled():
        system = register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Claims triage", "intended_purpose": "Sort insurance claims."},
        )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")

    page.goto(f"{live_server.url}/o/acme/documents/")
    page.select_option("select[name=kind]", "system_card")
    page.select_option("select[name=system]", str(system.uuid))
    page.get_by_role("button", name="Generate").click()
    page.wait_for_load_state()
    assert "System card: Claims triage" in page.locator("h1").inner_text()
    download_link = page.get_by_role("link", name="Download")
    download_link.wait_for(timeout=60_000)  # htmx polls the job's status until it is done
    page.screenshot(path=str(artifacts / "document-ready.png"), full_page=True)
    with page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    with scopes_disabled():
        document = Document.objects.get()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.sha256 in page.content()
