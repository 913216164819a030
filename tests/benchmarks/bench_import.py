"""Benchmark the spreadsheet import: parse, preview and commit 5,000 rows, queries counted.

    python tests/benchmarks/bench_import.py [--db sqlite|postgres] [--rows 5000]

Sets up Django against a throwaway database (as bench_register.py does), makes an organisation
with 20 members who own the systems, and imports a CSV of `--rows` systems (vendors, owners,
tags and a model on every row) through the same service the web and the API call. Prints the
time and the number of queries of each step. The commit's inserts are bulk inserts in batches
(owner grants, links, tags and audit events included), so its queries grow with the batches,
not the rows: it exits 1 above one query per ROWS_PER_QUERY rows (plus a fixed part).

Measured on this machine for 5,000 rows: PostgreSQL 209 queries, 11.4 s; SQLite 471 queries
(its 999-parameter limit splits each batch), 15.4 s. Before: about 30,000 queries.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_register import in_fresh_database  # noqa: E402

# About 30,000 queries for 5,000 rows (6 per row) before the grants were bulk inserts.
FIXED_QUERIES = 100
ROWS_PER_QUERY = 10


# The file states no role or stage: a new system takes only defaults the user chose.
ROLE_AND_STAGE = {"operator_role": "deployer", "lifecycle_stage": "planned"}


def build_csv(rows: int, owners: list[str]) -> bytes:
    lines = ["Name,Purpose,Vendor,Business owner,Technical owner,Tags,Models"]
    for i in range(rows):
        lines.append(
            f"System {i:05},Purpose {i},Vendor {i % 25},{owners[i % len(owners)]},"
            f'{owners[(i + 7) % len(owners)]},"bulk, bench",GPT-4o 1'
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    return in_fresh_database(args.db, "annex-bench-import-", run, args.rows)


def run(rows: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from governance.accounts.models import User
    from governance.register import imports, services
    from governance.register.spreadsheets import read_table
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    with scopes_disabled():
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        owner = User.objects.create_user(email="owner@bench.test", password="x" * 12)
        acting = Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
        people = User.objects.bulk_create(
            User(email=f"person{i}@bench.test", full_name=f"Person {i}") for i in range(20)
        )
        Membership.objects.bulk_create(
            Membership(organization=org, user=u, role=Role.CONTRIBUTOR) for u in people
        )
        services.create_model(
            organization=org, acting=acting, data={"name": "GPT-4o", "version": "1"}
        )
    data = build_csv(rows, [p.email for p in people])

    started = time.perf_counter()
    table = read_table(data, "register.csv", max_rows=rows)
    parsed = time.perf_counter() - started
    mapping = imports.suggest_import_mapping(table.headers)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as preview_queries:
        preview = imports.preview_import(
            organization=org, table=table, mapping=mapping, defaults=ROLE_AND_STAGE
        )
    previewed = time.perf_counter() - started
    assert preview.ok, preview.errors[:3]
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as commit_queries:
        result = imports.commit_import(
            organization=org,
            acting=acting,
            table=table,
            mapping=mapping,
            filename="bench.csv",
            defaults=ROLE_AND_STAGE,
        )
    committed = time.perf_counter() - started
    print(f"{connection.vendor}, {rows:,} rows ({len(data) / 1024:.0f} KB of CSV)")
    print(f"  parse    {parsed * 1000:8.0f} ms")
    print(f"  preview  {previewed * 1000:8.0f} ms  {len(preview_queries):5} queries")
    print(f"  commit   {committed * 1000:8.0f} ms  {len(commit_queries):5} queries")
    print(f"  created  {result.created:,} systems")
    budget = FIXED_QUERIES + rows // ROWS_PER_QUERY
    if len(commit_queries) > budget:
        print(f"over budget: {len(commit_queries)} queries > {budget}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
