from django import template

from governance.audit import labels

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """Render an audit action code as plain language: {{ event.action|action_label }}."""
    return labels.action_label(action)


@register.filter
def actor_name(event) -> str:
    """Who acted, for people to read: {{ event|actor_name }} (service accounts by name)."""
    return labels.actor_name(event)


@register.filter
def change_rows(event) -> list[dict]:
    """The event's changes as field → before → after rows: {% for row in event|change_rows %}."""
    return labels.change_rows(event.object_type, event.changes)
