"""Rendering: PDF/A with our fonts, extractable text, every required item, nothing fetched."""

import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from django_scopes import scopes_disabled
from pypdf import PdfReader

from compliance.documents import services
from compliance.documents.fetcher import RefusedResource, StaticOnlyFetcher
from compliance.documents.models import Document, DocumentStatus
from compliance.documents.pdf import html_to_pdf, render_html
from compliance.documents.renderers.model_card import huggingface_readme, model_card_toolkit
from compliance.documents.renderers.registration import registration_data
from governance.register import services as register_services
from tests.documents.conftest import HIGH_RISK_PROVIDER, pdf_text

MCT_SCHEMA = Path(__file__).parent / "model_card.schema.v0.0.2.json"

# Builds run when the request commits (on_commit), so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def _build(world, kind, **subject):
    with scopes_disabled():
        document = services.request_document(
            organization=world.acme, actor=world.alice, kind=kind, **subject
        )
        document.refresh_from_db()
    return document


def test_a_system_card_names_every_section_and_the_classification(world, make_system):
    system = make_system(screening=HIGH_RISK_PROVIDER, human_oversight="A recruiter reviews.")
    document = _build(world, "system_card", system=system)
    assert document.status == DocumentStatus.DONE, document.error
    content = document.file.read()
    text = pdf_text(content)
    for item in (
        "Identity",
        "Purpose and use",
        "Classification under the EU AI Act",
        "High-risk",
        "Annex III point 4(a)",
        "Rank job applicants.",
        "A recruiter reviews.",
        "Acme",
        str(document.uuid)[:8],
        "Page 1 of",
    ):
        assert item in text, item
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp  # PDF/A identification in the XMP metadata


def test_the_file_hash_and_size_are_those_of_the_stored_bytes(world, make_system):
    import hashlib

    document = _build(world, "system_card", system=make_system())
    content = document.file.read()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert len(document.data_version) == 16


def test_regenerating_makes_a_new_version_and_keeps_the_old(world, make_system):
    system = make_system()
    first = _build(world, "system_card", system=system)
    second = _build(world, "system_card", system=system)
    assert (first.number, second.number) == (1, 2)
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name)


def test_hostile_text_is_printed_as_text_and_nothing_is_fetched(world, make_system, monkeypatch):
    hostile = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://evil.test/x.css">'
    system = make_system(name="Evil <b>bold</b>", description=hostile + " url(http://evil.test/a)")
    seen = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    document = _build(world, "system_card", system=system)
    text = pdf_text(document.file.read())
    assert "file:///etc/passwd" in text and "Evil <b>bold</b>" in text
    assert seen and all(url.startswith("file://") and "/static/" in url for url in seen)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://cdn.test/font.woff2",
        "data:text/css,body{}",
        "file:///work/../etc/hosts",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(RefusedResource):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_template_asking_for_a_foreign_file_renders_without_it():
    fetcher = StaticOnlyFetcher()
    html = '<html><body><img src="file:///etc/passwd"><p>Still here</p></body></html>'
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert "Still here" in pdf_text(pdf)
    assert fetcher.refused == ["file:///etc/passwd"]


def test_the_print_stylesheet_and_fonts_come_from_static():
    fetcher = StaticOnlyFetcher()
    html = render_html("documents/pdf/base.html", {"doc_title": "T", "org_name": "O"})
    html_to_pdf(html, fetcher=fetcher)
    assert "print.css" in fetcher.served
    assert any(name.endswith(".woff2") for name in fetcher.served)
    assert fetcher.refused == []


def test_registration_data_takes_section_a_for_a_high_risk_provider(world, make_system):
    system = make_system(screening=HIGH_RISK_PROVIDER)
    with scopes_disabled():
        data = registration_data(system)
    assert [s["key"] for s in data["sections"]] == ["A"]
    assert "A: A.1 Provider name, address and contact" in data["missing"]
    document = _build(world, "registration_data", system=system)
    text = pdf_text(document.file.read())
    assert "Section A" in text and "Annex VIII A.5" in text and "Not stated" in text


def test_registration_data_takes_section_b_for_a_derogation(world, make_system):
    screening = {**HIGH_RISK_PROVIDER, "profiling": False, "art_6_3_conditions": ["a"]}
    system = make_system(screening=screening)
    with scopes_disabled():
        data = registration_data(system)
    assert [s["key"] for s in data["sections"]] == ["B"]
    labels = [r["label"] for r in data["sections"][0]["rows"]]
    assert not any(label.startswith(("B.7", "B.9")) for label in labels)  # deleted by 2026/1744


def test_registration_data_is_refused_where_no_registration_is_owed(world, make_system):
    from django.core.exceptions import ValidationError

    system = make_system(
        screening={
            "schema": "eu-ai-act-screening/1",
            "role": "provider",
            "is_ai_system": True,
            "eu_nexus": True,
        }
    )
    with pytest.raises(ValidationError) as excinfo, scopes_disabled():
        services.request_document(
            organization=world.acme, actor=world.alice, kind="registration_data", system=system
        )
    assert "owes no registration" in str(excinfo.value)
    with scopes_disabled():
        assert not Document.objects.exists()


def _model(world, **data):
    with scopes_disabled():
        return register_services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={
                "name": "acme/scorer",
                "version": "2",
                "licence": "apache-2.0",
                "intended_use": "Score loan applications.",
                "limitations": "Not for people under 18.",
                "training_data": "Ten years of loan files.",
                "evaluations": [
                    {"metric": "AUC", "value": 0.91, "dataset": "holdout", "task": "scoring"}
                ],
                **data,
            },
        )


def test_a_model_card_pdf_lists_use_training_and_evaluations(world):
    document = _build(world, "model_card", ai_model=_model(world))
    text = pdf_text(document.file.read())
    for item in (
        "Score loan applications.",
        "Not for people under 18.",
        "Ten years of loan files.",
        "AUC",
        "0.91",
        "apache-2.0",
    ):
        assert item in text, item


def test_the_huggingface_readme_has_front_matter_the_hub_accepts(world):
    with scopes_disabled():
        readme = huggingface_readme(_model(world))
    assert readme.startswith("---\n")
    front = yaml.safe_load(readme.split("---\n")[1])
    assert front["license"] == "apache-2.0"
    result = front["model-index"][0]["results"][0]
    assert result["metrics"][0]["value"] == 0.91
    assert {"type", "name"} <= set(result["task"]) and {"type", "name"} <= set(result["dataset"])
    assert "## Intended uses" in readme


def test_the_model_card_toolkit_json_is_valid_against_the_schema(world):
    schema = json.loads(MCT_SCHEMA.read_text())
    with scopes_disabled():
        card = model_card_toolkit(_model(world))
        bare = model_card_toolkit(
            _model(
                world,
                name="bare",
                intended_use="",
                limitations="",
                training_data="",
                evaluations=[],
                licence="",
            )
        )
    jsonschema.validate(card, schema)
    jsonschema.validate(bare, schema)
    assert card["quantitative_analysis"]["performance_metrics"][0]["type"] == "AUC"
