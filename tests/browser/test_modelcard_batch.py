"""Headless Chromium: a ZIP of model cards previewed and imported, at laptop and phone widths."""

import zipfile
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from governance.register.models import AIModel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "modelcards"
WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def cards_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(CARDS / "huggingface/fixtures/sample_simple.md", "acme/sentiment/README.md")
        archive.write(CARDS / "model-card-toolkit/full.json", "census/model_card.json")
        archive.write(CARDS / "huggingface/LICENSE", "acme/licence/README.md")
    return path


def test_a_zip_of_cards_at_laptop_and_phone_widths(
    world, live_server, page, password, artifacts, tmp_path
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")
    upload = cards_zip(tmp_path / "cards.zip")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/o/acme/register/import/model-card/")
        page.screenshot(path=str(artifacts / f"modelcard-upload-{width}.png"), full_page=True)
        assert page.evaluate(WIDE) <= 0, width
        page.set_input_files("input[name=file]", str(upload))
        page.click("main button[type=submit]")
        page.wait_for_selector("text=Check the model cards")
        page.screenshot(path=str(artifacts / f"modelcard-batch-{width}.png"), full_page=True)
        assert page.evaluate(WIDE) <= 0, width
        assert page.locator("text=looks like a licence text").count() == 1
    page.click("text=Import 2 new models")
    page.wait_for_selector("text=Model cards imported")
    page.screenshot(path=str(artifacts / "modelcard-done-390.png"), full_page=True)
    assert page.evaluate(WIDE) <= 0
    with scopes_disabled():
        assert AIModel.objects.filter(organization=world.acme).count() == 2
