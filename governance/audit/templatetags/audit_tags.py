from django import template

from governance.audit.labels import action_label as _action_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """Render an audit action code as plain language: {{ event.action|action_label }}."""
    return _action_label(action)
