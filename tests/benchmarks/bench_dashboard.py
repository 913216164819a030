"""Benchmark the board dashboard (the organisation home) at the size of a large organisation.

    python tests/benchmarks/bench_dashboard.py [--db sqlite|postgres] [-n 30]

5,000 AI systems (bench_register's register), 1,000 EU AI Act gap analyses with 50 answered
items each (50,000 responses), 2,000 risks, 200 serious incidents, 100 remediation actions,
300 evidence items and a year of daily snapshots. Times N requests of /o/bench/ through
Django's test client (the whole middleware stack) for an owner and a board member; prints
median and p95 server time and the queries per request; exits 1 if a median reaches 200 ms.
"""

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_register  # noqa: E402 - the register builder and database set-up

BUDGET_MS = 200.0
bench_register.PG_NAME = "annex_bench_dashboard"


def build_rest(owner, *, assessments=1000, items=50, risks=2000, incidents=200):
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from compliance.assessments.models import Assessment, RemediationAction, Response
    from compliance.catalogue.models import Framework, Requirement
    from compliance.evidence.models import Evidence
    from governance.accounts.models import User
    from governance.dashboards.models import DailySnapshot
    from governance.register.models import AISystem
    from governance.risks import clocks
    from governance.risks.models import Incident, Risk
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    rng = random.Random(7)
    today = timezone.localdate()
    now = timezone.now()
    with scopes_disabled():
        org = Organization.objects.get(slug="bench")
        board = User.objects.create_user(email="board@bench.test", password="x" * 12)
        Membership.objects.create(organization=org, user=board, role=Role.BOARD)
        systems = list(AISystem.objects.filter(organization=org).order_by("pk"))
        framework = Framework.objects.filter(organization=None, slug="eu-ai-act").first()
        reqs = list(
            Requirement.objects.filter(framework=framework, kind="item").order_by("pk")[:items]
        )
        made = Assessment.objects.bulk_create(
            Assessment(
                organization=org,
                framework=framework,
                system=systems[i],
                title=f"Gap analysis {i}",
                status="in_progress",
            )
            for i in range(assessments)
        )
        statuses = ["yes", "yes", "partly", "no", "not_applicable", ""]
        Response.objects.bulk_create(
            (
                Response(
                    organization=org,
                    assessment=a,
                    requirement=r,
                    order=k,
                    status=(s := rng.choice(statuses)),
                    maturity=rng.randint(0, 5) if r.answer_type == "maturity" else None,
                    answered_at=now if s else None,
                )
                for a in made
                for k, r in enumerate(reqs)
            ),
            batch_size=5000,
        )
        RemediationAction.objects.bulk_create(
            RemediationAction(
                organization=org,
                assessment=made[i],
                title=f"Action {i}",
                due_date=today - timedelta(days=rng.randint(-30, 30)),
            )
            for i in range(100)
        )
        Evidence.objects.bulk_create(
            Evidence(
                organization=org,
                title=f"Evidence {i}",
                kind="link",
                url="https://example.org/",
                valid_until=today + timedelta(days=rng.randint(-10, 400)),
            )
            for i in range(300)
        )
        domains = ["health", "safety", "privacy", "security", "discrimination"]
        Risk.objects.bulk_create(
            (
                Risk(
                    organization=org,
                    system=rng.choice(systems),
                    title=f"Risk {i}",
                    description="d",
                    harm_domain=rng.choice(domains),
                    likelihood=rng.randint(1, 5),
                    impact=rng.randint(1, 5),
                    residual_likelihood=rng.choice([None, rng.randint(1, 5)]),
                    residual_impact=rng.randint(1, 5),
                )
                for i in range(risks)
            ),
            batch_size=1000,
        )
        kinds = list(clocks.KINDS)
        rows = []
        for i in range(incidents):
            kind, aware = rng.choice(kinds), today - timedelta(days=rng.randint(0, 60))
            rows.append(
                Incident(
                    organization=org,
                    system=rng.choice(systems),
                    title=f"Incident {i}",
                    description="d",
                    kind=kind,
                    aware_at=aware,
                    report_due=clocks.report_due(aware, [kind]),
                    status=rng.choice(["open", "reported", "closed"]),
                )
            )
        Incident.objects.bulk_create(rows)
        DailySnapshot.objects.bulk_create(
            DailySnapshot(
                organization=org,
                day=today - timedelta(days=d),
                data={"readiness": {"eu-ai-act": 50 - d / 10}, "total": 5000 - d, "tiers": {}},
            )
            for d in range(1, 365)
        )
    return board


def run(n: int) -> int:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    django.setup()
    print(f"Database: {connection.vendor}. Migrating…", flush=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    owner = bench_register.build_register(5000)
    board = build_rest(owner)
    print(f"Built the organisation in {time.perf_counter() - started:.1f} s.", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    failed = False
    print(f"\n{'who':12} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, user in (("owner", owner), ("board", board)):
        client = Client()
        client.force_login(user)
        for _ in range(3):
            assert client.get("/o/bench/").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get("/o/bench/")
        count = len(queries)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]
        timings = []
        for _ in range(n):
            t0 = time.perf_counter()
            response = client.get("/o/bench/")
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if n >= 20 else max(timings)
        flag = "" if median < BUDGET_MS else "  OVER BUDGET"
        failed |= median >= BUDGET_MS
        print(f"{label:12} {median:10.1f} {p95:8.1f} {count:8}{flag}")
        for q in slowest:
            print(f"{'':12} slowest: {float(q['time']) * 1000:6.1f} ms  {q['sql'][:110]}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("-n", type=int, default=30, help="requests per role (default 30)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="annex-bench-dash-"))
    try:
        bench_register.configure(args.db, workdir)
        return run(args.n)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            bench_register._postgres(f"DROP DATABASE IF EXISTS {bench_register.PG_NAME}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
