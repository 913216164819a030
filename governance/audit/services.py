"""Write audit events."""

from django.db import models, transaction

from governance.audit.models import AuditEvent
from governance.core.request_context import current_request_meta


def record_event(
    *,
    organization,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Record one action in the caller's transaction, so the event and the change land together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records.")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", obj.pk))
        object_repr = object_repr or str(obj)[:300]
    meta = current_request_meta()
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "system",
        via=meta.get("via", "task"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes or {},
        ip_address=meta.get("ip"),
    )


def record_events(*, organization, actor, events: list[dict]) -> list[AuditEvent]:
    """Record many actions at once (bulk imports); each dict has action, obj and changes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "record_events must run inside the transaction of the changes it records."
        )
    meta = current_request_meta()
    rows = [
        AuditEvent(
            organization=organization,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "email", "") or "system",
            via=meta.get("via", "task"),
            action=e["action"],
            object_type=e["obj"]._meta.label_lower,
            object_id=str(getattr(e["obj"], "uuid", e["obj"].pk)),
            object_repr=str(e["obj"])[:300],
            changes=e.get("changes") or {},
            ip_address=meta.get("ip"),
        )
        for e in events
    ]
    return AuditEvent.objects.bulk_create(rows, batch_size=500)
