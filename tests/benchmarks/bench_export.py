"""Benchmark the lossless export: 20,000 systems as CSV (streamed), XLSX workbook and ZIP.

    python tests/benchmarks/bench_export.py [--db sqlite|postgres] [--systems 20000]

Sets up Django against a throwaway database (as bench_register.py does), fills a register
with every system field set, 200 vendors, 100 models and tags, then builds each export the
way the web and API do (export.export_response) and reads the response to its end. It does
so at a quarter of the size and at the full size, and prints for each: the time (a run
without tracemalloc), the peak of Python memory (a run with tracemalloc), the queries and
the file's size. Exits 1 when the peak at full size is more than twice the quarter's: memory
must not grow with the register.

Measured on this (shared, busy: load 2-6 on 2 cores) machine, SQLite, every system field set:
      5,000 systems: CSV 2.6 s, XLSX 7.7 s, ZIP 3.0 s; peak 15.0-15.3 MB
     20,000 systems: CSV 12.1 s (13.8 MB file), XLSX 23.4 s (3.4 MB), ZIP 7.7 s (0.9 MB);
                     peak 15.0-15.5 MB, 41-43 queries (two per chunk of 1,000 rows)
Before choice labels were cached and related names annotated, CSV took 19.4 s and the peak
was 19.7 MB at both sizes.
With --restore, 10,000 systems (1.7 MB workbook): read 4.0 s, preview 3.4 s, restore 9.4 s
(it plans again inside its transaction) in 741 queries, most of them SQLite's INSERT batches
of 999 parameters.
"""

import argparse
import datetime as dt
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_register import in_fresh_database  # noqa: E402

FORMATS = (("systems", "csv"), ("systems", "xlsx"), ("systems", "zip"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--systems", type=int, default=20_000)
    parser.add_argument(
        "--restore", action="store_true",
        help="Instead: export --systems systems as XLSX and restore them into an empty "
        "organisation (at most 10,000: the restore's limit per sheet).",
    )  # fmt: skip
    args = parser.parse_args()
    bench = run_restore if args.restore else run
    return in_fresh_database(args.db, "annex-bench-export-", bench, args.systems)


def fill(org, acting, start: int, stop: int, vendors, models) -> None:
    from django_scopes import scopes_disabled

    from governance.register import services

    items = []
    for i in range(start, stop):
        data = {
            "name": f"System {i:05}", "reference": f"REF-{i:05}",
            "intended_purpose": f"Purpose {i}: " + "what the system is for. " * 4,
            "description": "A description. " * 10, "operator_role": "deployer",
            "lifecycle_stage": "in_production", "deployment_context": "internal",
            "vendor": vendors[i % len(vendors)], "business_owner": acting.user,
            "processes_personal_data": bool(i % 2), "processes_biometric_data": None,
            "affected_persons": ["employees", "customers"], "human_oversight": "Reviewed.",
            "put_into_service_on": dt.date(2024, 1, 1), "legal_basis": "Art. 6(1)(e) GDPR",
            "public_page_url": "https://example.test/ai", "dpia_done": True,
        }  # fmt: skip
        items.append((data, [models[i % len(models)]], ["bench", f"group {i % 50}"]))
    with scopes_disabled():
        for batch in range(0, len(items), 2000):
            services.create_systems(organization=org, acting=acting,
                                    items=items[batch : batch + 2000])  # fmt: skip


def measure(org, kind: str, fmt: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from governance.register import export

    def build() -> int:
        with scope(organization=org):
            queryset = export.systems_for_export(org).filter(archived_at=None).order_by("name")
            response = export.export_response(org, kind, fmt, queryset)
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        size = build()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "peak_mb": peak / 1e6, "queries": len(queries), "mb": size / 1e6}


def run(total: int) -> int:
    org, acting, vendors, models = setup()
    peaks = {}
    done = 0
    for size in (total // 4, total):
        fill(org, acting, done, size, vendors, models)
        done = size
        for kind, fmt in FORMATS:
            result = measure(org, kind, fmt)
            peaks[(fmt, size)] = result["peak_mb"]
            print(f"{size:>6} systems  {fmt:<4}  {result['seconds']:6.1f} s  "
                  f"peak {result['peak_mb']:6.1f} MB  {result['queries']:>3} queries  "
                  f"file {result['mb']:5.1f} MB", flush=True)  # fmt: skip
    grew = [fmt for _kind, fmt in FORMATS if peaks[(fmt, total)] > 2 * peaks[(fmt, total // 4)]]
    if grew:
        print(f"Memory grows with the register for: {', '.join(grew)}")
        return 1
    return 0


def run_restore(total: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope, scopes_disabled

    from governance.register import export, restore
    from governance.register.restore_files import read_export
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    org, acting, vendors, models = setup()
    fill(org, acting, 0, total, vendors, models)
    with scope(organization=org):
        response = export.export_response(org, "systems", "xlsx", export.systems_for_export(org))
    data = b"".join(response.streaming_content)
    started = time.perf_counter()
    tables, _fmt = read_export(data)
    read = time.perf_counter() - started
    with scopes_disabled():
        target = Organization.objects.create(name="Empty Corp", slug="empty")
        owner = Membership.objects.create(organization=target, user=acting.user, role=Role.OWNER)
    started = time.perf_counter()
    plan = restore.plan_restore(organization=target, tables=tables)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = restore.commit_restore(organization=target, acting=owner, tables=tables)
    committed = time.perf_counter() - started
    print(f"{total:>6} systems  XLSX {len(data) / 1e6:.1f} MB  read {read:.1f} s  preview "
          f"{planned:.1f} s  restore {committed:.1f} s in {len(queries)} queries  "
          f"({len(result.vendors)} vendors, {len(result.models)} models, "
          f"{len(result.systems)} systems)", flush=True)  # fmt: skip
    return 0 if plan.ok and len(result.systems) == total else 1


def setup():
    from django_scopes import scopes_disabled

    from governance.accounts.models import User
    from governance.register import services
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    with scopes_disabled():
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        owner = User.objects.create_user(email="owner@bench.test", password="x" * 12)
        acting = Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
        vendors = [services.create_vendor(organization=org, acting=acting,
                                          data={"name": f"Vendor {i}", "country": "NL"})
                   for i in range(200)]  # fmt: skip
        models = [services.create_model(organization=org, acting=acting, data={
            "name": f"Model {i}", "version": "1", "vendor": vendors[i],
            "evaluations": [{"metric": "f1", "value": 0.8}], "languages": ["en", "nl"]})
            for i in range(100)]  # fmt: skip
    return org, acting, vendors, models


if __name__ == "__main__":
    sys.exit(main())
