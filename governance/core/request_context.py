"""Facts about the current request that services record (channel and client address)."""

from contextlib import contextmanager
from contextvars import ContextVar

_meta: ContextVar[dict | None] = ContextVar("annex_request_meta", default=None)


def current_request_meta() -> dict:
    """Return {"via": web|api|task|command, "ip": address or None} for the current work."""
    return _meta.get() or {"via": "task", "ip": None}


@contextmanager
def request_meta(*, via: str, ip: str | None = None):
    """Set the channel and client address for the duration of a block."""
    token = _meta.set({"via": via, "ip": ip})
    try:
        yield
    finally:
        _meta.reset(token)


def set_request_meta(*, via: str, ip: str | None = None) -> None:
    """Set the channel for the rest of the current context (used where no block fits)."""
    _meta.set({"via": via, "ip": ip})
