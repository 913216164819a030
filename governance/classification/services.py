"""Use cases of the screening: evaluate, save answers as one goes, classify a system."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from governance.audit.services import record_event
from governance.classification import draft_conflicts, questions, rules, selectors, system_dates
from governance.classification.models import Classification, Reassessment, ScreeningDraft
from governance.register.models import AISystem
from governance.register.services import can_edit_system
from governance.tenancy.roles import Action


def problems_by_key(problems: list[str]) -> dict[str, list[str]]:
    """Group the engine's problems ("key: message") by the key they name."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        key, sep, message = problem.partition(": ")
        if not sep:
            key, message = "non_field_errors", problem
        grouped.setdefault(key, []).append(message)
    return grouped


def evaluate_screening(data, *, timeline=None) -> dict:
    """Classify a screening without saving anything; raise ValidationError naming each key.

    The law applied is the current one (`selectors.current_timeline`) unless `timeline` is given.
    """
    try:
        return rules.classify(data, timeline=timeline or selectors.current_timeline())
    except rules.ScreeningInvalid as exc:
        raise ValidationError(problems_by_key(exc.problems)) from exc


def can_screen_system(membership, system) -> bool:
    """Return whether the member may answer and save screenings of this system.

    The same test as `_require_screen`: the role allows screening, and the member may edit the
    register or owns this system.
    """
    if membership is None or not membership.can(Action.SCREEN_SYSTEMS):
        return False
    return membership.can(Action.EDIT_REGISTER) or can_edit_system(membership, system)


def _require_screen(acting, system: AISystem) -> None:
    if not acting.can(Action.SCREEN_SYSTEMS):
        raise PermissionDenied("Your role does not allow screening AI systems.")
    if not acting.can(Action.EDIT_REGISTER) and not can_edit_system(acting, system):
        raise PermissionDenied("You can screen only the AI systems you own.")
    if system.archived_at:
        raise ValidationError("This system is archived. Restore it before screening.")


@transaction.atomic
def save_screening_answers(
    *, system: AISystem, acting, answers: dict, cleared=(), seen=None, shown=None
) -> ScreeningDraft:
    """Keep the questionnaire's answers so far (merged into the draft); nothing is classified.

    `cleared` names questions whose answer is removed (shown, but left unanswered). `seen` is
    what the page showed (draft_conflicts.read_seen) and `shown` the answers it started from
    when there was no draft yet: a question someone else changed since keeps their answer
    and is listed in the returned draft's `refused` ({key: their answer}); the rest is saved.
    """
    _require_screen(acting, system)
    unknown = (set(answers) | set(cleared)) - set(questions.QUESTIONS)
    if unknown:
        raise ValidationError({k: "Not a question of the screening." for k in sorted(unknown)})
    draft, _ = ScreeningDraft.objects.select_for_update().get_or_create(
        organization=system.organization, system=system
    )
    current = draft.answers or dict(shown or {})
    refused = draft_conflicts.changed_since(seen, current, answers, cleared)
    answers = {k: v for k, v in answers.items() if k not in refused}
    cleared = [k for k in cleared if k not in refused]
    # The questions left as they are because someone else changed them: {key: their answer}.
    draft.refused = refused
    kept = {k: v for k, v in draft.answers.items() if k not in set(cleared)}
    draft.answers = {**kept, **answers}
    draft.updated_by = acting.user
    draft.updated_at = timezone.now()
    draft.save()
    return draft


def compute_dates(system: AISystem, result: dict, timeline=None) -> list:
    """Return each obligation's date for this system (Art. 111 on top of the general dates)."""
    return system_dates.obligation_dates(
        result, selectors.facts_of(system), timeline or selectors.current_timeline()
    )


