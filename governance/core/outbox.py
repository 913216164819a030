"""The email outbox: queue an email inside a transaction, send it from a job, retry, give up.

- `queue_email` writes an OutboundEmail row in the caller's transaction and publishes a job
  with the row's id once the transaction commits. A broker that is down does not fail the
  caller: the row stays pending and `dispatch_due_emails` (run by beat) queues it later.
- `deliver_email` claims the row with a conditional update (pending, or sending with a lapsed
  claim → sending), renders the message from the database, sends it with the SMTP timeout and
  marks it sent. A failure schedules the next attempt with exponential back-off; after
  settings.OUTBOX_MAX_ATTEMPTS the row is marked failed with the reason, for admins to see.
- Renderers are registered per kind by the app that owns the email (`register_renderer`), so
  this module imports no product app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.core.models import OutboundEmail

log = logging.getLogger(__name__)

Status = OutboundEmail.Status


@dataclass(frozen=True)
class Rendered:
    """A message ready to send; `None` from a renderer means the email is no longer needed."""

    subject: str
    body: str


class Undeliverable(Exception):
    """Raised by a renderer when the email can never be sent; the row fails at once."""


_RENDERERS: dict[str, Callable[[OutboundEmail], Rendered | None]] = {}


def register_renderer(kind: str):
    """Register the function that builds the message for emails of this kind."""

    def register(func):
        _RENDERERS[kind] = func
        return func

    return register


def queue_email(*, organization, kind: str, object_id: int, recipient: str) -> OutboundEmail:
    """Record an email to send, in the caller's transaction; publish its job after commit."""
    if kind not in _RENDERERS:
        raise ValueError(f"No renderer is registered for {kind!r} emails.")
    email = OutboundEmail.objects.create(
        organization=organization, kind=kind, object_id=object_id, recipient=recipient
    )
    transaction.on_commit(lambda: publish(email))
    return email


def publish(email: OutboundEmail, *, countdown: int | None = None) -> bool:
    """Queue the send job for the row; on a broker error log it and leave the row to beat."""
    from governance.core.tasks import send_outbound_email

    try:
        send_outbound_email.apply_async(
            kwargs={"organization_id": email.organization_id, "email_id": email.pk},
            countdown=countdown,
        )
    except Exception:  # kombu/redis raise many types: any publish failure leaves the row pending
        log.warning("Could not queue email %s; the outbox beat job will retry it.", email.pk)
        return False
    return True


def _lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE)


# The web process stamps a new row and a worker on another host claims it: tolerate clocks that
# differ by a few seconds, or the first job would find the row "not due" and leave it to beat.
CLOCK_SKEW = timedelta(seconds=5)


def _claimable(now) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now + CLOCK_SKEW) | Q(
        status=Status.SENDING, claimed_at__lte=now - _lease()
    )


def claim(email_id: int) -> OutboundEmail | None:
    """Take the row for this worker, or return None when it is not due or someone holds it."""
    now = timezone.now()
    taken = OutboundEmail.objects.filter(_claimable(now), pk=email_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return OutboundEmail.objects.get(pk=email_id)


def _finish(email: OutboundEmail, **fields) -> bool:
    """Write the outcome only while this worker's claim stands (fencing on claimed_at)."""
    return bool(
        OutboundEmail.objects.filter(
            pk=email.pk, status=Status.SENDING, claimed_at=email.claimed_at
        ).update(**fields)
    )


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: 30, 60, 120, … by default."""
    return settings.OUTBOX_RETRY_DELAY * 2 ** max(attempts - 1, 0)


def deliver_email(email_id: int) -> str:
    """Claim, render, send and mark one email; return what happened (for logs and tests)."""
    # The row is addressed by its own id; the renderer reads the organisation's row it names.
    with scopes_disabled():
        return _deliver(email_id)


def _deliver(email_id: int) -> str:
    email = claim(email_id)
    if email is None:
        return "skipped"
    if email.attempts > settings.OUTBOX_MAX_ATTEMPTS:
        _finish(email, status=Status.FAILED, last_error="Gave up: the worker was lost each time.")
        return "failed"
    try:
        rendered = _RENDERERS[email.kind](email)
    except Undeliverable as exc:
        _finish(email, status=Status.FAILED, last_error=str(exc)[:500])
        return "failed"
    if rendered is None:
        _finish(email, status=Status.CANCELLED, last_error="")
        return "cancelled"
    try:
        message = EmailMessage(
            subject=rendered.subject,
            body=rendered.body,
            to=[email.recipient],
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        )
        message.send()
    except Exception as exc:  # SMTP, socket, timeout, soft time limit: all mean "try again"
        return _record_failure(email, exc)
    _finish(email, status=Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def _record_failure(email: OutboundEmail, exc: BaseException) -> str:
    reason = f"{type(exc).__name__}: {exc}"[:500]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        log.error(
            "Email %s failed for good after %s attempts: %s", email.pk, email.attempts, reason
        )
        _finish(email, status=Status.FAILED, last_error=reason)
        return "failed"
    delay = backoff(email.attempts)
    log.warning(
        "Email %s failed (attempt %s), next in %s s: %s", email.pk, email.attempts, delay, reason
    )
    _finish(
        email,
        status=Status.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=reason,
    )
    # A retry held by a worker longer than the visibility timeout would be redelivered: leave
    # long waits to the beat job.
    if delay < settings.CELERY_VISIBILITY_TIMEOUT // 2:
        publish(email, countdown=delay)
    return "retry"


def due_emails(now=None, limit: int = 500):
    """Rows the send job should have taken by now: pending past the grace, or a lapsed claim."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_GRACE)
    stale = Q(status=Status.PENDING, next_attempt_at__lte=now - grace) | Q(
        status=Status.SENDING, claimed_at__lte=now - _lease()
    )
    with scopes_disabled():
        return list(OutboundEmail.objects.filter(stale).order_by("next_attempt_at")[:limit])


def dispatch_due_emails(now=None) -> int:
    """Queue the send job again for every row that was not sent in time; return how many."""
    return sum(publish(email) for email in due_emails(now))


def latest_emails(organization, kind: str, object_ids) -> dict[int, OutboundEmail]:
    """Return the newest email of this kind for each of the objects, by object id (one query)."""
    latest: dict[int, OutboundEmail] = {}
    rows = OutboundEmail.objects.filter(
        organization=organization, kind=kind, object_id__in=list(object_ids)
    ).order_by("created_at", "id")
    for email in rows:
        latest[email.object_id] = email
    return latest
