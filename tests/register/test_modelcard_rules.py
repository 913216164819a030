"""The model card fixes of issue 11: names and sources, section rule, code, MCT v0.0.1, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from governance.register.modelcards import ModelCardError, parse_model_card
from governance.register.modelcards.provenance import clean_source_ref, repo_id_from_path

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "modelcards"
SHARED = Path("/work/shared/data/modelcards")

TRAINER_CARD = """\
---
license: apache-2.0
tags:
- generated_from_trainer
---

# distilbert-imdb

This model is a fine-tuned version of distilbert-base-uncased on the imdb dataset.

## Intended uses & limitations

Classify the sentiment of English film reviews. Here is how to use it:

```python
from transformers import pipeline
classifier = pipeline("text-classification", model="acme/distilbert-imdb")
```

Or, indented:

    >>> classifier("I loved it")
    [{'label': 'POSITIVE'}]

- A list item

    continued in the list.

## Training and evaluation data

The imdb reviews.
"""


def test_a_readme_without_a_name_is_named_after_its_hugging_face_id_from_the_path():
    result = parse_model_card(
        "---\nlicense: mit\n---\n\nSome text.\n", filename="acme/m1/README.md"
    )

    assert result.fields["name"] == "m1"
    assert result.fields["provider"] == "acme"
    assert result.source_ref == "acme/m1"
    assert result.source_file == "acme/m1/README.md"


def test_a_readme_with_no_name_and_no_id_is_not_named_readme():
    result = parse_model_card("---\nlicense: mit\n---\n\nSome text.\n", filename="README.md")

    assert result.fields["name"] == ""
    assert result.source_ref == ""
    assert any("give the model a name" in w for w in result.warnings)


def test_the_hugging_face_id_in_the_front_matter_is_the_source_and_names_the_model():
    result = parse_model_card("---\nmodel_name: acme/support-bot\n---\n# Support bot\n")

    assert result.source_ref == "acme/support-bot"
    assert (result.fields["name"], result.fields["provider"]) == ("support-bot", "acme")


def test_the_model_index_name_comes_before_the_title():
    text = "---\nmodel-index:\n- name: wav2vec-nl\n  results: []\n---\n# Dutch speech model\n"
    result = parse_model_card(text, filename="README.md")

    assert result.fields["name"] == "wav2vec-nl"


def test_the_base_name_of_a_known_id_comes_before_the_title():
    text = "---\nlicense: apache-2.0\n---\n# BERT base model (uncased)\n"
    result = parse_model_card(
        text, filename="README.md", source_ref="google-bert/bert-base-uncased"
    )

    assert result.fields["name"] == "bert-base-uncased"
    assert result.fields["provider"] == "google-bert"
    assert result.source_ref == "google-bert/bert-base-uncased"


def test_a_stated_source_wins_over_the_path_and_a_hub_url_becomes_an_id():
    result = parse_model_card(
        "# m\n\n## Uses\n\nx\n",
        filename="other/thing/README.md",
        source_ref="https://huggingface.co/acme/real-one/tree/main",
    )
    assert result.source_ref == "acme/real-one"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("acme/m1/README.md", "acme/m1"),
        ("cards/acme/m1/README.md", "acme/m1"),
        ("bert-base-uncased/README.md", "bert-base-uncased"),
        ("acme--m1/README.md", "acme/m1"),
        ("models--acme--m1/snapshots/0a1b2c/README.md", "acme/m1"),
        ("acme__m1.md", "acme/m1"),
        ("README.md", ""),
        ("acme/m1/notes.md", ""),  # a file named after itself: the folders name something else
        ("census/model_card.json", ""),  # a toolkit card's folder is not a Hub repository
        ("../../etc/README.md", "etc"),
        ("a b/c/README.md", ""),
    ],
)
def test_it_reads_the_hugging_face_id_from_a_path(path, expected):
    assert repo_id_from_path(path) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("acme/m1", "acme/m1"),
        ("https://hf.co/acme/m1", "acme/m1"),
        ("https://example.com/models/m1", "https://example.com/models/m1"),
        ("not an id", ""),
        ("", ""),
    ],
)
def test_it_cleans_a_stated_source(value, expected):
    assert clean_source_ref(value) == expected


def test_a_combined_intended_uses_and_limitations_section_goes_to_intended_use_only():
    fields = parse_model_card(TRAINER_CARD).fields

    assert fields["intended_use"].startswith("Classify the sentiment of English film reviews.")
    assert fields["limitations"] == ""
    assert fields["training_data"] == "The imdb reviews."


def test_code_blocks_never_reach_a_text_field():
    fields = parse_model_card(TRAINER_CARD).fields

    for key in ("intended_use", "limitations", "training_data"):
        assert "pipeline" not in fields[key]
        assert ">>>" not in fields[key]
        assert "```" not in fields[key]
    assert "continued in the list." in fields["intended_use"]  # a list's paragraph is not code


def test_a_combined_section_with_sub_headings_splits_by_them():
    body = (
        "# m\n\n## Intended uses & limitations\n\nIntro.\n\n### Intended uses\n\nSorting.\n\n"
        "### Limitations\n\nNot for faces.\n"
    )
    fields = parse_model_card(body).fields

    assert "Sorting." in fields["intended_use"] and "Intro." in fields["intended_use"]
    assert "Not for faces." not in fields["intended_use"]
    assert fields["limitations"] == "Not for faces."


def test_a_heading_feeds_one_field_only():
    body = "# m\n\n## Training data limitations\n\nOld photos only.\n"
    fields = parse_model_card(body).fields

    assert fields["limitations"] == "Old photos only."
    assert fields["training_data"] == ""


MCT_V001 = {
    "schema_version": "0.0.1",
    "model_details": {
        "name": "Census income classifier",
        "owners": [{"name": "Model Cards Team", "contact": "mc@example.com"}],
        "version": {"name": "0.1", "date": "2020-01-01"},
        "licenses": ["Apache-2.0"],
        "references": ["https://example.com/paper"],
    },
    "model_parameters": {
        "model_architecture": "Wide and deep",
        "data": {
            "train": {"name": "UCI Census (train split)", "link": "https://archive.ics.uci.edu"},
            "eval": {"name": "UCI Census (test split)"},
        },
    },
    "considerations": {
        "users": ["Data scientists"],
        "use_cases": ["Teaching fairness analysis"],
        "limitations": ["Old data (1994)"],
    },
}


def test_it_reads_the_training_data_of_a_model_card_toolkit_v0_0_1_card():
    result = parse_model_card(json.dumps(MCT_V001), filename="census.json")

    fields = result.fields
    assert fields["training_data"] == (
        "- Training: UCI Census (train split) (https://archive.ics.uci.edu)\n"
        "- Evaluation: UCI Census (test split)"
    )
    assert fields["licence"] == "Apache-2.0"
    assert "Teaching fairness analysis" in fields["intended_use"]
    assert fields["limitations"] == "Old data (1994)"
    assert not any("expected a list" in w for w in result.warnings)


def test_it_reads_the_training_data_of_the_shared_v0_0_2_samples():
    cats = parse_model_card((CARDS / "model-card-toolkit/cats_vs_dogs_v0_0_2.json").read_bytes())
    full = parse_model_card((CARDS / "model-card-toolkit/full.json").read_bytes())

    assert "- Training Set" in cats.fields["training_data"]
    assert "Validation Set" in cats.fields["training_data"]
    assert full.fields["training_data"].startswith("- data name: description")


def test_a_card_with_one_dataset_object_instead_of_a_list_keeps_it():
    card = {"model_details": {"name": "m"}, "model_parameters": {"data": {"name": "Only set"}}}
    assert parse_model_card(json.dumps(card)).fields["training_data"] == "- Only set"


@pytest.mark.parametrize(
    "path", [CARDS / "huggingface/LICENSE", CARDS / "model-card-toolkit/LICENSE"]
)
def test_a_licence_text_is_refused_as_not_a_model_card(path):
    with pytest.raises(ModelCardError, match="looks like a licence text"):
        parse_model_card(path.read_bytes(), filename="LICENSE")


@pytest.mark.parametrize(
    "text",
    [
        "MIT License\n\nCopyright (c) 2024 ACME\n\nPermission is hereby granted, free of charge…\n",
        "# LLAMA 2 COMMUNITY LICENSE AGREEMENT\n\nLicensed Work means…\n",
    ],
)
def test_licence_texts_in_markdown_are_refused(text):
    with pytest.raises(ModelCardError, match="licence"):
        parse_model_card(text)


def test_arbitrary_text_is_refused():
    with pytest.raises(ModelCardError, match="does not look like a model card"):
        parse_model_card("Shopping list: eggs, milk, bread.\nCall Bob on Monday.\n")


def test_a_titled_text_without_sections_is_read_with_a_warning():
    result = parse_model_card("# MyCoolModel\n\nA model.\n")
    assert result.fields["name"] == "MyCoolModel"
    assert any("check that it describes a model" in w for w in result.warnings)


def test_a_model_card_that_mentions_its_licence_is_not_a_licence():
    text = (
        "# acme/m\n\n## Intended use\n\nSorting.\n\n## License\n\nPermission is hereby granted.\n"
    )
    assert parse_model_card(text).fields["intended_use"] == "Sorting."


def test_a_crafted_dataset_card_is_refused():
    text = "---\ntask_categories:\n- translation\nsize_categories:\n- 1K<n<10K\n---\n# Data\n"
    with pytest.raises(ModelCardError, match="dataset card"):
        parse_model_card(text)


@pytest.mark.parametrize("data", [b"", b"\n \n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20])
def test_empty_and_binary_files_are_refused(data):
    with pytest.raises(ModelCardError):
        parse_model_card(data)


@pytest.mark.skipif(not SHARED.exists(), reason="the shared samples are not on this machine")
def test_the_shared_samples_and_the_repository_copies_agree():
    for path in (SHARED / "model-card-toolkit").glob("*.json"):
        assert (CARDS / "model-card-toolkit" / path.name).read_bytes() == path.read_bytes()
