"""The audit trail: who did what to which object, and when."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from governance.tenancy.models import Organization


class AuditEvent(models.Model):
    """One recorded action, written in the same transaction as the change it records."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the trail still names the person after the account is deleted.
    actor_label = models.CharField(max_length=254, blank=True)
    via = models.CharField(max_length=16, default="web")  # web, api, task, command
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="audit_org_created"),
            models.Index(fields=["organization", "action"], name="audit_org_action"),
            # One object's history, newest first (the detail pages, the API's object_id filter):
            # a seek and an in-order read of 20 entries, however long the trail. Object ids are
            # UUIDs, unique across kinds, so the pages filter on the id alone; an index with the
            # type before the id could not serve them.
            models.Index(
                fields=["organization", "object_id", "-created_at", "-id"],
                name="audit_org_object_time",
            ),
        ]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )
