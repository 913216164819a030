import io

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from governance.classification import services as classification_services
from tests import factories

HIGH_RISK_PROVIDER = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "annex_iii": ["annex_iii_4_a"],
    "profiling": True,
}


def pdf_text(content: bytes) -> str:
    """Return the text of every page of a PDF (it must be extractable), spaces collapsed."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def make_system(world):
    def make(name="CV ranker", screening=None, **data):
        data.setdefault("intended_purpose", "Rank job applicants.")
        system = factories.make_system(world, name, **data)
        if screening:
            with scopes_disabled():
                classification_services.classify_system(
                    system=system, acting=world.alice_membership, screening=screening
                )
        system.refresh_from_db()
        return system

    return make
