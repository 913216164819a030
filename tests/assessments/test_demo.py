"""The demo organisation has assessments at every stage, with evidence reused across both."""

import pytest
from django_scopes import scopes_disabled

from compliance.assessments.models import Assessment, RemediationAction
from compliance.evidence.models import Evidence


@pytest.fixture
def demo(db):
    from governance.core.demo import build_demo

    return build_demo().organizations[0]


def test_the_demo_has_assessments_at_different_stages(demo):
    with scopes_disabled():
        stages = {
            (a.framework.slug, a.kind, a.status)
            for a in Assessment.objects.filter(organization=demo).select_related("framework")
        }
        assert ("eu-ai-act", "gap_analysis", "in_progress") in stages
        assert ("eu-ai-act", "gap_analysis", "approved") in stages
        assert ("iso-42001", "gap_analysis", "in_progress") in stages
        assert ("eu-ai-act", "fria", "draft") in stages
        assert any(a.is_overdue for a in RemediationAction.objects.filter(organization=demo))


def test_one_evidence_file_backs_both_frameworks(demo):
    with scopes_disabled():
        policy = Evidence.objects.get(organization=demo, title="Northwind AI policy")
        slugs = set(policy.links.values_list("response__assessment__framework__slug", flat=True))
        assert slugs == {"eu-ai-act", "iso-42001"}
        assert policy.current_version.content_type == "application/pdf"


def test_building_the_demo_twice_adds_nothing(demo):
    from governance.core.demo import build_demo

    with scopes_disabled():
        before = Assessment.objects.filter(organization=demo).count()
    build_demo()
    with scopes_disabled():
        assert Assessment.objects.filter(organization=demo).count() == before
