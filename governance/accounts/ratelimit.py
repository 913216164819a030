"""Limit failed sign-in attempts per email address and per client address."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(email: str, client: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{client}"]


def is_locked(email: str, client: str) -> bool:
    """Return True when either the account or the client address has too many failures."""
    limit = settings.LOGIN_RATE_LIMIT
    # A client address gets more room than one account: an office shares one address.
    email_key, ip_key = _keys(email, client)
    return (cache.get(email_key, 0) >= limit) or (cache.get(ip_key, 0) >= limit * 4)


def record_failure(email: str, client: str) -> None:
    """Count one failed attempt for the email and the client address."""
    window = settings.LOGIN_RATE_WINDOW
    for key in _keys(email, client):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def reset(email: str, client: str) -> None:
    """Forget the failures of an email once it signs in."""
    cache.delete(_keys(email, client)[0])


def client_address(request) -> str:
    """Return the client's address (REMOTE_ADDR; a trusted proxy sets it)."""
    return request.META.get("REMOTE_ADDR", "unknown")
