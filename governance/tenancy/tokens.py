"""Make and check secrets: API tokens and invitation links. Only hashes are stored."""

import hashlib
import hmac
import secrets

from django.utils.crypto import salted_hmac

TOKEN_PREFIX = "annex"


def hash_secret(secret: str) -> str:
    """Return the SHA-256 hex digest of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_token() -> tuple[str, str, str]:
    """Return (full token, lookup prefix, hash). The full token is shown once and never stored."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    full = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    return full, prefix, hash_secret(full)


def split_api_token(full: str) -> str | None:
    """Return the lookup prefix of a well-formed token, else None."""
    parts = full.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 8 or not parts[2]:
        return None
    return parts[1]


def matches(full: str, stored_hash: str) -> bool:
    """Compare a presented token with a stored hash in constant time."""
    return hmac.compare_digest(hash_secret(full), stored_hash)


def invitation_secret(invitation_uuid) -> str:
    """Derive an invitation link's secret from the invitation's random id and SECRET_KEY.

    Neither the database nor the job queue holds the secret: the email job derives it again
    from the row, and the database keeps only its hash. Reading the database is not enough to
    forge a link; rotating SECRET_KEY voids links not yet emailed (their job then gives up).
    """
    return salted_hmac(
        "annex.invitation-link", str(invitation_uuid), algorithm="sha256"
    ).hexdigest()
