"""Benchmark an import that updates: 10,000 rows, 5,000 of them changing existing systems.

    python tests/benchmarks/bench_import_upsert.py [--db sqlite|postgres] [--existing 5000]

Sets up Django against a throwaway database (as bench_register.py does), adds `--existing`
systems with references, then previews and commits (mode `upsert`, matched on the reference) a
CSV of twice as many rows: every existing system renamed and moved to another lifecycle stage
with another tag, and as many new systems. Prints the time and queries of each step; exits 1
when the commit's queries grow per row (above FIXED_QUERIES + rows / ROWS_PER_QUERY).

Measured on this (shared, busy) machine, SQLite, 10,000 rows updating 5,000 systems: preview
2.9-4.3 s in 11 queries; commit 12.4 s in 451 queries (it re-runs the preview, adds 5,000
systems and updates 5,000; a CASE-per-row bulk_update took 18.6 s and was replaced by one
UPDATE per batch for the counter and per value for few-valued fields).

Then (issue 11): the existing systems' tags and models read in three queries instead of
prefetch_related (4 s of per-instance managers for 5,000 systems), and the updates written as
one prepared UPDATE per 500 rows (executemany) instead of a CASE per field: preview 0.7 s
(0.9 s CPU) in 8 queries, commit 4.0-4.4 s with the machine quiet, 4.9 s CPU (14 s wall at a
load of 6 on 2 cores), in 433 queries: SQLite's 999 parameters per INSERT split the 10,000
inserts of systems and audit events; with PostgreSQL's batching the count is fixed
(tests/register/test_import_commit_queries.py pins 30 queries for 50 and for 200 rows).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_register import in_fresh_database  # noqa: E402

FIXED_QUERIES = 100
ROWS_PER_QUERY = 10


def build_csv(existing: int) -> bytes:
    lines = ["Reference,Name,Purpose,Operator role,Lifecycle stage,Tags"]
    for i in range(existing):
        lines.append(f"REF-{i:05},System {i:05} renamed,Purpose {i},,In production,updated")
    for i in range(existing, 2 * existing):
        lines.append(f"REF-{i:05},System {i:05},Purpose {i},Deployer,Planned,new")
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--existing", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    return in_fresh_database(args.db, "annex-bench-upsert-", run, args.existing)


def run(existing: int) -> int:
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
        services.create_systems(organization=org, acting=acting, items=[
            ({"name": f"System {i:05}", "reference": f"REF-{i:05}",
              "intended_purpose": f"Purpose {i}"}, [], ["old"])
            for i in range(existing)
        ])  # fmt: skip
    data = build_csv(existing)
    rows = 2 * existing
    table = read_table(data, "register.csv", max_rows=rows)
    mapping = imports.suggest_import_mapping(table.headers)
    options = {"mode": "upsert", "match_on": "reference"}
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as preview_queries:
        preview = imports.preview_import(organization=org, table=table, mapping=mapping, **options)
    previewed, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert preview.ok, preview.errors[:3]
    started, cpu = time.perf_counter(), time.process_time()
    if "--profile" in sys.argv:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with CaptureQueriesContext(connection) as commit_queries:
        result = imports.commit_import(
            organization=org,
            acting=acting,
            table=table,
            mapping=mapping,
            filename="bench.csv",
            **options,
        )
    committed, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
    if "--profile" in sys.argv:
        profiler.disable()
        profiler.dump_stats("/tmp/upsert.prof")
    print(f"{connection.vendor}, {rows:,} rows ({len(data) / 1024:.0f} KB), {existing:,} existing")
    # CPU time too: on a shared machine the wall clock says more about the neighbours.
    print(f"  preview  {previewed * 1000:8.0f} ms ({preview_cpu * 1000:.0f} ms CPU)"
          f"  {len(preview_queries):5} queries")  # fmt: skip
    print(f"  commit   {committed * 1000:8.0f} ms ({commit_cpu * 1000:.0f} ms CPU)"
          f"  {len(commit_queries):5} queries")  # fmt: skip
    print(f"  created  {result.created:,}, updated {len(result.updated):,}")
    budget = FIXED_QUERIES + rows // ROWS_PER_QUERY
    if len(commit_queries) > budget:
        print(f"over budget: {len(commit_queries)} queries > {budget}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
