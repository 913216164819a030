"""Template tags of the screening: the classification panel on a system's register page."""

from django import template
from django.urls import reverse

from governance.classification import questions, selectors
from governance.classification.views import can_screen_system, describe_result

register = template.Library()

PANEL_OBLIGATIONS = 5


def _top_obligations(rows: list[dict], limit: int) -> list[dict]:
    """Return the obligations to show first: coming deadlines by date, then those in force."""
    upcoming = sorted((r for r in rows if not r["in_force"]), key=lambda r: r["applies_from"])
    return (upcoming + [r for r in rows if r["in_force"]])[:limit]


@register.inclusion_tag("classification/_panel.html", takes_context=True)
def classification_panel(context, system, limit=PANEL_OBLIGATIONS):
    """Render a system's current classification, what it owes, and the screening buttons.

    One query for the latest version, one more for the draft when the member may screen.
    """
    request = context.get("request")
    membership = getattr(request, "membership", None)
    org_slug = system.organization.slug if membership is None else membership.organization.slug
    kwargs = {"org_slug": org_slug, "system_uuid": system.uuid}
    latest = selectors.current_classification(system)
    may_screen = bool(membership) and not system.archived_at
    may_screen = may_screen and can_screen_system(membership, system)
    draft = selectors.draft_of(system) if may_screen else None
    in_progress = bool(
        draft
        and draft.answers
        and (latest is None or draft.answers != questions.screening_to_answers(latest.screening))
    )
    result = describe_result(latest.result, latest.screening) if latest else None
    return {
        "system": system,
        "latest": latest,
        "result": result,
        "top_obligations": _top_obligations(result["obligations"], limit) if result else [],
        "more_obligations": max(len(result["obligations"]) - limit, 0) if result else 0,
        "may_screen": may_screen,
        "in_progress": in_progress,
        "draft": draft,
        "screening_url": reverse("classification:screening", kwargs=kwargs),
        "history_url": reverse("classification:history", kwargs=kwargs),
        "detail_url": (
            reverse("classification:detail", kwargs={**kwargs, "version": latest.version})
            if latest
            else None
        ),
    }
