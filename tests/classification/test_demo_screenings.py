"""The demo organisation's screenings span every tier, with versions and a re-screening flag."""

import importlib.util

import pytest
from django_scopes import scopes_disabled

from governance.classification.demo import SCREENINGS
from governance.classification.models import Classification
from governance.register.models import AISystem, RiskTier

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("governance.register.demo") is None,
    reason="the register demo (governance.register.demo) adds the systems these screenings need",
)


@pytest.fixture
def demo(db):
    from governance.core.demo import build_demo

    result = build_demo()
    return result.organizations[0]


def test_every_tier_appears_in_the_demo_organization(demo):
    with scopes_disabled():
        tiers = set(
            AISystem.objects.filter(organization=demo)
            .exclude(risk_tier="")
            .values_list("risk_tier", flat=True)
        )
        gpai = set(AISystem.objects.filter(organization=demo).values_list("gpai_tier", flat=True))
    assert tiers == {t.value for t in RiskTier if t.value}
    assert gpai & {"gpai", "gpai_systemic_risk"}


def test_every_demo_screening_found_its_system(demo):
    with scopes_disabled():
        names = set(
            Classification.objects.filter(organization=demo).values_list("system__name", flat=True)
        )
    assert names == set(SCREENINGS)


def test_two_systems_have_two_versions_and_one_needs_rescreening(demo):
    with scopes_disabled():
        second = Classification.objects.filter(organization=demo, version=2)
        assert second.count() >= 2
        flagged = [
            s.name for s in AISystem.objects.filter(organization=demo) if s.needs_rescreening
        ]
    assert flagged == ["Patient support chatbot"]


def test_the_demo_can_run_again(demo):
    from governance.core.demo import build_demo

    with scopes_disabled():
        before = Classification.objects.filter(organization=demo).count()
    build_demo()
    with scopes_disabled():
        assert Classification.objects.filter(organization=demo).count() == before
