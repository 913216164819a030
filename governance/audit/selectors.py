"""Reads of the audit trail, organisation first."""

from django.http import Http404

from governance.audit.models import AuditEvent


def events_of(organization):
    return AuditEvent.objects.filter(organization=organization).select_related("actor")


def get_event(organization, event_uuid) -> AuditEvent:
    event = events_of(organization).filter(uuid=event_uuid).first()
    if event is None:
        raise Http404("No such event.")
    return event


def filter_events(
    qs, *, action: str = "", actor: str = "", object_id: str = "", since=None, until=None
):
    """Narrow events by action prefix, actor email, object id and a date range."""
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    return qs
