"""Benchmark the register's list pages and API list with 5,000 AI systems in one organisation.

    python tests/benchmarks/bench_register.py [--db sqlite|postgres] [-n 50] [--systems 5000]

Sets up Django against a throwaway database (an SQLite file in a temporary directory, or the
PostgreSQL database `annex_bench` on 127.0.0.1:5432 as user postgres, created and dropped here),
migrates, bulk-creates the register, then times N requests per page through Django's test
client (the whole middleware stack, no network). Prints median and p95 server time and the
queries per request; exits 1 if a median reaches the budget (100 ms).
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUDGET_MS = 100.0
PG_NAME = "annex_bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def configure(db: str, workdir: Path) -> None:
    """Point the settings at a fresh database; must run before django.setup()."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "governance.settings"
    os.environ["ANNEX_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        _postgres(f"DROP DATABASE IF EXISTS {PG_NAME}", f"CREATE DATABASE {PG_NAME}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"


def in_fresh_database(db: str, prefix: str, bench, *args) -> int:
    """Run ``bench(*args)`` against a migrated throwaway database; remove it afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        configure(db, workdir)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return bench(*args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _postgres(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def build_register(count: int):
    """Create one organisation with `count` systems, their vendors, owners, tags and models."""
    from django_scopes import scopes_disabled

    from governance.accounts.models import User
    from governance.register.models import AIModel, AISystem, Tag, Vendor
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    rng = random.Random(42)
    with scopes_disabled():
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        owner = User.objects.create_user(
            email="owner@bench.test", password="x" * 12, full_name="Bench Owner"
        )
        Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
        people = User.objects.bulk_create(
            User(email=f"person{i}@bench.test", full_name=f"Person {i}") for i in range(40)
        )
        Membership.objects.bulk_create(
            Membership(organization=org, user=u, role=Role.COMPLIANCE_OFFICER) for u in people
        )
        vendors = Vendor.objects.bulk_create(
            Vendor(organization=org, name=f"Vendor {i:02}", country="Germany") for i in range(25)
        )
        models = AIModel.objects.bulk_create(
            AIModel(
                organization=org,
                name=f"Model {i:02}",
                version="1",
                vendor=vendors[i % 25],
                model_type=AIModel.ModelType.CLASSIFICATION,
            )
            for i in range(60)
        )
        tags = Tag.objects.bulk_create(Tag(organization=org, name=f"tag-{i:02}") for i in range(30))
        tiers = ["", "high_risk", "limited_risk", "minimal_risk", "out_of_scope", "prohibited"]
        roles = ["deployer", "provider", "importer", "distributor"]
        stages = ["planned", "in_development", "testing", "in_production", "retired"]
        systems = AISystem.objects.bulk_create(
            (
                AISystem(
                    organization=org,
                    name=f"AI system {i:05}",
                    reference=f"SYS-{i:05}",
                    intended_purpose=f"Purpose number {i}: screen, score or rank things. " * 3,
                    description="A description of the system. " * 10,
                    operator_role=rng.choice(roles),
                    lifecycle_stage=rng.choice(stages),
                    risk_tier=rng.choice(tiers),
                    vendor=rng.choice([*vendors, None]),
                    business_owner=rng.choice(people),
                    technical_owner=rng.choice(people),
                    affected_persons=["customers", "employees"],
                )
                for i in range(count)
            ),
            batch_size=500,
        )
        AISystem.tags.through.objects.bulk_create(
            (
                AISystem.tags.through(aisystem_id=s.pk, tag_id=t.pk)
                for s in systems
                for t in rng.sample(tags, 3)
            ),
            batch_size=2000,
        )
        AISystem.ai_models.through.objects.bulk_create(
            (
                AISystem.ai_models.through(aisystem_id=s.pk, aimodel_id=m.pk)
                for s in systems
                for m in rng.sample(models, 2)
            ),
            batch_size=2000,
        )
    return owner


PAGES = [
    ("web list, page 1", "/o/bench/register/systems/", {}),
    (
        "web list, filtered + sorted",
        "/o/bench/register/systems/",
        {
            "tier": "high_risk",
            "role": "deployer",
            "tag": "tag-03",
            "search": "rank",
            "sort": "-updated",
        },
    ),
    ("web list, page 40 by tier", "/o/bench/register/systems/", {"sort": "tier", "page": "40"}),
    ("API list, page 1", "/api/v1/o/bench/systems/", {}),
    (
        "API list, filtered + sorted",
        "/api/v1/o/bench/systems/",
        {"tier": "high_risk", "lifecycle": "in_production", "ordering": "-tier"},
    ),
]


def run(n: int, count: int) -> int:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    django.setup()
    # No setup_test_environment(): its instrumented template rendering is not server time.
    print(f"Database: {connection.vendor}. Migrating…", flush=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    owner = build_register(count)
    print(f"Created {count} AI systems in {time.perf_counter() - started:.1f} s.", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    client.force_login(owner)
    failed = False
    print(f"\n{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'rows':>6}")
    for label, path, params in PAGES:
        for _ in range(3):  # warm up: templates, session, connection
            response = client.get(path, params)
            assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        query_count = len(queries)  # now: later requests reset the connection's query log
        rows = _rows(response)
        timings = []
        for _ in range(n):
            t0 = time.perf_counter()
            response = client.get(path, params)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if n >= 20 else max(timings)
        flag = "" if median < BUDGET_MS else "  OVER BUDGET"
        failed |= median >= BUDGET_MS
        print(f"{label:32} {median:10.1f} {p95:8.1f} {query_count:8} {rows:>6}{flag}")
    return 1 if failed else 0


def _rows(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return str(len(response.json()["results"]))
    body = response.content.decode()
    tbody = body.split("<tbody>", 1)[-1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return str(tbody.count("<tr>"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("-n", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--systems", type=int, default=5000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="annex-bench-"))
    try:
        configure(args.db, workdir)
        return run(args.n, args.systems)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {PG_NAME}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
