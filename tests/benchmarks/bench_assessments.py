"""Benchmark the questionnaire: a 300-item page and saving one answer, then with 200 systems.

    python tests/benchmarks/bench_assessments.py [--db sqlite|postgres] [-n 50] [--systems 200]

Sets up Django against a throwaway database (as bench_register.py does), loads the shipped
catalogues, builds a 300-item assessment (an organisation framework of 30 clauses × 10 items),
and times through Django's test client (whole middleware stack, no network):
- the questionnaire page (budget: 150 ms median) and its query count;
- saving one answer as the page's htmx autosave does (budget: 50 ms median);
- the API PATCH of one answer.
Then classifies `--systems` AI systems and builds each one's EU AI Act gap analysis (about
20,000 responses for 200 systems) and times everything again. Exits 1 over a budget.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_register import PG_NAME, _postgres, configure  # noqa: E402

PAGE_BUDGET_MS = 150.0
SAVE_BUDGET_MS = 50.0
SCREENINGS = [
    {"role": "provider", "annex_iii": ["annex_iii_4_a"], "profiling": True},
    {"role": "deployer", "annex_iii": ["annex_iii_4_a"], "profiling": True},
    {"role": "provider", "annex_iii": ["annex_iii_5_b"]},
    {"role": "provider", "annex_iii": ["annex_iii_1_a"]},
    {"role": "deployer", "annex_iii": ["annex_iii_5_b"], "public_service_deployer": True},
]


def build_world():
    from django_scopes import scopes_disabled

    from compliance.catalogue.models import Framework, Requirement
    from compliance.catalogue.services import ensure_shipped_catalogues
    from governance.accounts.models import User
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    with scopes_disabled():
        ensure_shipped_catalogues()
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        owner = User.objects.create_user(email="owner@bench.test", password="x" * 12)
        membership = Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
        people = User.objects.bulk_create(
            User(email=f"person{i}@bench.test", full_name=f"Person {i}") for i in range(20)
        )
        Membership.objects.bulk_create(
            Membership(organization=org, user=u, role=Role.COMPLIANCE_OFFICER) for u in people
        )
        fw = Framework.objects.create(
            organization=org,
            slug="bench-300",
            name="Internal AI policy",
            version="1",
            kind="internal_policy",
            content_hash="0" * 64,
        )
        order = 0
        for g in range(30):
            order += 1
            group = Requirement.objects.create(
                framework=fw,
                code=f"P{g}",
                obligation=f"P{g}",
                kind="group",
                title=f"Policy clause {g}",
                order=order,
            )
            items = []
            for i in range(10):
                order += 1
                items.append(
                    Requirement(
                        framework=fw,
                        code=f"P{g}.{i:02}",
                        parent=group,
                        obligation=f"P{g}",
                        kind="item",
                        title=f"Requirement {g}.{i} of the internal policy",
                        question="Is this requirement met, documented and reviewed? " * 2,
                        citation=f"Policy §{g}.{i}",
                        order=order,
                        answer_type=["yes_no_partial", "maturity", "text"][i % 3],
                    )
                )
            Requirement.objects.bulk_create(items)
    return org, owner, membership


def build_systems(org, membership, count):
    from django_scopes import scopes_disabled

    from compliance.assessments import services
    from governance.classification import services as classification_services
    from governance.register.models import AISystem

    with scopes_disabled():
        systems = AISystem.objects.bulk_create(
            AISystem(organization=org, name=f"System {i:04}", intended_purpose="Score things.")
            for i in range(count)
        )
        for i, system in enumerate(systems):
            screening = {
                "schema": "eu-ai-act-screening/1",
                "is_ai_system": True,
                "eu_nexus": True,
                "established_in_eu": True,
                **SCREENINGS[i % len(SCREENINGS)],
            }
            classification_services.classify_system(
                system=system, acting=membership, screening=screening
            )
            services.create_assessment(
                organization=org, acting=membership, framework_slug="eu-ai-act", system=system
            )


def _time(label, n, call, budget=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    count = len(queries)
    timings, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        call()
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1] if n >= 20 else max(timings)
    over = budget is not None and median >= budget
    flag = "  OVER BUDGET" if over else ""
    cpu_median = statistics.median(cpu)
    print(f"{label:46} {median:9.1f} {p95:8.1f} {cpu_median:8.1f} {count:8}{flag}", flush=True)
    return over


def measure(client, assessment, response, n, tag) -> bool:
    state = {"version": response.version}
    page = f"/o/bench/assessments/{assessment.uuid}/"
    save = f"/o/bench/assessments/{assessment.uuid}/items/{response.uuid}/"
    api = f"/api/v1/o/bench/assessments/{assessment.uuid}/responses/{response.uuid}/"
    statuses = ["yes", "partly", "no"]

    def get_page():
        r = client.get(page)
        assert r.status_code == 200 and r.content.count(b'class="q-item') >= 10

    def post_save():
        r = client.post(
            save,
            {"status": statuses[state["version"] % 3], "version": state["version"]},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 200 and b"Saved" in r.content, r.content[:300]
        state["version"] += 1

    def api_patch():
        r = client.patch(
            api,
            {"status": statuses[state["version"] % 3], "version": state["version"]},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content[:300]
        state["version"] += 1

    over = _time(f"questionnaire page ({tag})", n, get_page, PAGE_BUDGET_MS)
    over |= _time(f"save one answer, htmx ({tag})", n, post_save, SAVE_BUDGET_MS)
    over |= _time(f"save one answer, API PATCH ({tag})", n, api_patch, SAVE_BUDGET_MS)
    return over


def run(n: int, systems: int) -> int:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    django.setup()
    print(f"Database: {connection.vendor}. Migrating…", flush=True)
    call_command("migrate", verbosity=0)
    from django_scopes import scopes_disabled

    from compliance.assessments import services
    from compliance.assessments.models import Response

    org, owner, membership = build_world()
    with scopes_disabled():
        big = services.create_assessment(
            organization=org, acting=membership, framework_slug="bench-300"
        )
        item = Response.objects.filter(assessment=big).order_by("order")[150]
    client = Client()
    client.force_login(owner)
    # Wall time is the budget; CPU time (this process) shows the cost on a busy machine.
    print(f"\n{'measure':46} {'median ms':>9} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8}")
    over = measure(client, big, item, n, "300 items")
    started = time.perf_counter()
    build_systems(org, membership, systems)
    with scopes_disabled():
        total = Response.objects.filter(organization=org).count()
        gap = Response.objects.filter(assessment__system__isnull=False).order_by("id").first()
        gap_item = Response.objects.filter(assessment=gap.assessment).order_by("order")[10]
        item.refresh_from_db()
    print(
        f"\nBuilt {systems} systems' assessments ({total} responses in the organisation) "
        f"in {time.perf_counter() - started:.0f} s.",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    over |= measure(client, big, item, n, f"300 items, {total} responses")
    over |= measure(client, gap.assessment, gap_item, n, "EU AI Act, same org")
    return 1 if over else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--systems", type=int, default=200)
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
