"""Deployment settings: the development key is refused in production, booleans are strict,
`check --deploy` is clean under the README's production variables, security headers are sent."""

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance import env as env_module
from governance.core.security import refuse_development_key_in_server
from governance.env import DEVELOPMENT_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# Variables that would leak from the developer's shell into the child processes.
_SETTINGS_VARS = re.compile(r"^(DJANGO_|ANNEX_|DATABASE_|DB_|CELERY_|REDIS_URL|EMAIL_)")


def readme_production_env() -> dict[str, str]:
    """Return the variables the README's production section exports."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    variables = {}
    for line in section.splitlines():
        if line.startswith("export "):
            for word in shlex.split(line)[1:]:
                name, _, value = word.partition("=")
                variables[name] = value
    return variables


def run_python(tmp_path, extra_env: dict[str, str], *args: str, timeout: int = 60):
    """Run `python <args>` in a clean environment with the given settings variables."""
    clean = {k: v for k, v in os.environ.items() if not _SETTINGS_VARS.match(k)}
    clean.update({"ANNEX_VAR_DIR": str(tmp_path / "var"), **extra_env})
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_env(**overrides) -> dict[str, str]:
    variables = readme_production_env()
    variables["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    variables.update(overrides)
    return {k: v for k, v in variables.items() if v is not None}


def test_the_readme_production_variables_pass_check_deploy_without_a_warning(tmp_path):
    result = run_python(tmp_path, production_env(), "manage.py", "check", "--deploy")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.parametrize(
    "overrides",
    [
        {"DJANGO_SECRET_KEY": None},
        {"DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY},
        {"DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY, "DJANGO_DEBUG": "1"},
        {"DJANGO_SECRET_KEY": None, "ANNEX_REQUIRE_SECRET_KEY": "0"},
    ],
    ids=["unset", "set-to-the-development-key", "with-debug-on", "without-require-flag"],
)
def test_production_refuses_to_start_with_the_development_key(tmp_path, overrides):
    result = run_python(tmp_path, production_env(**overrides), "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a secret of your own" in result.stderr


def test_check_deploy_fails_on_the_development_key_even_without_production_variables(tmp_path):
    result = run_python(tmp_path, {}, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "annex.E001" in result.stderr + result.stdout


def test_the_embedded_default_still_passes_its_checks(tmp_path):
    result = run_python(tmp_path, {}, "manage.py", "check")
    assert result.returncode == 0, result.stderr


def test_gunicorn_refuses_to_serve_with_the_development_key(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    clean = {k: v for k, v in os.environ.items() if not _SETTINGS_VARS.match(k)}
    clean["ANNEX_VAR_DIR"] = str(tmp_path / "var")
    process = subprocess.Popen(
        [str(gunicorn), "governance.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=ROOT,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
        pytest.fail("gunicorn kept serving with the development key")
    assert process.returncode != 0
    assert "Refusing to serve with the development secret key" in stderr


def test_a_server_other_than_runserver_is_refused_the_development_key(settings, monkeypatch):
    settings.SECRET_KEY = DEVELOPMENT_SECRET_KEY
    settings.DEBUG = False
    monkeypatch.delitem(sys.modules, "django.core.management.commands.runserver", raising=False)
    with pytest.raises(ImproperlyConfigured):
        refuse_development_key_in_server()
    import django.core.management.commands.runserver  # noqa: F401  (what `start` runs)

    refuse_development_key_in_server()  # the embedded server keeps working


@pytest.mark.parametrize("value", ["yes please", "2", "enabled", "tru"])
def test_a_boolean_that_is_not_a_boolean_is_an_error(monkeypatch, value):
    monkeypatch.setenv("DJANGO_SECURE_COOKIES", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECURE_COOKIES"):
        env_module.env_bool("DJANGO_SECURE_COOKIES", False)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), (" Yes ", True), ("off", False), ("FALSE", False)]
)
def test_the_boolean_words_are_read(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_SECURE_COOKIES", value)
    assert env_module.env_bool("DJANGO_SECURE_COOKIES", not expected) is expected


def test_a_bad_boolean_stops_the_start(tmp_path):
    result = run_python(tmp_path, {"DJANGO_DEBUG": "yes please"}, "manage.py", "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='yes please' is not a boolean" in result.stderr


PRINT_DB = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'governance.settings'; "
    "django.setup(); from django.conf import settings; d = settings.DATABASES['default']; "
    "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
)


def test_database_connections_persist_by_default_on_postgresql(tmp_path):
    url = {"DATABASE_URL": "postgres://annex@127.0.0.1:5432/annex"}
    assert run_python(tmp_path, url, "-c", PRINT_DB).stdout.split() == ["60", "True"]
    sqlite = run_python(tmp_path, {}, "-c", PRINT_DB).stdout.split()
    assert sqlite == ["0", "True"]
    chosen = run_python(tmp_path, {**url, "DB_CONN_MAX_AGE": "5"}, "-c", PRINT_DB)
    assert chosen.stdout.split() == ["5", "True"]


def test_hsts_and_the_ssl_redirect_are_settings(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'governance.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = run_python(tmp_path, production_env(), "-c", code)
    assert result.stdout.split() == ["True", "31536000", "True"]
    assert run_python(tmp_path, {}, "-c", code).stdout.split() == ["False", "0", "False"]


def test_the_ssl_redirect_sends_http_to_https_but_not_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=3600"


def test_every_page_forbids_inline_script(client, world):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "default-src 'self'" in policy
    client.force_login(world.alice)
    assert "Content-Security-Policy" in client.get("/o/acme/")


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(client, world):
    assert "no-store" not in client.get("/healthz").get("Cache-Control", "")
    client.force_login(world.alice)
    for url in ("/o/acme/", "/o/acme/members/", "/accounts/me/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        # A JSON data block is not executed, so the policy allows it.
        text = re.sub(r"<script[^>]*application/json[^>]*>.*?</script>", "", text, flags=re.S)
        for pattern in (_INLINE_SCRIPT, _EVENT_HANDLER, _JS_URL):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []
