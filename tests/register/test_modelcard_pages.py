"""The model card page with several cards: a ZIP or several files, per-card preview and result."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import services
from governance.register.models import AIModel

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "modelcards"
HF = CARDS / "huggingface"


def url(org="acme"):
    return reverse("register_import:modelcard", kwargs={"org_slug": org})


def make_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def sample_zip() -> bytes:
    return make_zip({
        "cards/": b"",
        "cards/acme/sentiment/README.md": (HF / "fixtures/sample_simple.md").read_bytes(),
        "cards/acme/sentiment-v2/README.md": (HF / "fixtures/sample_simple_model_index.md")
        .read_bytes(),
        "cards/census/model_card.json": (CARDS / "model-card-toolkit/full.json").read_bytes(),
        "cards/acme/broken/README.md": (HF / "LICENSE").read_bytes(),
        "cards/datasets/imdb/README.md": (HF / "fixtures/sample_datasetcard_simple.md")
        .read_bytes(),
        "cards/acme/weights.bin": b"\x00" * 10,
        "__MACOSX/cards/._README.md": b"junk",
        "cards/.DS_Store": b"junk",
    })  # fmt: skip


def preview(client, data: bytes, name="cards.zip", **extra):
    return client.post(url(), {"step": "preview", "file": SimpleUploadedFile(name, data), **extra})


def token_of(response) -> str:
    return re.search(r'name="batch" value="([^"]+)"', response.content.decode()).group(1)


def test_a_zip_of_cards_is_previewed_card_by_card_then_the_new_ones_imported(world, client):
    with scopes_disabled():
        services.create_model(
            organization=world.acme, acting=world.alice_membership,
            data={"name": "sentiment-v2"}, source_ref="acme/sentiment-v2",
        )  # fmt: skip
    client.force_login(world.alice)
    response = preview(client, sample_zip())
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('badge badge-info">New') == 2
    assert "Already in the register" in page and "acme/sentiment-v2" in page
    assert "looks like a licence text" in page
    assert "dataset card, not a model card" in page
    assert "weights.bin" in page  # listed as ignored
    assert "__MACOSX" not in page and ".DS_Store" not in page
    with scopes_disabled():
        assert AIModel.objects.filter(organization=world.acme).count() == 1

    response = client.post(url(), {"step": "import-batch", "batch": token_of(response)})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('badge badge-success">Imported') == 2
    assert page.count('badge badge-danger">Error') == 2
    with scopes_disabled():
        sentiment = AIModel.objects.get(organization=world.acme, source_ref="acme/sentiment")
        census = AIModel.objects.get(organization=world.acme, name="name")
        events = AuditEvent.objects.filter(organization=world.acme, action="model.created")
        assert events.count() == 3  # the one made above and the two imported
    assert sentiment.source_file == "cards/acme/sentiment/README.md"
    assert sentiment.source == AIModel.Source.MODEL_CARD
    assert census.source_file == "cards/census/model_card.json"
    assert census.source_ref == ""  # a toolkit card's folder is no Hugging Face id


def test_several_files_are_read_as_a_batch(world, client):
    client.force_login(world.alice)
    files = [
        SimpleUploadedFile("acme__a.md", b"---\nlicense: mit\n---\n# A\n"),
        SimpleUploadedFile("acme__b.md", b"---\nlicense: mit\n---\n# B\n"),
        SimpleUploadedFile("LICENSE.md", (HF / "LICENSE").read_bytes()),
    ]
    response = client.post(url(), {"step": "preview", "file": files})
    page = response.content.decode()
    assert page.count('badge badge-info">New') == 2 and "looks like a licence text" in page
    client.post(url(), {"step": "import-batch", "batch": token_of(response)})
    with scopes_disabled():
        refs = set(AIModel.objects.filter(organization=world.acme).values_list("source_ref"))
    assert refs == {("acme/a",), ("acme/b",)}


def test_the_same_model_twice_in_one_upload_is_imported_once(world, client):
    client.force_login(world.alice)
    card = b"---\nmodel_name: acme/twin\n---\n# Twin\n"
    response = preview(client, make_zip({"a/README.md": card, "b/README.md": card}))
    assert "earlier in this upload" in response.content.decode()
    client.post(url(), {"step": "import-batch", "batch": token_of(response)})
    with scopes_disabled():
        assert AIModel.objects.filter(organization=world.acme).count() == 1


def test_all_or_nothing_imports_nothing_when_a_card_is_in_error(world, client):
    client.force_login(world.alice)
    response = preview(client, sample_zip(), all_or_nothing="1")
    page = response.content.decode()
    assert "Nothing can be imported" in page and 'name="batch"' not in page


def test_all_or_nothing_imports_every_card_when_all_are_new(world, client):
    client.force_login(world.alice)
    data = make_zip({"x/a/README.md": b"# a\n\n## Uses\n\nx\n", "x/b/README.md": b"# b\n"})
    response = preview(client, data, all_or_nothing="1")
    response = client.post(url(), {"step": "import-batch", "batch": token_of(response)})
    assert response.content.decode().count("Imported</span>") == 2


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(world, client):
    client.force_login(world.alice)
    bomb = make_zip({"README.md": b"# m\n" + b" " * (5 * 1024 * 1024)})
    response = preview(client, bomb)
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="id_file_error".*?possible ZIP bomb', page, re.S)


def test_a_zip_that_unpacks_to_too_much_is_refused(world, client):
    client.force_login(world.alice)
    members = {f"m{i}/README.md": bytes(range(256)) * 3000 for i in range(30)}  # 23 MB
    response = preview(client, make_zip(members))
    assert response.status_code == 400
    assert "the limit for one import is 16 MB" in response.content.decode()


def test_more_than_two_hundred_cards_are_refused(world, client):
    client.force_login(world.alice)
    data = make_zip({f"m{i}/README.md": b"# m\n" for i in range(201)})
    response = preview(client, data)
    assert response.status_code == 400
    assert "batches of 200 or fewer" in response.content.decode()


def test_a_broken_zip_is_refused_with_a_message(world, client):
    client.force_login(world.alice)
    response = preview(client, b"PK\x03\x04" + b"garbage" * 10)
    assert response.status_code == 400
    assert "ZIP file cards.zip is damaged" in response.content.decode()


def test_a_tampered_or_foreign_batch_is_refused(world, client):
    client.force_login(world.alice)
    token = token_of(preview(client, sample_zip()))
    response = client.post(url(), {"step": "import-batch", "batch": token[:-3] + "abc"})
    assert response.status_code == 302
    client.force_login(world.charlie)
    response = client.post(url("globex"), {"step": "import-batch", "batch": token})
    assert response.status_code == 302
    with scopes_disabled():
        assert not AIModel.objects.exists()


def test_a_read_only_member_cannot_import_cards(world, client):
    client.force_login(world.bob)
    response = preview(client, sample_zip())
    assert response.status_code in (403, 404)
    with scopes_disabled():
        assert not AIModel.objects.exists()


def test_a_single_card_keeps_its_hugging_face_id_and_file(world, client):
    client.force_login(world.alice)
    card = (HF / "fixtures/sample_no_metadata.md").read_text()
    response = client.post(
        url(), {"step": "preview", "file": SimpleUploadedFile("README.md", card.encode()),
                "source_ref": "https://huggingface.co/acme/cool"},
    )  # fmt: skip
    page = response.content.decode()
    assert 'value="acme/cool"' in page
    response = client.post(
        url(), {"step": "create", "card": card, "filename": "README.md", "name": "cool",
                "version": "", "source_ref": "acme/cool"},
    )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        model = AIModel.objects.get(organization=world.acme)
    assert (model.source_ref, model.source_file) == ("acme/cool", "README.md")
    detail = client.get(response["Location"]).content.decode()
    assert "acme/cool" in detail


def test_a_bad_source_is_an_error_next_to_its_field(world, client):
    client.force_login(world.alice)
    response = client.post(url(), {"step": "preview", "text": "# m\n", "source_ref": "not an id"})
    assert response.status_code == 400
    assert re.search(r'id="id_source_ref_error".*?Hugging Face id', response.content.decode(), re.S)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ((HF / "LICENSE").read_text(), "looks like a licence text"),
        ((HF / "fixtures/sample_datasetcard_simple.md").read_text(), "dataset card"),
    ],
)
def test_a_single_file_that_is_not_a_model_card_is_refused(world, client, text, message):
    client.force_login(world.alice)
    response = client.post(url(), {"step": "preview", "text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
