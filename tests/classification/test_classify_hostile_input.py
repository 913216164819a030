"""`manage.py classify` exits 2 with a message, never a traceback, whatever it is given."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

VALID = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
}


@pytest.fixture
def env(tmp_path):
    environ = dict(os.environ)
    environ["ANNEX_VAR_DIR"] = str(tmp_path / "var")
    environ["DATABASE_URL"] = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    return environ


def classify(env, data: bytes):
    return subprocess.run(
        [sys.executable, "manage.py", "classify", "-"],
        cwd=ROOT,
        env=env,
        input=data,
        capture_output=True,
        timeout=60,
    )


HOSTILE = {
    "duplicate-keys": b'{"schema": "x", "role": "provider", "role": "deployer"}',
    "not-utf8": '{"schema": "eu-ai-act-screening/1", "role": "\u30d7"}'.encode("shift_jis"),
    "latin1": b'{"role": "d\xe9ployeur"}',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "moderate-nesting": b'{"a":' * 500 + b"1" + b"}" * 500,
    "huge": b'{"pad": "' + b"x" * 2_000_000 + b'"}',
    "nan": b'{"schema": NaN}',
    "infinity": b'{"gpai": {"training_flops": Infinity}}',
    "not-an-object": b"[1, 2, 3]",
    "number": b"1e400",
    "empty": b"",
    "binary": bytes(range(256)),
    "wrong-types": json.dumps({**VALID, "role": ["provider"], "annex_iii": {"a": 1}}).encode(),
}


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_it_exits_2_with_a_message_and_no_traceback(env, data):
    result = classify(env, data)

    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stderr.strip()


def test_it_names_a_duplicate_key(env):
    result = classify(env, HOSTILE["duplicate-keys"])

    assert b"'role' appears twice" in result.stderr
