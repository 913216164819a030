"""The commit of an import that adds and updates makes the same number of queries for any size.

tests/benchmarks/bench_import_upsert.py measures the 10,000-row case; these tests pin the
count so that a change that costs one query per row fails here first.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import imports, services
from governance.register.models import AISystem
from governance.register.spreadsheets import read_table

HEADERS = ["Reference", "Name", "Intended purpose", "Operator role", "Lifecycle stage", "Tags"]


def _table(existing: int):
    rows = [HEADERS]
    rows += [[f"R-{i}", f"System {i} renamed", "p", "", "In production", "updated"]
             for i in range(existing)]  # fmt: skip
    rows += [[f"R-{i}", f"System {i}", "p", "Deployer", "Planned", "new"]
             for i in range(existing, 2 * existing)]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return read_table(buffer.getvalue().encode(), "register.csv")


def _commit_queries(organization, acting, existing: int) -> int:
    with scopes_disabled():
        services.create_systems(organization=organization, acting=acting, items=[
            ({"name": f"System {i}", "reference": f"R-{i}", "intended_purpose": "p",
              "operator_role": "deployer", "lifecycle_stage": "planned"}, [], ["old"])
            for i in range(existing)
        ])  # fmt: skip
    table = _table(existing)
    with CaptureQueriesContext(connection) as queries:
        result = imports.commit_import(
            organization=organization, acting=acting, table=table,
            mapping=imports.suggest_import_mapping(table.headers), mode="upsert",
        )  # fmt: skip
    assert (result.created, len(result.updated)) == (existing, existing)
    with scopes_disabled():
        systems = AISystem.objects.filter(organization=organization)
        assert systems.filter(name__endswith="renamed", lifecycle_stage="in_production").count() \
            == existing  # fmt: skip
        assert systems.filter(tags__name="updated").count() == existing
        updated = AuditEvent.objects.filter(organization=organization, action="system.updated")
        assert updated.count() == existing  # one event per changed system
    return len(queries)


def test_the_commit_makes_the_same_number_of_queries_for_50_and_200_rows(world, monkeypatch):
    if connection.vendor == "sqlite":
        # Django 5.2 splits SQLite inserts at 999 parameters; the library here takes 250,000
        # (SQLITE_LIMIT_VARIABLE_NUMBER). Lifted, the count shows what PostgreSQL does: one
        # statement per 500-row batch, so 50 and 200 rows make the same number.
        import sqlite3

        with connection.cursor():
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        if limit < 32766:
            pytest.skip("this SQLite library takes fewer than 32,766 parameters per statement")
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    small = _commit_queries(world.acme, world.alice_membership, 25)
    large = _commit_queries(world.globex, world.charlie_membership, 100)
    assert small == large, (small, large)


def test_the_commit_queries_grow_only_with_sqlites_parameter_limit(world):
    small = _commit_queries(world.acme, world.alice_membership, 25)
    large = _commit_queries(world.globex, world.charlie_membership, 100)
    # On SQLite, inserts of ~20-column rows split every 45 rows or so (999 parameters):
    # 150 more rows may cost a few statements, never one per row.
    assert small <= large <= small + 10, (small, large)
