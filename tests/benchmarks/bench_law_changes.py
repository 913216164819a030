"""Benchmark re-evaluating every saved screening against a new version of the law.

    python tests/benchmarks/bench_law_changes.py [--systems 2000]

Sets up Django against a throwaway SQLite file, migrates, bulk-creates one organisation with
N classified systems (the Annex III, Annex I, transparency and GPAI screenings in turn, with
Art. 111 facts), then times `manage.py load_timeline` with the fictional amendment of
tests/fixtures/eu_ai_act/ (no classification written) and, per system, the query count of the
reassessment. Prints systems per second.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FICTIONAL = ROOT / "tests" / "fixtures" / "eu_ai_act" / "fictional-amendment.json"

SCREENINGS = [
    {"role": "deployer", "annex_iii": ["annex_iii_4_a"], "profiling": True},
    {
        "role": "provider",
        "annex_i": {"legislation": "lifts", "third_party_conformity_assessment": True},
    },
    {
        "role": "provider",
        "transparency": {"interacts_with_persons": True, "synthetic_content": True},
    },
    {
        "role": "provider",
        "gpai": {"training_flops": 1e24, "commission_designated": False, "open_source": False},
    },
]


def configure(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "governance.settings"
    os.environ["ANNEX_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.pop("REDIS_URL", None)


def build(count: int) -> None:
    """One organisation with `count` systems, each with one classification (bulk, fast)."""
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from governance.classification import questions, rules
    from governance.classification.models import Classification
    from governance.classification.timeline import default_timeline
    from governance.register.models import AISystem
    from governance.tenancy.models import Organization

    shipped = default_timeline()
    with scopes_disabled():
        org = Organization.objects.create(name="Bench", slug="bench")
        systems = AISystem.objects.bulk_create(
            AISystem(
                organization=org,
                name=f"System {i:05}",
                intended_purpose="x",
                placed_on_market_on=date(2024, 1, 1) if i % 3 else None,
                intended_for_public_authorities=bool(i % 5 == 0),
                classified_at=timezone.now(),
            )
            for i in range(count)
        )
        rows = []
        for i, system in enumerate(systems):
            raw = {
                "schema": "eu-ai-act-screening/1",
                "is_ai_system": True,
                "eu_nexus": True,
                "established_in_eu": True,
                **SCREENINGS[i % len(SCREENINGS)],
            }
            screening = rules.validate_screening(raw)
            result = rules.evaluate(screening, shipped)
            rows.append(
                Classification(
                    organization=org,
                    system=system,
                    version=1,
                    screening=screening,
                    result=result,
                    tier=result["tier"],
                    gpai=result["gpai"],
                    timeline_version=shipped.version,
                    answered_keys=questions.explicit_keys(raw),
                )
            )
        Classification.objects.bulk_create(rows, batch_size=500)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=2000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="annex-bench-law-"))
    try:
        configure(workdir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call_command("migrate", verbosity=0)
        build(args.systems)
        out = StringIO()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            call_command("load_timeline", str(FICTIONAL), stdout=out)
        elapsed = time.perf_counter() - started
        print(out.getvalue().strip())
        print(
            f"{args.systems} systems re-evaluated in {elapsed:.2f} s: "
            f"{args.systems / elapsed:,.0f} systems/s, "
            f"{len(queries) / args.systems:.1f} queries per system"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
