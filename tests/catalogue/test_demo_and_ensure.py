"""The demo loads Northwind's own policy once; shipped catalogues come back when missing."""

from django_scopes import scopes_disabled

from compliance.catalogue import demo
from compliance.catalogue.models import Framework, Requirement
from compliance.catalogue.services import ensure_shipped_catalogues
from tests.factories import OrganizationFactory


def test_the_demo_step_loads_the_example_policy_once(db):
    with scopes_disabled():
        northwind = OrganizationFactory(name="Northwind Health", slug="northwind")
    demo.populate(northwind, {})
    demo.populate(northwind, {})
    own = Framework.objects.filter(organization=northwind)
    assert [f.slug for f in own] == ["internal-ai-policy"]


def test_the_demo_step_leaves_other_organizations_alone(world):
    demo.populate(world.acme, {})
    assert not Framework.objects.filter(organization=world.acme).exists()


def test_missing_shipped_catalogues_are_loaded_again(db, django_assert_max_num_queries):
    Framework.objects.filter(organization__isnull=True).delete()
    results = ensure_shipped_catalogues()
    assert {(r.slug, r.status) for r in results} == {
        ("eu-ai-act", "created"),
        ("iso-42001", "created"),
    }
    assert Requirement.objects.filter(framework__slug="iso-42001", code="A.10.4").exists()
    # Already there: one query, nothing loaded.
    with django_assert_max_num_queries(1):
        assert ensure_shipped_catalogues() == []
