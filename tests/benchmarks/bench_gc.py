"""Measure garbage-collection pauses on the register list with 5,000 AI systems (SQLite).

    python tests/benchmarks/bench_gc.py [-n 300] [--systems 5000] [--tuned]

Builds the register of bench_register.py in a throwaway SQLite database, then requests the
web list page N times through Django's test client. Every collection is timed with
`gc.callbacks`; per request it records the latency and the time spent collecting. Prints the
latency distribution, the collections per generation with their pauses, and how many requests
included a full (generation 2) collection. `--tuned` first applies what wsgi.py and
`manage.py start` apply (governance/core/gc_tuning.py: gc.freeze() and a higher threshold).
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_register import build_register, configure  # noqa: E402


class GCClock:
    """Time each collection (gc.callbacks), grouped by generation."""

    def __init__(self):
        self.pauses: dict[int, list[float]] = defaultdict(list)
        self._started = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self._started) * 1000)

    def total(self) -> float:
        return sum(sum(p) for p in self.pauses.values())

    def full_collections(self) -> int:
        return len(self.pauses[2])


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(n: int, count: int, tuned: bool) -> None:
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0)
    owner = build_register(count)
    client = Client()
    client.force_login(owner)
    path = "/o/bench/register/systems/"
    for _ in range(5):
        assert client.get(path).status_code == 200
    if tuned:
        from governance.core.gc_tuning import tune_garbage_collector

        print("Tuned: gc.freeze(), threshold", tune_garbage_collector())
    else:
        gc.collect()
        print("Default collector, threshold", gc.get_threshold())
    print(f"Objects tracked by the collector: {len(gc.get_objects()):,}")
    clock = GCClock()
    gc.callbacks.append(clock)
    latencies, gc_per_request, full_in_request = [], [], 0
    try:
        for _ in range(n):
            before_total, before_full = clock.total(), clock.full_collections()
            t0 = time.perf_counter()
            response = client.get(path)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
            gc_per_request.append(clock.total() - before_total)
            full_in_request += clock.full_collections() > before_full
    finally:
        gc.callbacks.remove(clock)
    print(f"\n{n} requests of {path} ({count} systems)")
    print(
        f"latency ms: median {statistics.median(latencies):.1f}  p90 {_pct(latencies, 0.9):.1f}"
        f"  p99 {_pct(latencies, 0.99):.1f}  max {max(latencies):.1f}"
    )
    print(
        f"gc ms per request: mean {statistics.mean(gc_per_request):.2f}"
        f"  max {max(gc_per_request):.1f}  requests with a full collection: {full_in_request}"
    )
    for generation in (0, 1, 2):
        pauses = clock.pauses.get(generation, [])
        if pauses:
            print(
                f"generation {generation}: {len(pauses):5} collections, pause median "
                f"{statistics.median(pauses):.2f} ms, max {max(pauses):.1f} ms"
            )
        else:
            print(f"generation {generation}:     0 collections")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--systems", type=int, default=5000)
    parser.add_argument("--tuned", action="store_true")
    parser.add_argument("--threshold", type=int, help="ANNEX_GC_GEN0_THRESHOLD for --tuned")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        configure("sqlite", Path(tmp))
        if args.threshold is not None:
            os.environ["ANNEX_GC_GEN0_THRESHOLD"] = str(args.threshold)
        run(args.n, args.systems, args.tuned)
    return 0


if __name__ == "__main__":
    sys.exit(main())
