"""Read typed settings from the environment; a value of the wrong type fails loudly."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# The embedded default's key: stable so that `manage.py start` keeps its sessions across
# restarts, and refused wherever the installation is in production (see `production_signals`).
DEVELOPMENT_SECRET_KEY = "annex-insecure-development-key-change-me-in-production-0123456789"

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1", "testserver"})


def env(name: str, default: str = "") -> str:
    """Return the variable's value, or the default when it is unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean: 1/true/yes/on or 0/false/no/off, anything else fails."""
    value = os.environ.get(name, "")
    if value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1, true, yes, on, 0, false, no, off."
    )


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer; a value that is not a whole number fails."""
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list."""
    value = os.environ.get(name, "")
    if not value.strip():
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def production_signals() -> list[str]:
    """Name the variables that say this installation serves real users.

    The rule: a process is in production when any of these is set, whatever DEBUG says.
    `manage.py start`, the tests and CI set none of them.
    """
    signals = []
    for name in (
        "ANNEX_REQUIRE_SECRET_KEY",
        "DJANGO_SECURE_COOKIES",
        "DJANGO_BEHIND_TLS_PROXY",
        "DJANGO_SECURE_SSL_REDIRECT",
    ):
        if env_bool(name, False):
            signals.append(name)
    if env_int("DJANGO_SECURE_HSTS_SECONDS", 0) > 0:
        signals.append("DJANGO_SECURE_HSTS_SECONDS")
    hosts = env_list("DJANGO_ALLOWED_HOSTS", [])
    if any(host.lower() not in LOCAL_HOSTS for host in hosts):
        signals.append("DJANGO_ALLOWED_HOSTS")
    if urlsplit(env("ANNEX_SITE_URL", "")).scheme == "https":
        signals.append("ANNEX_SITE_URL")
    return signals


def secret_key() -> str:
    """Return DJANGO_SECRET_KEY; refuse the development key (or none) in production."""
    key = env("DJANGO_SECRET_KEY", "")
    if key and key != DEVELOPMENT_SECRET_KEY:
        return key
    signals = production_signals()
    if signals:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a secret of your own in production "
            f"({', '.join(signals)} set); the development key is refused."
        )
    return DEVELOPMENT_SECRET_KEY
