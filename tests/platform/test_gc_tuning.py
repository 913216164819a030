"""The web process keeps what the app loaded out of later garbage collections (long pauses)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A server process refuses the development key (governance/core/security.py).
_SERVER = {"DJANGO_SECRET_KEY": "test-gc-tuning-" + "k" * 50}


def _probe(**env) -> list[int]:
    script = "import gc, governance.wsgi; print(gc.get_freeze_count(), *gc.get_threshold())"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "governance.settings", **_SERVER, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [int(word) for word in result.stdout.split()[-4:]]


def test_the_wsgi_app_freezes_the_loaded_app_and_applies_the_threshold_setting(tmp_path):
    frozen, gen0, _gen1, _gen2 = _probe(ANNEX_VAR_DIR=str(tmp_path), ANNEX_GC_GEN0_THRESHOLD="5000")
    # Modules, URL patterns, views and model metadata: well over 100,000 objects.
    assert frozen > 100_000
    assert gen0 == 5000
