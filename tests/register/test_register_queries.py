"""Lists cost a fixed number of queries, whatever the size of the register."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from governance.register.models import AIModel, AISystem, Tag, Vendor
from governance.tenancy.roles import Role

BASE = "/api/v1/o/acme"


def fill_register(world, member_of, count: int) -> None:
    """Bulk-create `count` systems with vendors, owners, tags and models, as a big import would."""
    with scopes_disabled():
        existing = AISystem.objects.filter(organization=world.acme).count()
        owners = [member_of(world.acme, Role.COMPLIANCE_OFFICER).user for _ in range(2)]
        vendors = Vendor.objects.bulk_create(
            Vendor(organization=world.acme, name=f"Vendor {existing}-{i}") for i in range(3)
        )
        models = AIModel.objects.bulk_create(
            AIModel(organization=world.acme, name=f"Model {existing}-{i}") for i in range(3)
        )
        tags = Tag.objects.bulk_create(
            Tag(organization=world.acme, name=f"tag-{existing}-{i}") for i in range(4)
        )
        cycle = itertools.cycle
        systems = AISystem.objects.bulk_create(
            AISystem(
                organization=world.acme,
                name=f"System {existing + i:05}",
                intended_purpose="x",
                vendor=v,
                business_owner=o,
                technical_owner=o,
                risk_tier=t,
            )
            for i, v, o, t in zip(
                range(count),
                cycle([*vendors, None]),
                cycle(owners),
                cycle(["", "high_risk", "minimal_risk"]),
                strict=False,
            )
        )
        AISystem.tags.through.objects.bulk_create(
            AISystem.tags.through(aisystem_id=s.pk, tag_id=t.pk)
            for s in systems
            for t in tags[: 1 + s.pk % 3]
        )
        AISystem.ai_models.through.objects.bulk_create(
            AISystem.ai_models.through(aisystem_id=s.pk, aimodel_id=m.pk)
            for s in systems
            for m in models[: 1 + s.pk % 2]
        )


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(queries)


PAGES = [
    ("web list", "/o/acme/register/systems/", {}),
    (
        "web list, filtered and sorted",
        "/o/acme/register/systems/",
        {"tier": "high_risk", "sort": "-tier", "search": "System", "tag": "tag-0-0"},
    ),
    ("web list, page 2", "/o/acme/register/systems/", {"page": "2"}),
    ("API list", f"{BASE}/systems/", {}),
    ("API list, filtered", f"{BASE}/systems/", {"ordering": "-updated", "role": "deployer"}),
    ("models", "/o/acme/register/models/", {}),
    ("vendors", "/o/acme/register/vendors/", {}),
    ("API models", f"{BASE}/models/", {}),
    ("API vendors", f"{BASE}/vendors/", {}),
]


@pytest.mark.parametrize(("label", "path", "params"), PAGES, ids=[p[0] for p in PAGES])
def test_a_list_costs_the_same_queries_for_3_and_60_systems(
    world, client, member_of, label, path, params
):
    client.force_login(world.alice)
    fill_register(world, member_of, 3)
    client.get(path, params)  # warm up: the session, the last-organisation bookkeeping
    small = count_queries(client, path, params)
    fill_register(world, member_of, 57)
    large = count_queries(client, path, params)
    assert large == small, f"{label}: {small} queries for 3 systems, {large} for 60"


def test_the_web_list_query_count_is_pinned(
    world, client, member_of, django_assert_max_num_queries
):
    client.force_login(world.alice)
    fill_register(world, member_of, 60)
    client.get("/o/acme/register/systems/")
    # session, user, membership, switcher, count, page, tags, owners, vendors, tags of the filter
    with django_assert_max_num_queries(11):
        client.get("/o/acme/register/systems/", {"sort": "tier", "owner": "nobody@x.test"})


def test_the_api_list_query_count_is_pinned(
    world, client, member_of, django_assert_max_num_queries
):
    client.force_login(world.alice)
    fill_register(world, member_of, 60)
    client.get(f"{BASE}/systems/")
    # session, user, membership, count, page, tags, models
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/systems/")
    assert response.json()["count"] == 60 and len(response.json()["results"]) == 50


def test_the_export_costs_queries_per_chunk_not_per_row(world, client, member_of):
    client.force_login(world.alice)
    fill_register(world, member_of, 3)
    client.get("/o/acme/register/systems/")  # warm up
    small = count_queries(client, "/o/acme/register/systems/export.csv")
    fill_register(world, member_of, 120)
    assert count_queries(client, "/o/acme/register/systems/export.csv") == small
