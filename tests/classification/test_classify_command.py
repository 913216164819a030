"""`manage.py classify FILE|-`: JSON out and exit 0, or every problem on stderr and exit 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from governance.classification.rules import classify

ROOT = Path(__file__).resolve().parents[2]

CHATBOT = {
    "schema": "eu-ai-act-screening/1",
    "role": "provider",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "transparency": {"interacts_with_persons": True},
}
CV_SCREENING = {
    "schema": "eu-ai-act-screening/1",
    "role": "deployer",
    "is_ai_system": True,
    "eu_nexus": True,
    "established_in_eu": True,
    "annex_iii": ["annex_iii_4_a"],
    "profiling": True,
}


@pytest.fixture
def env(tmp_path):
    """Run against a throw-away database path, to prove the command never creates it."""
    environ = dict(os.environ)
    environ["ANNEX_VAR_DIR"] = str(tmp_path / "var")
    environ["DATABASE_URL"] = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    return environ


def manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", "classify", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(tmp_path, content, name="screening.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_classifies_a_file(env, tmp_path):
    done = manage(env, str(write(tmp_path, CHATBOT)))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result == classify(CHATBOT)
    assert result["tier"] == "limited_risk"
    assert result["obligations"] == ["art_4", "art_50_1"]


def test_classifies_standard_input(env):
    done = manage(env, "-", stdin=json.dumps(CV_SCREENING))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["tier"] == "high_risk"
    assert result["high_risk_basis"] == ["annex_iii_4_a"]
    assert {"art_4", "art_26"} <= set(result["obligations"])


def test_output_is_indented_with_a_stable_key_order(env, tmp_path):
    first = manage(env, str(write(tmp_path, CV_SCREENING))).stdout
    second = manage(env, "-", stdin=json.dumps(CV_SCREENING)).stdout
    assert first == second
    assert first.startswith('{\n  "schema": "eu-ai-act-classification/1",\n  "tier": ')
    assert first == json.dumps(classify(CV_SCREENING), indent=2) + "\n"


def test_never_touches_the_database(env, tmp_path):
    manage(env, "-", stdin=json.dumps(CHATBOT))
    manage(env, "-", stdin="{}")
    assert not (tmp_path / "never.sqlite3").exists()


def test_invalid_screening_prints_every_problem_on_its_own_line_and_exits_2(env):
    bad = {
        "schema": "eu-ai-act-screening/1",
        "role": "vendor",
        "is_ai_system": True,
        "annex_iii": ["annex_iii_9_a"],
        "foo": 1,
        "transparency": {"deep_fake": "yes"},
    }
    done = manage(env, "-", stdin=json.dumps(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "foo: unknown key",
        "role: unknown code 'vendor'",
        "annex_iii: unknown code 'annex_iii_9_a'",
        "transparency.deep_fake: must be true or false, got 'yes'",
    ]


def test_contradiction_exits_2_naming_the_key(env, tmp_path):
    data = dict(CHATBOT, art_6_3_conditions=["a"])
    done = manage(env, str(write(tmp_path, data)))
    assert done.returncode == 2
    assert done.stderr.startswith(
        "art_6_3_conditions: a derogation is claimed but no Annex III point is given"
    )


def test_missing_required_keys_exit_2(env):
    done = manage(env, "-", stdin="{}")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "schema: required",
        "role: required",
        "is_ai_system: required",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "{'role': 'provider'}",
        '{"schema": "eu-ai-act-screening/1",}',
        '{"gpai": {"training_flops": NaN}}',
        '{"gpai": {"training_flops": Infinity}}',
    ],
)
def test_invalid_json_exits_2(env, text):
    done = manage(env, "-", stdin=text)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("screening: invalid JSON")


@pytest.mark.parametrize("text", ["[]", '"screening"', "null", "42"])
def test_json_that_is_not_an_object_exits_2(env, text):
    done = manage(env, "-", stdin=text)
    assert done.returncode == 2
    assert done.stderr.startswith("screening: must be a JSON object")


def test_missing_file_exits_2(env, tmp_path):
    missing = tmp_path / "nope.json"
    done = manage(env, str(missing))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == f"FILE: no such file: {missing}"


def test_directory_exits_2(env, tmp_path):
    done = manage(env, str(tmp_path))
    assert done.returncode == 2
    assert "is a directory" in done.stderr


def test_file_that_is_not_utf8_exits_2(env, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"role": "d\xe9ployeur"}'.encode("latin-1"))
    done = manage(env, str(path))
    assert done.returncode == 2
    assert "UTF-8" in done.stderr


def test_file_argument_is_required(env):
    done = manage(env)
    assert done.returncode != 0
    assert done.stdout == ""


def test_public_authority_is_read_and_adds_the_registration_of_use(env, tmp_path):
    data = dict(CV_SCREENING, public_authority=True)
    done = manage(env, str(write(tmp_path, data)))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"art_26", "art_27", "art_49_3"} <= set(result["obligations"])
    assert result["applies_from"]["art_49_3"] == "2027-12-02"


def test_the_amended_contradictions_exit_2_each_on_its_own_line(env):
    data = dict(
        CV_SCREENING,
        prohibited_exception="authorised_law_enforcement_use",
        prohibited_practices=["art_5_1_c"],
        public_authority=True,
        public_service_deployer=False,
        art_6_3_conditions=["a"],
        annex_iii=[],
    )
    done = manage(env, "-", stdin=json.dumps(data))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "public_authority",
        "art_6_3_conditions",
        "prohibited_exception",
    ]
    assert "Art. 5(1)(h) (art_5_1_h), which is not listed in prohibited_practices" in lines[2]


FICTIONAL = ROOT / "tests" / "fixtures" / "eu_ai_act" / "fictional-amendment.json"


def test_a_timeline_file_replaces_the_shipped_law(env, tmp_path):
    screening = write(tmp_path, CV_SCREENING)
    shipped = json.loads(manage(env, str(screening)).stdout)
    amended = manage(env, "--timeline", str(FICTIONAL), str(screening))
    assert amended.returncode == 0, amended.stderr
    result = json.loads(amended.stdout)
    # The fictional amendment postpones the deployer's Annex III obligations by a year.
    assert shipped["applies_from"]["art_26"] == "2027-12-02"
    assert result["applies_from"]["art_26"] == "2028-12-02"
    assert result == classify(CV_SCREENING, timeline=_fictional())
    assert not (tmp_path / "never.sqlite3").exists()


def test_a_timeline_that_is_not_one_exits_2_before_classifying(env, tmp_path):
    screening = write(tmp_path, CV_SCREENING)
    not_a_timeline = write(tmp_path, {"hello": "world"}, name="timeline.json")
    run = manage(env, "--timeline", str(not_a_timeline), str(screening))
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("timeline: ")
    missing = manage(env, "--timeline", str(tmp_path / "absent.json"), str(screening))
    assert missing.returncode == 2
    assert "cannot read the file" in missing.stderr


def _fictional():
    from governance.classification.law_changes import read_timeline_file

    return read_timeline_file(FICTIONAL)[1]
