"""Benchmark reading one object's audit history as the audit trail grows (SQLite or PostgreSQL).

    python tests/benchmarks/bench_audit.py [--db sqlite|postgres] [--events 10000 40000] [-n 300]
                                           [--before] [--analyze]

For each size: a throwaway database, one organisation with that many audit events spread over
2,000 objects of four kinds (plus a second organisation's events), then the query the detail
pages run (`events_of(org).filter(object_id=…)[:20]`, newest first) timed N times for an object
whose history is old (the worst case for a time-ordered scan) and one whose history is recent.
Prints the median and p95 in milliseconds and the plan the database chose (without ANALYZE,
as Django leaves it, unless --analyze). `--before` swaps the history index for the one it
replaced, to compare.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_register import configure  # noqa: E402

KINDS = ["register.aisystem", "register.aimodel", "register.vendor", "tenancy.membership"]


def build(events: int):
    from django_scopes import scopes_disabled

    from governance.audit.models import AuditEvent
    from governance.tenancy.models import Organization

    rng = random.Random(7)
    with scopes_disabled():
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        other = Organization.objects.create(name="Other Corp", slug="other")
        objects = [(KINDS[i % 4], f"00000000-0000-0000-0000-{i:012d}") for i in range(2000)]
        start = datetime(2026, 1, 1, tzinfo=UTC)
        step = timedelta(days=300) / events
        rows = []
        for i in range(events):
            # The old object has its history in the first 1% of the trail; the recent one last.
            if i < 30:
                kind, oid = objects[0]
            elif i >= events - 30:
                kind, oid = objects[1]
            else:
                kind, oid = objects[rng.randrange(2, len(objects))]
            rows.append(
                AuditEvent(
                    organization=org if i % 10 else other,
                    actor_label="bench@bench.test",
                    action=f"{kind.split('.')[1]}.updated",
                    object_type=kind,
                    object_id=oid,
                    object_repr=f"Object {oid[-4:]}",
                    changes={"name": ["a", "b"]},
                    created_at=start + step * i,
                )
            )
        AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return org, objects[0][1], objects[1][1]


def run_size(events: int, n: int, analyze: bool, before: bool) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    django.setup()
    call_command("migrate", verbosity=0)
    if before:  # the indexes as they were before audit migration 0002, for comparison
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX audit_org_object_time")
            cursor.execute(
                "CREATE INDEX audit_org_object ON audit_auditevent "
                "(organization_id, object_type, object_id)"
            )
    org, old_id, recent_id = build(events)
    if analyze:  # Django never runs ANALYZE: by default, measure the plan installations get
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from governance.audit.selectors import events_of

    with scopes_disabled():
        for label, object_id in (("old history", old_id), ("recent history", recent_id)):
            query = events_of(org).filter(object_id=object_id)[:20]
            assert len(list(query)) == 20
            timings = []
            for _ in range(n):
                t0 = time.perf_counter()
                list(events_of(org).filter(object_id=object_id)[:20])
                timings.append((time.perf_counter() - t0) * 1000)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{events:>7,} events  {label:15} median {statistics.median(timings):6.2f} ms"
                f"  p95 {p95:6.2f} ms"
            )
        plan = query.explain()
        print("  plan:", " | ".join(line.strip() for line in plan.splitlines()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 40_000])
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE before timing")
    parser.add_argument("--before", action="store_true", help="with the indexes before 0002")
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one size per process
    args = parser.parse_args()
    if args.size is None:
        import subprocess

        for size in args.events:
            cmd = [sys.executable, __file__, "--db", args.db, "-n", str(args.n)]
            cmd += ["--analyze"] if args.analyze else []
            cmd += ["--before"] if args.before else []
            subprocess.run([*cmd, "--size", str(size)], check=True)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        configure(args.db, Path(tmp))
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        run_size(args.size, args.n, args.analyze, args.before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
