"""The import pages: upload, match the columns, check and import; and model cards."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register import services
from governance.register.models import AIModel, AISystem, Vendor
from governance.register.pending import PendingImport
from governance.tenancy.roles import Role


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload_url(org="acme"):
    return reverse("register_import:upload", kwargs={"org_slug": org})


def csv_file(text: str, name="register.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD_CSV = (
    "System Name,Purpose,Our role,Owner e-mail,Supplier\n"
    "CV screener,Rank job applicants,Deployer,alice@acme.test,HireTech\n"
    "Chatbot,Answer customer questions,provider,,\n"
)


def start(client, text=GOOD_CSV, name="register.csv"):
    """Upload a file and return the mapping page's URL."""
    response = client.post(upload_url(), {"file": csv_file(text, name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def token_of(url: str) -> str:
    return re.search(r"/import/([^/]+)/", url)[1]


def mapping_post(columns: list[str], fields: list[str]) -> dict:
    return {f"col_{i}": field for i, field in enumerate(fields)}


# The value step: defaults for the facts a new system needs and these files do not all state.
ROLE_AND_STAGE = {"d_operator_role": "deployer", "d_lifecycle_stage": "planned"}


def through_values(client, response, **choices) -> str:
    """Post the value step the mapping step redirected to; return the check page's URL."""
    assert response.status_code == 302, response.content.decode()[:2000]
    values_url = response["Location"]
    assert values_url.endswith("/values/")
    done = client.post(values_url, {**ROLE_AND_STAGE, **choices})
    assert done.status_code == 302, done.content.decode()[:3000]
    return done["Location"]


def names(org):
    with scopes_disabled():
        return sorted(
            AISystem.objects.filter(organization=org).values_list("name", flat=True),
            key=str.casefold,
        )


def test_the_three_steps_import_a_file(world, client):
    client.force_login(world.alice)
    response = client.get(upload_url())
    assert response.status_code == 200
    assert (
        b'class="steps"' in response.content
        and b'enctype="multipart/form-data"' in response.content
    )

    mapping_url = start(client)
    response = client.get(mapping_url)
    page = response.content.decode()
    assert response.status_code == 200
    # Suggested from the headings, with sample values.
    assert '<option value="name" selected>' in page
    assert '<option value="business_owner" selected>' in page
    assert "Rank job applicants" in page and "HireTech" in page

    response = client.post(
        mapping_url,
        mapping_post([], ["name", "intended_purpose", "operator_role", "business_owner", "vendor"]),
    )
    preview_url = through_values(client, response)
    assert preview_url.endswith("/preview/")

    response = client.get(preview_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 systems and 1 new vendor will be added" in page
    assert "HireTech (new)" in page and "alice@acme.test" in page
    assert names(world.acme) == []  # nothing yet

    response = client.post(preview_url)
    assert response.status_code == 302
    assert names(world.acme) == ["Chatbot", "CV screener"]
    response = client.get(response["Location"])
    assert (
        "2 AI systems imported from register.csv, with 1 new vendor." in response.content.decode()
    )
    # The upload is gone once imported.
    assert client.get(preview_url).status_code == 404
    with scopes_disabled():
        assert not PendingImport.objects.exists()


def test_an_xlsx_file_goes_through_the_same_steps(world, client):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Intended purpose", "Lifecycle stage"])
    workbook.active.append(["Forecaster", "Forecast demand", "In production"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(world.alice)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("r.xlsx", buffer.getvalue())})
    mapping_url = response["Location"]
    response = client.post(
        mapping_url, mapping_post([], ["name", "intended_purpose", "lifecycle_stage"])
    )
    client.post(through_values(client, response))
    with scopes_disabled():
        assert AISystem.objects.get(name="Forecaster").lifecycle_stage == "in_production"


def test_errors_are_listed_with_row_and_column_and_the_commit_button_is_disabled(world, client):
    client.force_login(world.alice)
    mapping_url = start(client, "Name,Purpose,Owner\nA,p,alice@acme.test\nB,p,x@y.test\n,p,\n")
    response = client.post(
        mapping_url, mapping_post([], ["name", "intended_purpose", "business_owner"])
    )
    preview_url = through_values(client, response)
    page = client.get(preview_url).content.decode()
    assert "2 problems in 2 rows" in page
    assert (
        "Row 3, column 'Owner': </span>nobody with the email x@y.test is a member of Acme." in page
    )
    assert "A name is required." in page
    assert re.search(r'<button class="btn btn-primary" type="submit" disabled', page)
    # A POST anyway imports nothing and says why.
    response = client.post(preview_url)
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode()
    assert names(world.acme) == []
    # All the errors as a CSV file.
    response = client.get(reverse("register_import:errors", args=["acme", token_of(preview_url)]))
    assert response["Content-Type"].startswith("text/csv")
    assert "x@y.test" in response.content.decode("utf-8-sig")


def test_the_mapping_needs_the_required_fields_once_each(world, client):
    client.force_login(world.alice)
    mapping_url = start(client)
    response = client.post(mapping_url, mapping_post([], ["name", "", "operator_role", "name", ""]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the column for Intended purpose: it is required." in page
    # The repeated field is flagged next to its select.
    assert re.search(r'id="id_col_3_error"[^>]*>.*?Name is already fed by the column', page, re.S)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.7 binary stuff", "This file is not a CSV or XLSX spreadsheet."),
        ("empty.csv", b"", "The file is empty."),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "This file is not a CSV or XLSX spreadsheet."),
        ("headers.csv", b"Name,Purpose\n", "heading row but no rows of data"),
        ("notes.md", b"# Hello\nworld\n", "is not a CSV or XLSX spreadsheet"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97"),
        ("latin1.csv", "Name,Purpose\nCaf\xe9,p\n".encode("latin-1"), None),  # read as cp1252
        ("random.csv", bytes(range(256)) * 40, "This file is not a CSV or XLSX spreadsheet."),
        ("fake.xlsx", b"PK\x03\x04" + b"\x00" * 200, "damaged"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_next_to_the_field(
    world, client, name, content, message
):
    client.force_login(world.alice)
    response = client.post(upload_url(), {"file": SimpleUploadedFile(name, content)})
    if message is None:
        assert response.status_code == 302
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'<div class="field-error" id="id_file_error" role="alert">.*?' + re.escape(message),
        page,
        re.S,
    )


def test_a_file_that_is_too_large_is_refused(world, client):
    client.force_login(world.alice)
    big = b"Name,Purpose\n" + b"x" * (5 * 1024 * 1024)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("big.csv", big)})
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()
    with scopes_disabled():
        assert not PendingImport.objects.exists()


def test_no_file_at_all_is_a_field_error(world, client):
    client.force_login(world.alice)
    response = client.post(upload_url(), {})
    assert "Choose a CSV or Excel file to upload." in response.content.decode()


@pytest.mark.parametrize("role", [Role.BOARD, Role.AUDITOR, Role.CONTRIBUTOR])
def test_members_who_cannot_edit_the_register_get_403(world, client, member_of, role):
    membership = member_of(world.acme, role)
    # Someone who may import starts one; the others may not even look at it.
    client.force_login(world.alice)
    token = token_of(start(client))
    client.force_login(membership.user)
    for url in (
        upload_url(),
        reverse("register_import:modelcard", args=["acme"]),
        reverse("register_import:mapping", args=["acme", token]),
        reverse("register_import:preview", args=["acme", token]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url


def test_another_users_import_token_is_a_404(world, client, member_of):
    client.force_login(world.alice)
    token = token_of(start(client))
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER).user
    client.force_login(officer)
    for name in ("mapping", "preview", "errors"):
        url = reverse(f"register_import:{name}", args=["acme", token])
        assert client.get(url).status_code == 404
    assert client.post(reverse("register_import:preview", args=["acme", token])).status_code == 404
    assert names(world.acme) == []


def test_a_made_up_token_is_a_404(world, client):
    client.force_login(world.alice)
    for token in ("nope", "..%2F..%2Fetc", "A" * 43):
        assert client.get(f"/o/acme/register/import/{token}/map/").status_code == 404


# --------------------------------------------------------------------------------------------
# Model cards
# --------------------------------------------------------------------------------------------

CARD = """---
license: apache-2.0
pipeline_tag: text-classification
language: [en, de]
---
# Sentiment-Bert

## Uses
Classify the sentiment of product reviews.

## Limitations
Only English and German.
"""


def modelcard_url(org="acme"):
    return reverse("register_import:modelcard", kwargs={"org_slug": org})


def test_a_model_card_is_previewed_then_created(world, client):
    with scopes_disabled():
        vendor = services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": "HuggingFace"}
        )
    client.force_login(world.alice)
    assert client.get(modelcard_url()).status_code == 200
    response = client.post(
        modelcard_url(),
        {
            "step": "preview",
            "file": SimpleUploadedFile("README.md", CARD.encode()),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sentiment-Bert" in page and "Apache-2.0" in page and "Classification" in page
    assert "Create model" in page
    with scopes_disabled():
        assert not AIModel.objects.exists()
    response = client.post(
        modelcard_url(),
        {
            "step": "create",
            "card": CARD,
            "filename": "README.md",
            "name": "Sentiment-Bert",
            "version": "1.0",
            "vendor": str(vendor.uuid),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        model = AIModel.objects.get(organization=world.acme)
    assert (model.name, model.version, model.vendor, model.source) == (
        "Sentiment-Bert",
        "1.0",
        vendor,
        AIModel.Source.MODEL_CARD,
    )
    assert model.languages == ["en", "de"] and "product reviews" in model.intended_use


def test_a_pasted_card_without_front_matter_imports_with_warnings(world, client):
    client.force_login(world.alice)
    response = client.post(modelcard_url(), {"step": "preview", "text": "# My model\n\nHello."})
    page = response.content.decode()
    assert "no YAML front matter" in page and "My model" in page


def test_a_duplicate_model_is_an_error_next_to_the_name(world, client):
    with scopes_disabled():
        services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Sentiment-Bert", "version": ""},
        )
    client.force_login(world.alice)
    response = client.post(modelcard_url(), {"step": "preview", "text": CARD})
    page = response.content.decode()
    assert re.search(r'id="id_name_error".*?is in the register already', page, re.S)
    response = client.post(
        modelcard_url(),
        {
            "step": "create",
            "card": CARD,
            "name": "Sentiment-Bert",
            "version": "",
            "filename": "README.md",
        },
    )
    assert response.status_code == 400
    assert "is in the register already" in response.content.decode()
    response = client.post(
        modelcard_url(),
        {
            "step": "create",
            "card": CARD,
            "name": "Sentiment-Bert",
            "version": "2",
            "filename": "README.md",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "file", "Choose a model card file"),
        ({"file": SimpleUploadedFile("x.bin", b"\x00\x01\x02" * 100)}, "file", "binary data"),
        (
            {"file": SimpleUploadedFile("big.md", b"a" * (1024 * 1024 + 1))},
            "file",
            "the limit is 1 MB",
        ),
        ({"text": '{"not": "a card"}'}, "text", "not a Model Card Toolkit model card"),
        ({"text": "   "}, "file", "Choose a model card file"),
    ],
)
def test_a_bad_card_is_refused_next_to_the_field(world, client, data, field, message):
    client.force_login(world.alice)
    response = client.post(modelcard_url(), {"step": "preview", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf'id="id_{field}_error".*?{re.escape(message)}', page, re.S), page[-3000:]


def test_a_vendor_of_another_organization_cannot_be_linked(world, client):
    with scopes_disabled():
        foreign = services.create_vendor(
            organization=world.globex, acting=world.charlie_membership, data={"name": "Globex AI"}
        )
    client.force_login(world.alice)
    response = client.post(
        modelcard_url(),
        {"step": "create", "card": CARD, "name": "M", "version": "", "vendor": str(foreign.uuid)},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert (
            not AIModel.objects.exists()
            and Vendor.objects.filter(organization=world.acme).count() == 0
        )
