"""Benchmark the catalogues: parsing and loading the shipped files, choosing the applicable items,
and reading a whole framework through the API and the web page.

    python tests/benchmarks/bench_catalogue.py [--db sqlite|postgres] [-n 50]

A throwaway database (migrated, so the shipped catalogues are loaded by the data migration),
one organisation and its owner. Prints medians and p95 in milliseconds.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_register import configure  # noqa: E402


def report(label, fn, n):
    median, p95 = timed(fn, n)
    print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms")


def timed(fn, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        configure(args.db, Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args.n)


def run(n: int) -> None:
    from django.db import transaction
    from django.test import Client
    from django_scopes import scopes_disabled

    from compliance.catalogue.conditions import facts_from_classification
    from compliance.catalogue.loader import parse_catalogue
    from compliance.catalogue.models import Framework
    from compliance.catalogue.selectors import applicable_requirements, get_framework
    from compliance.catalogue.services import (
        CATALOGUE_DIR,
        load_catalogue_files,
        shipped_catalogue_files,
    )
    from governance.accounts.models import User
    from governance.classification.rules import classify, validate_screening
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    data = (CATALOGUE_DIR / "eu-ai-act.yaml").read_bytes()
    report(
        f"parse eu-ai-act.yaml ({len(data):,} bytes)",
        lambda: parse_catalogue(data, "eu-ai-act.yaml"),
        n,
    )

    class Rollback(Exception):
        pass

    def reload():
        try:
            with transaction.atomic():
                Framework.objects.filter(organization__isnull=True).delete()
                load_catalogue_files(shipped_catalogue_files())
                raise Rollback
        except Rollback:
            pass

    report("load both shipped files into an empty catalogue", reload, max(5, n // 5))
    report(
        "load again, unchanged (no-op)",
        lambda: load_catalogue_files(shipped_catalogue_files()),
        max(5, n // 5),
    )

    eu = get_framework(None, "eu-ai-act")
    screening = validate_screening(
        {
            "schema": "eu-ai-act-screening/1",
            "role": "provider",
            "is_ai_system": True,
            "eu_nexus": True,
            "established_in_eu": False,
            "annex_iii": ["annex_iii_1_a"],
            "transparency": {"interacts_with_persons": True},
        }
    )
    result = classify(screening)
    facts = facts_from_classification(screening, result)
    codes = set(result["obligations"])
    items = applicable_requirements(eu, codes, facts)
    report(
        f"applicable items, high-risk provider ({len(items)} items)",
        lambda: applicable_requirements(eu, codes, facts),
        n,
    )

    with scopes_disabled():
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        user = User.objects.create_user(email="o@bench.test", password="x" * 12)
        Membership.objects.create(organization=org, user=user, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    api = "/api/v1/o/bench/frameworks/eu-ai-act/?page_size=500"
    page = "/o/bench/catalogues/eu-ai-act/"
    assert client.get(api).status_code == 200 and client.get(page).status_code == 200
    report("API framework detail, every requirement (page_size=500)", lambda: client.get(api), n)
    report("web framework page, whole tree", lambda: client.get(page), n)


if __name__ == "__main__":
    main()
