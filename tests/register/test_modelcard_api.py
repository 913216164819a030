"""The model card API with several cards: ZIP or several files, per-card outcomes; sources."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register import services
from governance.register.models import AIModel

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "modelcards"
HF = CARDS / "huggingface"


def card_url(org="acme"):
    return reverse("api:import-model-card", kwargs={"org_slug": org})


@pytest.fixture
def api(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def cards_zip() -> bytes:
    return make_zip({
        "acme/sentiment/README.md": (HF / "fixtures/sample_simple.md").read_bytes(),
        "toolkit/cats_vs_dogs.json": (CARDS / "model-card-toolkit/cats_vs_dogs_v0_0_2.json")
        .read_bytes(),
        "acme/licence/README.md": (HF / "LICENSE").read_bytes(),
        "notes.bin": b"\x00",
    })  # fmt: skip


def by_file(body) -> dict:
    return {c["file"]: c for c in body["cards"]}


def test_a_zip_dry_run_answers_per_card_and_writes_nothing(api, world):
    response = api.post(
        card_url(), {"file": SimpleUploadedFile("cards.zip", cards_zip()), "dry_run": "true"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True
    assert body["counts"] == {"new": 2, "exists": 0, "error": 1, "created": 0, "skipped": 0}
    cards = by_file(body)
    assert cards["acme/sentiment/README.md"]["source_ref"] == "acme/sentiment"
    assert cards["acme/sentiment/README.md"]["name"] == "sentiment"
    assert "licence text" in cards["acme/licence/README.md"]["message"]
    assert body["skipped_files"] == ["notes.bin"]
    with scopes_disabled():
        assert not AIModel.objects.filter(organization=world.acme).exists()


def test_a_zip_imports_the_valid_cards_and_reports_the_others(api, world):
    response = api.post(card_url(), {"file": SimpleUploadedFile("cards.zip", cards_zip())})
    body = response.json()
    assert response.status_code == 200
    assert body["counts"]["created"] == 2 and body["counts"]["error"] == 1
    created = by_file(body)["acme/sentiment/README.md"]
    with scopes_disabled():
        model = AIModel.objects.get(uuid=created["model"])
    assert (model.source_ref, model.source_file) == ("acme/sentiment", "acme/sentiment/README.md")
    assert model.organization == world.acme

    again = api.post(card_url(), {"file": SimpleUploadedFile("cards.zip", cards_zip())}).json()
    assert again["counts"]["exists"] == 2 and again["counts"]["created"] == 0


def test_all_or_nothing_imports_nothing_when_one_card_fails(api, world):
    response = api.post(
        card_url(),
        {"file": SimpleUploadedFile("cards.zip", cards_zip()), "all_or_nothing": "true"},
    )
    body = response.json()
    assert body["counts"]["skipped"] == 2 and body["counts"]["created"] == 0
    with scopes_disabled():
        assert not AIModel.objects.filter(organization=world.acme).exists()


def test_several_files_are_imported_card_by_card(api, world):
    files = [
        SimpleUploadedFile("acme__one.md", b"---\nlicense: mit\n---\n# One\n"),
        SimpleUploadedFile("acme__two.md", b"---\nlicense: mit\n---\n# Two\n"),
        SimpleUploadedFile("data.md", (HF / "fixtures/sample_datasetcard_simple.md").read_bytes()),
    ]
    body = api.post(card_url(), {"files": files}).json()
    assert body["counts"]["created"] == 2
    assert "dataset card" in by_file(body)["data.md"]["message"]
    with scopes_disabled():
        names = set(AIModel.objects.filter(organization=world.acme).values_list("name", flat=True))
    assert names == {"one", "two"}


def test_a_zip_bomb_is_a_400_on_file(api, world):
    bomb = make_zip({"README.md": b"# m\n" + b"\n" * (8 * 1024 * 1024)})
    response = api.post(card_url(), {"file": SimpleUploadedFile("bomb.zip", bomb)})
    assert response.status_code == 400
    assert "possible ZIP bomb" in response.json()["error"]["fields"]["file"][0]


def test_one_card_options_are_refused_with_several_cards(api):
    response = api.post(
        card_url(), {"file": SimpleUploadedFile("cards.zip", cards_zip()), "name": "x"}
    )
    assert response.status_code == 400
    assert "one card only" in response.json()["error"]["fields"]["name"][0]


def test_a_single_card_keeps_the_stated_hugging_face_id(api, world):
    response = api.post(
        card_url(),
        {"text": "# Cool\n\n## Uses\n\nSorting.\n", "source_ref": "https://hf.co/acme/cool"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    model = response.json()["model"]
    assert (model["name"], model["source_ref"], model["provider"]) == ("cool", "acme/cool", "acme")


def test_a_duplicate_hugging_face_id_is_a_400_on_name(api, world):
    with scopes_disabled():
        services.create_model(
            organization=world.acme, acting=world.alice_membership,
            data={"name": "Other name"}, source_ref="acme/cool",
        )  # fmt: skip
    response = api.post(
        card_url(), {"text": "---\nmodel_name: acme/cool\n---\n"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "acme/cool" in response.json()["error"]["fields"]["name"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "# m\n", "source_ref": "not an id"}, "source_ref"),
        ({"text": (HF / "LICENSE").read_text()}, "text"),
        ({"text": (HF / "fixtures/sample_datasetcard_simple.md").read_text()}, "text"),
    ],
)
def test_bad_single_cards_are_400_naming_the_field(api, payload, field):
    response = api.post(card_url(), payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_another_organizations_token_cannot_import_into_acme(client, world, api_token):
    _token, secret = api_token(world.globex, world.charlie_membership)
    response = client.post(
        card_url("acme"),
        {"file": SimpleUploadedFile("cards.zip", cards_zip())},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (403, 404)
    with scopes_disabled():
        assert not AIModel.objects.exists()


def test_the_schema_documents_several_cards(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/o/{org_slug}/imports/model-card/"]["post"]
    multipart = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "files" in str(multipart) or "ModelCardRequest" in str(multipart)
    assert "200" in operation["responses"] and "201" in operation["responses"]