def refresh_system_dates(system: AISystem, *, today=None) -> None:
    """Recompute the system's stored obligation dates from its current classification.

    Called after a classification, after an edit of the facts Art. 111 reads, and daily for
    `next_obligation_date`, which moves on as dates pass. Safe to run twice.
    """
    today = today or timezone.localdate()
    latest = selectors.current_classification(system)
    if latest is None:
        entries, upcoming = [], None
    else:
        timeline = selectors.timeline_named(latest.timeline_version) or selectors.current_timeline()
        dates = compute_dates(system, latest.result, timeline)
        entries = [d.as_stored() for d in dates]
        upcoming = system_dates.next_date(dates, today)
    AISystem.objects.filter(pk=system.pk).update(
        obligation_dates=entries, next_obligation_date=upcoming
    )
    system.obligation_dates, system.next_obligation_date = entries, upcoming


def facts_changed(system: AISystem, changes: dict) -> None:
    """Hook of the register: after an edit, recompute the dates if a fact they read changed."""
    if set(changes) & DATE_FACTS and system.classified_at:
        refresh_system_dates(system)


# The register fields the dates of Art. 111 read (models: their general-purpose flag and date).
DATE_FACTS = frozenset(
    {
        "placed_on_market_on",
        "put_into_service_on",
        "significantly_changed_on",
        "intended_for_public_authorities",
        "annex_x_component",
        "ai_models",
        "is_general_purpose",
    }
)


@transaction.atomic
def classify_system(
    *,
    system: AISystem,
    acting,
    screening: dict,
    note: str = "",
    answered_keys: list[str] | None = None,
    timeline=None,
) -> Classification:
    """Evaluate a screening and keep it as the system's next classification version.

    `answered_keys` are the questions answered explicitly; by default, the keys the screening
    gives (an omitted key takes the contract's neutral value and is recorded as not answered).
    """
    _require_screen(acting, system)
    timeline = timeline or selectors.current_timeline()
    result = evaluate_screening(screening, timeline=timeline)
    normalised = rules.validate_screening(screening)
    if answered_keys is None:
        answered_keys = questions.explicit_keys(screening)
    classification = _next_version(
        system=system,
        acting=acting,
        normalised=normalised,
        result=result,
        timeline=timeline,
        note=note,
        answered_keys=answered_keys,
    )
    ScreeningDraft.objects.update_or_create(
        organization=system.organization,
        system=system,
        defaults={
            "answers": questions.only_keys(
                questions.screening_to_answers(normalised), answered_keys
            ),
            "updated_by": acting.user,
            "updated_at": timezone.now(),
        },
    )
    return classification


def _next_version(
    *, system, acting, normalised, result, timeline, note, answered_keys, action="system.classified"
) -> Classification:
    """Save a result as the system's next version, update the register row, record the event."""
    # Lock the system row so two saves at once cannot both take the same version number.
    AISystem.objects.select_for_update().filter(pk=system.pk).first()
    latest = Classification.objects.filter(system=system).aggregate(v=Max("version"))["v"] or 0
    previous_tier = system.risk_tier
    try:
        with transaction.atomic():
            classification = Classification.objects.create(
                organization=system.organization,
                system=system,
                version=latest + 1,
                screening=normalised,
                result=result,
                tier=result["tier"],
                gpai=result["gpai"],
                timeline_version=timeline.version,
                answered_keys=answered_keys,
                note=note[:500],
                created_by=acting.user,
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Someone saved a screening of this system at the same moment; retry."
        ) from exc
    AISystem.objects.filter(pk=system.pk).update(
        risk_tier=result["tier"],
        gpai_tier=result["gpai"],
        classified_at=classification.created_at,
        updated_at=timezone.now(),
    )
    system.risk_tier, system.gpai_tier = result["tier"], result["gpai"]
    system.classified_at = classification.created_at
    refresh_system_dates(system)
    # A new screening answers any open question a change in the law raised.
    Reassessment.objects.filter(
        organization=system.organization, system=system, status=Reassessment.Status.OPEN
    ).exclude(classification=classification).update(
        status=Reassessment.Status.SUPERSEDED, resolved_at=timezone.now()
    )
    record_event(
        organization=system.organization,
        actor=acting.user,
        action=action,
        obj=system,
        changes={
            "version": classification.version,
            "tier": [previous_tier or None, result["tier"]],
            "gpai": result["gpai"],
            "timeline_version": timeline.version,
        },
    )
    return classification
