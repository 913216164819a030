"""The email outbox: a row per email to send, written in the transaction that decides to send it.

The row is the truth. A job that takes only the row's id claims it, renders the message from the
database, sends it and marks it sent; a beat job queues again what was not sent in time. Nothing
secret travels through the broker.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from governance.tenancy.models import Organization


class OutboundEmail(models.Model):
    """One email to one recipient, rendered by the renderer registered for its kind."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")
        CANCELLED = "cancelled", _("Not needed any more")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    # Which renderer builds the message (e.g. "invitation") and the row it reads.
    kind = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField()
    recipient = models.EmailField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Not before this moment (the back-off after a failed attempt).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a worker claimed the row; the claim lapses after settings.OUTBOX_LEASE seconds.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "kind", "object_id"], name="outbox_org_kind_object"
            ),
            # The beat job's scan: only rows still to send are indexed.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self):
        return f"{self.kind} email to {self.recipient} ({self.status})"
