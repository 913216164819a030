"""Measure EU AI Act classifications per second (validate + classify) in one process.

Run: python tests/benchmarks/bench_classification.py [seconds]

Prints the figure and exits 1 when it is below 20,000 classifications per second.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from governance.classification import codes  # noqa: E402
from governance.classification.rules import SCHEMA_IN, classify  # noqa: E402

TARGET = 20_000


def screenings() -> list[dict]:
    """Build a varied set of screenings covering every branch of the engine."""
    annex = [
        {},
        {"annex_iii": ["annex_iii_4_a"], "profiling": True},
        {"annex_iii": ["annex_iii_1_a", "annex_iii_5_b"], "public_service_deployer": True},
        {"annex_iii": ["annex_iii_5_a"], "public_authority": True},
        {"annex_iii": ["annex_iii_2"], "art_6_3_conditions": ["a", "d"]},
        {"annex_i": {"legislation": "medical_devices", "third_party_conformity_assessment": True}},
        {"annex_i": {"legislation": "machinery", "third_party_conformity_assessment": True}},
        {"annex_i": {"legislation": "toys", "third_party_conformity_assessment": False}},
        {"prohibited_practices": ["art_5_1_c", "art_5_1_ba"]},
        {"prohibited_practices": ["art_5_1_f"], "prohibited_exception": "medical_or_safety"},
    ]
    transparency = [
        {},
        {"transparency": {"interacts_with_persons": True}},
        {"transparency": {"synthetic_content": True, "deep_fake": True}},
        {"transparency": {"public_interest_text": True, "human_editorial_control": True}},
    ]
    gpai = [{}, {"gpai": {"training_flops": 3e25, "open_source": True}}]
    scope = [
        {},
        {"scope_exclusion": "free_open_source"},
        {"eu_nexus": False},
    ]
    result = []
    for role, a, t, g, s, est in itertools.product(
        codes.ROLES, annex, transparency, gpai, scope, (True, False)
    ):
        data = {
            "schema": SCHEMA_IN,
            "role": role,
            "is_ai_system": True,
            "eu_nexus": True,
            "established_in_eu": est,
            "art_25_trigger": role == "importer",
        }
        for part in (a, t, g, s):
            data.update(part)
        # Decode from JSON text so the objects look like what the API and command receive.
        result.append(json.loads(json.dumps(data)))
    return result


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    cases = screenings()
    for case in cases:  # warm up; also proves every case is valid
        classify(case)
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for case in cases:
            classify(case)
        done += len(cases)
        now = time.perf_counter()
        if now >= deadline:
            break
    rate = done / (now - start)
    print(
        f"{rate:,.0f} classifications/second "
        f"({done:,} in {now - start:.2f} s over {len(cases):,} distinct screenings; "
        f"target {TARGET:,}/s)"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
