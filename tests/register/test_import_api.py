"""The import API: spreadsheets of AI systems, and model cards."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import services
from governance.register.models import AIModel, AISystem, Vendor
from governance.tenancy.roles import Role

# Real public cards, kept in the repository with their licences (tests/fixtures/modelcards/).
CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "modelcards"
HF_FIXTURES = CARDS / "huggingface" / "fixtures"
MCT_CARDS = CARDS / "model-card-toolkit"


def systems_url(org="acme"):
    return reverse("api:import-systems", kwargs={"org_slug": org})


def card_url(org="acme"):
    return reverse("api:import-model-card", kwargs={"org_slug": org})


def csv_upload(text: str, name="register.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def api(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


# A new system needs an operator role and a lifecycle stage: these files leave some out, so
# the requests choose defaults (tests/register/test_import_values.py covers going without).
ROLE_AND_STAGE = {
    "defaults": json.dumps({"operator_role": "deployer", "lifecycle_stage": "planned"})
}


def system_names(org):
    with scopes_disabled():
        return sorted(
            AISystem.objects.filter(organization=org).values_list("name", flat=True),
            key=str.casefold,
        )


GOOD = "System Name,Purpose,Our role,Supplier\nScorer,Score loans,provider,Acme AI\nBot,Chat,,\n"


def test_a_dry_run_previews_and_writes_nothing(api, world):
    response = api.post(
        systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(GOOD), "dry_run": "true"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["valid"] is True
    assert body["rows"] == 2 and body["systems_to_create"] == 2
    assert body["new_vendors"] == ["Acme AI"]
    assert body["mapping"] == {
        "System Name": "name",
        "Purpose": "intended_purpose",
        "Our role": "operator_role",
        "Supplier": "vendor",
    }
    assert body["sample"][0] == {
        "row": 2,
        "name": "Scorer",
        "intended_purpose": "Score loans",
        "operator_role": "Provider",
        "vendor": "Acme AI (new)",
        "lifecycle_stage": "Planned",  # the default the request chose
    }
    assert body["defaults_applied"] == [
        {"field": "operator_role", "label": "Operator role", "rows": 1, "value": "Deployer"},
        {"field": "lifecycle_stage", "label": "Lifecycle stage", "rows": 2, "value": "Planned"},
    ]
    assert body["errors"] == []
    assert system_names(world.acme) == []


def test_an_import_answers_201_with_the_new_systems(api, world):
    response = api.post(systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(GOOD)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 2 and body["new_vendors"] == ["Acme AI"]
    assert [(s["row"], s["name"]) for s in body["systems"]] == [(2, "Scorer"), (3, "Bot")]
    with scopes_disabled():
        scorer = AISystem.objects.get(uuid=body["systems"][0]["uuid"])
        assert scorer.organization == world.acme and scorer.vendor.name == "Acme AI"
        event = AuditEvent.objects.get(organization=world.acme, action="register.imported")
        assert event.via == "api" and event.changes["systems"] == 2


def test_row_errors_are_a_400_listing_every_row_and_nothing_is_written(api, world):
    text = "Name,Purpose,Owner,Go live\nA,p,alice@acme.test,2024-01-01\nB,p,x@y.test,soon\n,p,,\n"
    for dry_run in (False, True):
        response = api.post(
            systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(text), "dry_run": dry_run}
        )
        body = response.json()
        rows = body["errors"] if dry_run else body["error"]["fields"]["rows"]
        assert rows == [
            {
                "row": 3,
                "column": "Owner",
                "field": "business_owner",
                "message": "nobody with the email x@y.test is a member of Acme.",
            },
            {
                "row": 3,
                "column": "Go live",
                "field": "put_into_service_on",
                "message": "'soon' is not a date. Write dates as YYYY-MM-DD (e.g. 2024-03-31) or "
                "DD/MM/YYYY.",
            },
            {"row": 4, "column": "Name", "field": "name", "message": "A name is required."},
        ]
        if dry_run:
            assert response.status_code == 200 and body["valid"] is False
        else:
            assert response.status_code == 400
            assert body["error"]["code"] == "invalid"
            assert body["error"]["message"] == "2 rows have errors; nothing was imported."
    assert system_names(world.acme) == []
    with scopes_disabled():
        assert not Vendor.objects.exists()


def test_an_explicit_mapping_is_the_whole_mapping(api, world):
    text = "Col A,Col B,Col C\nScorer,Score loans,ignored\n"
    mapping = json.dumps({"Col A": "name", "Col B": "intended_purpose", "Col C": None})
    response = api.post(
        systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(text), "mapping": mapping}
    )
    assert response.status_code == 201
    assert system_names(world.acme) == ["Scorer"]


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"Col A": "name"}, "Choose the column for Intended purpose: it is required."),
        (
            {"Col A": "name", "Col B": "name"},
            "Col B: Name is already fed by the column 'Col A'. Map a field only once.",
        ),
        (
            {"Col A": "name", "Col B": "intended_purpose", "Nope": "tags"},
            "Nope: The file has no column 'Nope'.",
        ),
        (
            {"Col A": "name", "Col B": "intended_purpose", "Col C": "colour"},
            "Col C: 'colour' is not a field that can be imported.",
        ),
        (["name"], "The mapping must be an object of column heading → field."),
    ],
)
def test_a_bad_mapping_is_a_400_on_mapping(api, world, mapping, expected):
    text = "Col A,Col B,Col C\nScorer,Score loans,x\n"
    response = api.post(
        systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(text), "mapping": json.dumps(mapping)}
    )
    assert response.status_code == 400
    assert expected in response.json()["error"]["fields"]["mapping"]


def test_mapping_that_is_not_json_is_a_400(api):
    response = api.post(
        systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(GOOD), "mapping": "{not json"}
    )
    assert response.status_code == 400
    assert "mapping" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"%PDF-1.4 \x00\x01", "This file is not a CSV or XLSX spreadsheet."),
        (bytes(range(256)) * 10, "This file is not a CSV or XLSX spreadsheet."),
        (b"Name,Purpose\n" + b"x" * (5 * 1024 * 1024), "the limit is 5 MB"),
        (b"PK\x03\x04garbage", "damaged"),
    ],
)
def test_garbage_files_are_a_400_on_file(api, content, message):
    response = api.post(
        systems_url(), {**ROLE_AND_STAGE, "file": SimpleUploadedFile("x.csv", content)}
    )
    assert response.status_code == 400
    assert any(message in m for m in response.json()["error"]["fields"]["file"])


def test_a_header_only_file_imports_nothing(api, world):
    response = api.post(
        systems_url(), {**ROLE_AND_STAGE, "file": csv_upload("Name,Intended purpose\n")}
    )
    assert response.status_code == 400
    [error] = response.json()["error"]["fields"]["rows"]
    assert error["row"] is None and "no rows" in error["message"]


def test_formula_cells_are_imported_as_text(api, world):
    text = "Name,Purpose\n\"=cmd|'/c calc'!A1\",@SUM(1)\n"
    assert api.post(systems_url(), {**ROLE_AND_STAGE, "file": csv_upload(text)}).status_code == 201
    assert system_names(world.acme) == ["=cmd|'/c calc'!A1"]


def test_no_file_is_a_400(api):
    response = api.post(
        systems_url(),
        {
            **ROLE_AND_STAGE,
        },
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_a_read_only_token_gets_403(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    for url in (systems_url(), card_url()):
        response = client.post(
            url, {"file": csv_upload(GOOD)}, HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "This API token is read-only."
    assert system_names(world.acme) == []


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.BOARD, Role.CONTRIBUTOR])
def test_roles_that_cannot_edit_the_register_get_403(client, world, member_of, role):
    client.force_login(member_of(world.acme, role).user)
    assert client.post(systems_url(), {"file": csv_upload(GOOD)}).status_code == 403
    assert (
        client.post(card_url(), {"text": "# x"}, content_type="application/json").status_code == 403
    )


def test_another_organization_is_a_404(client, world, api_token):
    _token, secret = api_token(world.globex, world.charlie_membership)
    for url in (systems_url("acme"), card_url("acme")):
        response = client.post(
            url, {"file": csv_upload(GOOD)}, HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    client.force_login(world.charlie)
    assert client.post(systems_url("acme"), {"file": csv_upload(GOOD)}).status_code == 404
    assert system_names(world.acme) == []


def test_the_schema_documents_the_import_endpoints(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("api:schema"), {"format": "json"})
    schema = json.loads(response.content)
    post = schema["paths"]["/api/v1/o/{org_slug}/imports/systems/"]["post"]
    assert post["tags"] == ["register import"]
    assert {"200", "201", "400"} <= set(post["responses"])
    assert "/api/v1/o/{org_slug}/imports/model-card/" in schema["paths"]


# --------------------------------------------------------------------------------------------
# Model cards
# --------------------------------------------------------------------------------------------


def post_card(api, text, **extra):
    return api.post(card_url(), {"text": text, **extra}, content_type="application/json")


@pytest.mark.parametrize(
    "name",
    # Dataset cards are refused (tests/register/test_modelcard_api.py).
    sorted(p.name for p in HF_FIXTURES.glob("*.md") if p.name != "sample_datasetcard_simple.md"),
)
def test_the_real_hugging_face_samples_import(api, world, name):
    path = HF_FIXTURES / name
    response = api.post(card_url(), {"file": SimpleUploadedFile(name, path.read_bytes())})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["model"]["name"] and body["model"]["source"] == "model_card"
    assert isinstance(body["warnings"], list) and isinstance(body["unmapped"], dict)
    with scopes_disabled():
        model = AIModel.objects.get(uuid=body["model"]["uuid"])
    assert model.organization == world.acme


def test_a_simple_card_maps_its_fields(api):
    text = (HF_FIXTURES / "sample_simple_model_index.md").read_text()
    body = post_card(api, text, filename="README.md").json()
    model = body["model"]
    assert (model["name"], model["licence"], model["model_type"], model["is_open_source"]) == (
        "my-cool-model",
        "MIT",
        "classification",
        True,
    )
    assert model["languages"] == ["en"] and len(model["evaluations"]) == 2
    assert body["unmapped"]["tags"] == ["pytorch", "image-classification"]


def test_a_card_without_front_matter_imports_with_a_warning(api):
    body = post_card(api, (HF_FIXTURES / "sample_no_metadata.md").read_text()).json()
    assert body["model"]["name"] == "MyCoolModel"
    assert any("no YAML front matter" in w for w in body["warnings"])


def test_model_card_toolkit_json_imports(api):
    path = MCT_CARDS / "cats_vs_dogs_v0_0_2.json"
    response = api.post(card_url(), {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 201
    model = response.json()["model"]
    assert model["version"] == "v1.0" and model["licence"] == "Apache-2.0"
    assert model["provider"] == "Model Cards Team"


def test_a_model_card_dry_run_writes_nothing(api, world):
    response = post_card(api, "---\nlicense: mit\n---\n# tiny\n", dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] and body["valid"] and body["fields"]["name"] == "tiny"
    assert body["fields"]["licence"] == "MIT" and body["errors"] == {}
    with scopes_disabled():
        assert not AIModel.objects.exists()


def test_a_duplicate_model_card_is_a_400_on_name(api, world):
    assert post_card(api, "# tiny\n").status_code == 201
    response = post_card(api, "# tiny\n")
    assert response.status_code == 400
    assert "is in the register already" in response.json()["error"]["fields"]["name"][0]
    assert post_card(api, "# tiny\n", dry_run=True).json()["valid"] is False
    # Another version is another model.
    assert post_card(api, "# tiny\n", version="2").status_code == 201


def test_a_model_card_can_name_one_of_the_organizations_vendors(api, world):
    with scopes_disabled():
        ours = services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": "Ours"}
        )
        theirs = services.create_vendor(
            organization=world.globex, acting=world.charlie_membership, data={"name": "Theirs"}
        )
    response = post_card(api, "# a\n", vendor=str(theirs.uuid))
    assert response.status_code == 400 and "vendor" in response.json()["error"]["fields"]
    response = post_card(api, "# a\n", vendor=str(ours.uuid))
    assert response.status_code == 201 and response.json()["model"]["vendor"] == str(ours.uuid)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({}, "file"),
        ({"text": '{"broken": '}, "text"),
        ({"text": "\x00\x01\x02" * 50}, "text"),
        ({"text": "# x", "vendor": "not-a-uuid"}, "vendor"),
        ({"text": "x" * (1024 * 1024 + 10)}, "text"),
    ],
)
def test_bad_model_card_requests_are_400_with_field_names(api, payload, field):
    response = api.post(card_url(), payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_binary_model_card_file_is_a_400_on_file(api):
    upload = SimpleUploadedFile("model.bin", bytes(range(256)) * 20)
    response = api.post(card_url(), {"file": upload})
    assert response.status_code == 400
    assert "binary" in response.json()["error"]["fields"]["file"][0]


def test_a_model_card_in_windows_1252_is_read(api):
    card = "---\nlicense: mit\n---\n# Café model\n".encode("cp1252")
    response = api.post(card_url(), {"file": SimpleUploadedFile("README.md", card)})
    assert response.status_code == 201
    assert response.json()["model"]["name"] == "Café model"
    assert any("Windows-1252" in w for w in response.json()["warnings"])
