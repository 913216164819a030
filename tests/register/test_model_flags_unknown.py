"""A model's general-purpose and open-source flags: a card or form that does not say is not "no"."""

import pytest
from django_scopes import scopes_disabled

from compliance.documents.renderers.model_card import model_card_data
from governance.register import modelcard_imports
from tests.register.test_models_vendors import make_model, model_form, url
from tests.register.test_register_api import api  # noqa: F401 (fixture)

SILENT_CARD = """---
language: en
---
# acme/ranker

## Intended uses

Ranks loan applications for a human reviewer.

## Training data

Loan book 2015-2024.
"""


def test_a_card_that_does_not_say_leaves_both_flags_not_stated(world):
    with scopes_disabled():
        model, preview = modelcard_imports.import_model_card(
            organization=world.acme, acting=world.alice_membership, text=SILENT_CARD,
            filename="acme/ranker/README.md",
        )  # fmt: skip
    assert model.is_general_purpose is None and model.is_open_source is None
    with scopes_disabled():
        card = model_card_data(model)
    rows = {row["label"]: row for row in card["general"]}
    assert rows["Open source"]["missing"] and rows["General-purpose"]["missing"]
    assert {"Open source", "General-purpose"} <= set(card["missing"])


def test_a_stated_no_is_kept_as_no_and_is_not_missing(world):
    model = make_model(world, is_general_purpose=False, is_open_source=False)
    with scopes_disabled():
        rows = {row["label"]: row for row in model_card_data(model)["general"]}
    assert rows["General-purpose"]["value"] == "No" and not rows["General-purpose"]["missing"]


@pytest.mark.parametrize(("posted", "stored"), [("true", True), ("false", False), ("", None)])
def test_the_form_offers_yes_no_and_not_stated(world, client, posted, stored):
    from governance.register.models import AIModel

    client.force_login(world.alice)
    response = client.post(url("model-create"), model_form(is_general_purpose=posted))
    assert response.status_code == 302
    with scopes_disabled():
        assert AIModel.objects.get(name="Credit GBM").is_general_purpose is stored
    page = " ".join(client.get(response["Location"]).content.decode().split())
    shown = {True: "Yes", False: "No", None: '<span class="badge badge-warning">Not stated</span>'}[
        stored
    ]
    assert f"<dt>General-purpose</dt><dd>{shown} " in page


def test_the_api_reads_and_writes_null(world, api):  # noqa: F811
    model = make_model(world)
    body = api.get(f"/models/{model.uuid}/").json()
    assert body["is_general_purpose"] is None and body["is_open_source"] is None
    changed = api.patch(f"/models/{model.uuid}/", {"is_open_source": True})
    assert changed.status_code == 200 and changed.json()["is_open_source"] is True
    back = api.patch(f"/models/{model.uuid}/", {"is_open_source": None})
    assert back.status_code == 200 and back.json()["is_open_source"] is None
