"""Rights follow ownership: a per-object grant moves with the owner, in every path."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_scopes import scopes_disabled

from governance.classification import services as screening
from governance.core.concurrency import StaleWrite
from governance.register import services
from governance.register.imports import commit_import, suggest_import_mapping
from governance.register.models import AISystem
from governance.register.spreadsheets import read_table
from governance.tenancy.permissions import OWNED_KINDS
from governance.tenancy.roles import Role


def fresh_system(system):
    with scopes_disabled():
        return AISystem.objects.get(pk=system.pk)


def rights(membership, system) -> dict:
    """What the member may do to the system: edit, archive, restore, screen."""
    system = fresh_system(system)
    out = {"edit": services.can_edit_system(membership, system)}
    with scopes_disabled():
        for right, call in (
            (
                "screen",
                lambda: screening.save_screening_answers(
                    system=system, acting=membership, answers={}
                ),
            ),
            ("archive", lambda: services.archive_system(system=system, acting=membership)),
        ):
            try:
                call()
            except PermissionDenied:
                out[right] = False
            else:
                out[right] = True
                if right == "archive":
                    services.restore_system(system=system, acting=membership)
    return out


@pytest.fixture
def people(world, member_of):
    class People:
        officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
        carol = member_of(world.acme, Role.CONTRIBUTOR)
        dave = member_of(world.acme, Role.CONTRIBUTOR)

    return People


def carols_system(world, people, **data):
    with scopes_disabled():
        return services.create_system(
            organization=world.acme,
            acting=people.officer,
            data={
                "name": "CV screener",
                "intended_purpose": "Rank.",
                "business_owner": people.carol.user,
                **data,
            },
        )


ALL = {"edit": True, "screen": True, "archive": True}
NONE = {"edit": False, "screen": False, "archive": False}


# --- Every kind with per-object grants is covered -------------------------------------------


def _models_with_object_permissions():
    return sorted(
        m._meta.label_lower
        for m in apps.get_models()
        if m._meta.permissions and m.__module__.startswith(("governance.", "compliance."))
    )


def test_every_model_with_per_object_grants_declares_who_owns_it():
    assert _models_with_object_permissions() == sorted(OWNED_KINDS)


@pytest.mark.parametrize("label", sorted(OWNED_KINDS))
@pytest.mark.parametrize("field", ["first", "second"])
def test_the_grant_follows_each_owner_field_of_every_kind(world, people, label, field):
    kind = OWNED_KINDS[label]
    owner_field = kind.owner_fields[0 if field == "first" else -1]
    assert kind.model is AISystem, "add a case for the new kind here"
    system = carols_system(
        world, people, **{"business_owner": None, owner_field: people.carol.user}
    )
    assert rights(people.carol, system) == ALL
    with scopes_disabled():
        services.update_system(
            system=fresh_system(system), acting=people.officer, data={owner_field: people.dave.user}
        )
    assert rights(people.carol, system) == NONE
    assert rights(people.dave, system) == ALL


# --- Every path that sets an owner ----------------------------------------------------------


def test_giving_a_system_away_on_the_web_revokes_the_old_owners_rights(world, people):
    system = carols_system(world, people)
    client = Client()
    client.force_login(people.officer.user)
    url = f"/o/acme/register/systems/{system.uuid}/edit/"
    form = client.get(url).context["form"]
    data = {
        "row_version": system.row_version,
        "name": system.name,
        "intended_purpose": system.intended_purpose,
        "operator_role": "deployer",
        "lifecycle_stage": "planned",
        "deployment_context": "internal",
        "business_owner": str(people.dave.user.uuid),
    }
    data = {k: v for k, v in data.items() if k in form.fields}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert rights(people.carol, system) == NONE
    assert rights(people.dave, system) == ALL


def test_giving_a_system_away_through_the_api_revokes_the_old_owners_rights(
    world, people, client, api_token
):
    system = carols_system(world, people)
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")
    response = client.patch(
        f"/api/v1/o/acme/systems/{system.uuid}/",
        {"business_owner": people.dave.user.email},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200, response.json()
    assert rights(people.carol, system) == NONE
    assert rights(people.dave, system) == ALL
    # Carol's own API session is refused too, not just her web pages.
    carol = Client()
    carol.force_login(people.carol.user)
    response = carol.patch(
        f"/api/v1/o/acme/systems/{system.uuid}/",
        {"name": "Mine"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_imported_and_bulk_added_systems_grant_their_owners_and_then_move(world, people):
    csv_text = f"Name,Intended purpose,Business owner\nImported,Rank.,{people.carol.user.email}\n"
    table = read_table(csv_text.encode(), "register.csv")
    with scopes_disabled():
        commit_import(
            organization=world.acme,
            acting=people.officer,
            table=table,
            mapping=suggest_import_mapping(table.headers),
            # A new system's role and stage: stated in its row or chosen as defaults.
            defaults={"operator_role": "deployer", "lifecycle_stage": "planned"},
        )
        imported = AISystem.objects.get(name="Imported")
        [bulk] = services.create_systems(
            organization=world.acme,
            acting=people.officer,
            items=[
                (
                    {"name": "Bulk", "intended_purpose": "p", "technical_owner": people.carol.user},
                    [],
                    [],
                )
            ],
        )
    for system in (imported, bulk):
        assert rights(people.carol, system) == ALL
        assert rights(people.dave, system) == NONE
    with scopes_disabled():
        services.update_system(
            system=fresh_system(imported),
            acting=people.officer,
            data={"business_owner": people.dave.user},
        )
        services.update_system(
            system=fresh_system(bulk), acting=people.officer, data={"technical_owner": None}
        )
    assert rights(people.carol, imported) == NONE and rights(people.dave, imported) == ALL
    assert rights(people.carol, bulk) == NONE


def test_an_owner_named_in_both_fields_keeps_the_grant_while_one_remains(world, people):
    system = carols_system(world, people, technical_owner=people.carol.user)
    with scopes_disabled():
        services.update_system(
            system=fresh_system(system),
            acting=people.officer,
            data={"business_owner": people.dave.user},
        )
    assert rights(people.carol, system) == ALL
    assert rights(people.dave, system) == ALL


def test_a_failed_handover_keeps_the_grant_where_it_was(world, people):
    system = carols_system(world, people)
    with scopes_disabled(), pytest.raises(StaleWrite):
        # A stale version refuses the whole change, grant included.
        services.update_system(
            system=fresh_system(system),
            acting=people.officer,
            data={"business_owner": people.dave.user},
            expected_version=system.row_version + 5,
        )
    assert rights(people.carol, system) == ALL
    assert rights(people.dave, system) == NONE


def test_a_contributor_who_gives_their_system_away_loses_it_at_once(world, people):
    system = carols_system(world, people)
    with scopes_disabled():
        services.update_system(
            system=fresh_system(system),
            acting=people.carol,
            data={"business_owner": people.dave.user},
        )
        with pytest.raises(PermissionDenied):
            services.update_system(
                system=fresh_system(system), acting=people.carol, data={"name": "Taken back"}
            )


def test_the_migration_takes_back_grants_left_behind_by_earlier_handovers(world, people):
    import importlib

    from guardian.shortcuts import assign_perm

    migration = importlib.import_module(
        "governance.register.migrations.0005_owner_grants_follow_owners"
    )
    system = carols_system(world, people)
    with scopes_disabled():
        # What the old code left: Carol's grant stayed after Dave became the owner.
        AISystem.objects.filter(pk=system.pk).update(business_owner=people.dave.user)
        assign_perm(services.OWNER_PERMISSION, people.carol.user, fresh_system(system))
    assert rights(people.carol, system)["edit"] is True
    migration.follow_owners(apps, None)
    assert rights(people.carol, system) == NONE
    assert rights(people.dave, system) == ALL


def test_the_operators_admin_cannot_move_an_owner_around_the_grant(world, people):
    from governance.accounts.models import User

    system = carols_system(world, people)
    admin = User.objects.create_superuser(email="ops@annex.test", password="x" * 12)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/register/aisystem/{system.pk}/change/")
    assert page.status_code == 200
    assert 'name="business_owner"' not in page.content.decode()
    assert 'name="technical_owner"' not in page.content.decode()


def _bulk_queries(world, people, count, prefix):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    items = [
        (
            {
                "name": f"{prefix} {i}",
                "intended_purpose": "p",
                "business_owner": people.carol.user,
                "technical_owner": people.dave.user,
            },
            [],
            [],
        )
        for i in range(count)
    ]
    with scopes_disabled(), CaptureQueriesContext(connection) as queries:
        services.create_systems(organization=world.acme, acting=people.officer, items=items)
    return len(queries)


def test_bulk_grants_cost_queries_per_batch_not_per_row(world, people):
    # Grants (and the owners' existence checks) used to cost queries per row: 416 for 200
    # rows with two owners each. Now a batch costs a handful, whatever its size (SQLite splits
    # a bulk insert by its limit on parameters, so a few more for the larger batch).
    small = _bulk_queries(world, people, 5, "Small")
    large = _bulk_queries(world, people, 200, "Big")
    assert small <= 10 and large <= 25


def test_a_handover_through_the_api_costs_a_pinned_number_of_queries(
    world, people, client, api_token, django_assert_max_num_queries
):
    system = carols_system(world, people)
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")
    with django_assert_max_num_queries(30):  # 24 measured
        response = client.patch(
            f"/api/v1/o/acme/systems/{system.uuid}/",
            {"business_owner": people.dave.user.email},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            HTTP_IF_MATCH=f'"{system.row_version}"',
        )
    assert response.status_code == 200
