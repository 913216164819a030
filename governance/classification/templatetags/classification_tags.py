"""Template tags of the screening: the classification panel on a system's register page."""

from django import template
from django.urls import reverse

from governance.classification import presentation, questions, selectors, services

register = template.Library()


def _saved_answers(latest) -> dict:
    answers = questions.screening_to_answers(latest.screening)
    return questions.only_keys(answers, latest.answered_keys)


@register.inclusion_tag("classification/_panel.html", takes_context=True)
def classification_panel(context, system):
    """Render a system's current classification, its own dates, and the screening buttons.

    Three queries whatever the size of the register: the latest version, the draft when the
    member may screen, an open change in the law. The dates for this system are stored on it.
    """
    request = context.get("request")
    membership = getattr(request, "membership", None)
    org_slug = system.organization.slug if membership is None else membership.organization.slug
    kwargs = {"org_slug": org_slug, "system_uuid": system.uuid}
    latest = selectors.current_classification(system)
    may_screen = bool(membership) and not system.archived_at
    may_screen = may_screen and services.can_screen_system(membership, system)
    draft = selectors.draft_of(system) if may_screen else None
    in_progress = bool(
        draft and draft.answers and (latest is None or draft.answers != _saved_answers(latest))
    )
    result = presentation.describe_result(latest.result, latest.screening) if latest else None
    return {
        "system": system,
        "latest": latest,
        "result": result,
        "dates": presentation.date_rows(latest.result, system.obligation_dates) if latest else [],
        "defaulted": presentation.defaulted_rows(latest) if latest else [],
        "law_change": selectors.open_reassessment(system) if latest else None,
        "law_changes_url": reverse("law_changes:list", kwargs={"org_slug": org_slug}),
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
