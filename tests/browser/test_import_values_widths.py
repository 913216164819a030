"""Headless Chromium: the import's column, value and saved-mapping pages at laptop and phone
widths. The value table must be usable on a phone: no sideways scrolling, selects in reach."""

import pytest

from governance.register import saved_mappings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
FILE = (
    "Algoritme-ID;Naam;Organisatie;Doel en impact;Status;Persoonsgegevens;DPIA;Zoektermen\n"
    "lars-001;Parkeervergunning toetsen;Gemeente Utrecht;Aanvragen controleren;In gebruik;Ja;"
    "Ja;parkeren|vergunning\n"
    "lars-002;Fraudesignalen;Gemeente Utrecht;Signalen ordenen;Bijna klaar;Nee;Onbekend;fraude\n"
    "lars-003;Chatbot met een heel lange naam die op een telefoon moet afbreken;Provincie "
    "Zeeland;Vragen beantwoorden;In ontwikkeling;Onbekend;Nee;\n"
)


def test_the_value_step_fits_a_laptop_and_a_phone(
    world, live_server, page, password, artifacts, tmp_path
):
    saved_mappings.create_mapping(
        organization=world.acme,
        acting=world.alice_membership,
        data={"name": "Utrecht export", "columns": {"Naam": "name"}},
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")
    upload = tmp_path / "algoritmes.csv"
    upload.write_text(FILE, encoding="utf-8")
    page.goto(f"{live_server.url}/o/acme/register/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/map/")
    mapping_url = page.url
    for index, field in enumerate(
        ["reference", "name", "", "intended_purpose", "lifecycle_stage",
         "processes_personal_data", "dpia_done", "tags"]
    ):  # fmt: skip
        page.select_option(f"select[name=col_{index}]", field)
    page.select_option("select[name=tag_separator]", "|")
    page.click("main form.form-wide button[type=submit]")
    page.wait_for_url("**/values/")
    values_url = page.url
    assert page.locator("text=“Bijna klaar”").count() == 1
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in [
            ("mapping", mapping_url),
            ("values", values_url),
            ("mappings", f"{live_server.url}/o/acme/register/import/mappings/"),
        ]:
            page.goto(url)
            page.screenshot(path=str(artifacts / f"import-{name}-{width}.png"), full_page=True)
            assert page.evaluate(WIDE) <= 0, (width, name)
        page.goto(values_url)
        # Every value select is on screen without scrolling sideways.
        boxes = page.eval_on_selector_all(
            "ul.value-map select", "els => els.map(e => e.getBoundingClientRect().right)"
        )
        assert boxes and max(boxes) <= width, (width, max(boxes))
    # Map the odd value on the phone and check the rows.
    page.locator("ul.value-map li", has_text="Bijna klaar").locator("select").select_option(
        "testing"
    )
    page.select_option("select[name=d_operator_role]", "deployer")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/preview/")
    page.screenshot(path=str(artifacts / "import-preview-390.png"), full_page=True)
    assert page.locator("text=Every row is ready").count() == 1
