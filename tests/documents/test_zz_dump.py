import pytest
from django_scopes import scopes_disabled
from compliance.documents import services
from tests.documents.conftest import HIGH_RISK_PROVIDER
pytestmark = pytest.mark.django_db(transaction=True)

def test_dump(world, make_system):
    system = make_system(screening=HIGH_RISK_PROVIDER, human_oversight="A recruiter reviews every ranking before any candidate is rejected.", description="Gradient-boosted ranking over CV features. " * 5, reference="HR-042")
    with scopes_disabled():
        for kind in ("system_card", "registration_data"):
            d = services.request_document(organization=world.acme, actor=world.alice, kind=kind, system=system)
            d.refresh_from_db()
            open(f"/tmp/{kind}.pdf", "wb").write(d.file.read())
