"""Throttling of sign-in, the two-factor step and password reset that cannot lock everyone out.

The rule, per window of LOGIN_RATE_WINDOW seconds:

1. Per account: LOGIN_RATE_LIMIT failures (a wrong password or a wrong two-factor code) lock
   that account only: every attempt for it answers 429 until the window passes or a password
   reset through the emailed link unlocks it. Unknown emails are counted alike, so the answer
   says nothing about which accounts exist. This bounds the guesses at any one account, from
   however many addresses they come.
2. Per client address: after LOGIN_ADDRESS_LIMIT failures from one address, each further
   *failure* from it answers 429 ("too many failed sign-ins from your network"), but a correct
   password for an account that is not itself locked still signs in. One address is often
   many people (an office, the TLS proxy in front of Annex), so an address never blocks a
   correct password: what it limits is what it can, the answers to wrong ones.
3. Password reset requests: LOGIN_RATE_LIMIT per email and LOGIN_ADDRESS_LIMIT per address;
   beyond either, 429 and no email (no e-mail bombing, no unbounded mail queue).
4. Password reset links: an invalid link counts as a failure of the address; from an address
   over its limit a further invalid link answers 429, a valid link always works.

The client address is REMOTE_ADDR; with TRUSTED_PROXY_HOPS = N (N proxies in front, each
appending the address it received the request from) it is the Nth entry of X-Forwarded-For
counted from the right: entries further left were written by the client and are not trusted.
IPv6 addresses are counted per /64, what one subscriber is usually given.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("annex.security")

ACCOUNT_LOCKED = (
    "Too many failed sign-in attempts for this account. Wait 15 minutes, or reset your password "
    "to unlock it now."
)
ADDRESS_LIMITED = (
    "Too many failed sign-in attempts from your network. Check the email and password: a "
    "correct one still signs you in."
)
RESET_LIMITED = (
    "Too many password reset requests. Wait 15 minutes, then ask again; check your spam folder "
    "for the emails already sent."
)
LINK_LIMITED = "Too many invalid reset links from your network. Wait 15 minutes and try again."


def _key(kind: str, value: str) -> str:
    return f"throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _account(email: str) -> str:
    return _key("account", (email or "").strip().lower())


def _address(request) -> str:
    return _key("address", client_address(request))


def _count(key: str) -> int:
    return cache.get(key, 0)


def _hit(key: str) -> int:
    window = settings.LOGIN_RATE_WINDOW
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def account_locked(email: str) -> bool:
    """Return whether this account has used up its failures for the window."""
    return _count(_account(email)) >= settings.LOGIN_RATE_LIMIT


def address_limited(request) -> bool:
    """Return whether the client's address has used up its failures for the window."""
    return _count(_address(request)) >= settings.LOGIN_ADDRESS_LIMIT


def record_failure(request, email: str) -> None:
    """Count a failed password or code against the account and the client address."""
    account_key = _account(email)
    if _hit(account_key) == settings.LOGIN_RATE_LIMIT:
        # For the operators: which account (by its key, not its email) and from where.
        logger.warning("sign-in locked: %s from %s", account_key, client_address(request))
    if _hit(_address(request)) == settings.LOGIN_ADDRESS_LIMIT:
        logger.warning("sign-in failures limited for address %s", client_address(request))


def record_address_failure(request) -> None:
    _hit(_address(request))


def clear_account(email: str) -> None:
    """Forget an account's failures once its owner has proved who they are."""
    cache.delete(_account(email))


def reset_request_refused(request, email: str) -> bool:
    """Count a password reset request; return True when it is one too many."""
    email_key = _key("reset-email", (email or "").strip().lower())
    address_key = _key("reset-address", client_address(request))
    refused = (
        _count(email_key) >= settings.LOGIN_RATE_LIMIT
        or _count(address_key) >= settings.LOGIN_ADDRESS_LIMIT
    )
    _hit(email_key)
    _hit(address_key)
    return refused


def _parse(value: str):
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address


def client_ip(request) -> str | None:
    """Return the real client's IP, trusting X-Forwarded-For only as far as configured."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")[:2000]
        entries = [entry.strip() for entry in header.split(",") if entry.strip()]
        # Fewer entries than proxies: the request skipped one; only the connection is known.
        forwarded = _parse(entries[-hops]) if len(entries) >= hops else None
        remote = forwarded or remote
    return str(remote) if remote is not None else None


def client_address(request) -> str:
    """Return the key the throttle counts by: the client's IP, an IPv6 client by its /64."""
    ip = client_ip(request)
    if ip is None:
        return "unknown"
    if ":" in ip:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return ip
