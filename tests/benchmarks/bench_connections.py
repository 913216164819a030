"""Benchmark persistent database connections: a system's detail page on PostgreSQL with
DB_CONN_MAX_AGE=0 (a new connection per request) against the production default of 60.

    python tests/benchmarks/bench_connections.py [-n 200] [--host 127.0.0.1]

Creates the database `annex_bench_conn` (user postgres, no password), migrates, adds one
organisation with 200 systems, then times N requests of one system's page through Django's
test client with each setting (request_started/finished close or keep the connection exactly
as in a server). The connection goes over TCP, as it does to a database server.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "annex_bench_conn"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = f"postgres://postgres@{args.host}:5432"
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
        conn.execute(f"CREATE DATABASE {NAME}")
    workdir = Path(tempfile.mkdtemp(prefix="annex-bench-conn-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        ANNEX_VAR_DIR=str(workdir / "var"),
        DJANGO_DEBUG="0",
        DATABASE_URL=f"{server}/{NAME}",
    )
    os.environ.pop("DB_CONN_MAX_AGE", None)
    import django

    django.setup()
    from bench_register import build_register
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_scopes import scopes_disabled

    from governance.register.models import AISystem

    print(f"default CONN_MAX_AGE on PostgreSQL: {settings.DATABASES['default']['CONN_MAX_AGE']}")
    call_command("migrate", verbosity=0)
    owner = build_register(200)
    with scopes_disabled():
        system = AISystem.objects.order_by("pk").first()
    url = f"/o/bench/register/systems/{system.uuid}/"
    client = Client()
    client.force_login(owner)
    try:
        for max_age in (0, 60):
            connection.close()
            connection.settings_dict["CONN_MAX_AGE"] = max_age
            for _ in range(10):
                assert client.get(url).status_code == 200
            times = []
            for _ in range(args.n):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
            print(f"DB_CONN_MAX_AGE={max_age:>2}: median {median:6.2f} ms, p95 {p95:6.2f} ms")
    finally:
        connection.close()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
