"""One home for legal text: the obligation titles and summaries come from the catalogue file."""

from pathlib import Path

from compliance.catalogue import legal_text
from compliance.catalogue.models import Requirement
from governance.classification import codes


def test_every_engine_code_reads_its_text_from_the_catalogue():
    texts = legal_text.obligation_texts()
    for code, obligation in codes.OBLIGATIONS.items():
        text = texts[code]
        assert (obligation.title, obligation.citation, obligation.summary) == (
            text.title,
            text.citation,
            text.summary,
        )
        assert obligation.title and obligation.summary


def test_the_code_table_holds_no_obligation_titles():
    source = Path(codes.__file__).read_text()
    for title in ("Risk management system", "Fundamental rights impact assessment"):
        assert title not in source


def test_the_loaded_catalogue_groups_carry_the_same_text(shipped_catalogues):
    groups = dict(
        Requirement.objects.filter(framework__slug="eu-ai-act", kind="group").values_list(
            "code", "text"
        )
    )
    for code, obligation in codes.OBLIGATIONS.items():
        assert groups[code] == obligation.summary


def test_an_unknown_code_has_no_text():
    assert legal_text.obligation_text("art_999") is None
