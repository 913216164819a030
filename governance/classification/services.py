"""Use cases of the screening: evaluate, save answers as one goes, classify a system."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from governance.audit.services import record_event
from governance.classification import questions, rules
from governance.classification.models import Classification, ScreeningDraft
from governance.classification.timeline import default_timeline
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


def evaluate_screening(data) -> dict:
    """Classify a screening without saving anything; raise ValidationError naming each key."""
    try:
        return rules.classify(data)
    except rules.ScreeningInvalid as exc:
        raise ValidationError(problems_by_key(exc.problems)) from exc


def _require_screen(acting, system: AISystem) -> None:
    if not acting.can(Action.SCREEN_SYSTEMS):
        raise PermissionDenied("Your role does not allow screening AI systems.")
    if not acting.can(Action.EDIT_REGISTER) and not can_edit_system(acting, system):
        raise PermissionDenied("You can screen only the AI systems you own.")
    if system.archived_at:
        raise ValidationError("This system is archived. Restore it before screening.")


@transaction.atomic
def save_screening_answers(*, system: AISystem, acting, answers: dict) -> ScreeningDraft:
    """Keep the questionnaire's answers so far (merged into the draft); nothing is classified."""
    _require_screen(acting, system)
    unknown = set(answers) - set(questions.QUESTIONS)
    if unknown:
        raise ValidationError({k: "Not a question of the screening." for k in sorted(unknown)})
    draft, _ = ScreeningDraft.objects.select_for_update().get_or_create(
        organization=system.organization, system=system
    )
    draft.answers = {**draft.answers, **answers}
    draft.updated_by = acting.user
    draft.updated_at = timezone.now()
    draft.save()
    return draft


@transaction.atomic
def classify_system(*, system: AISystem, acting, screening: dict, note: str = "") -> Classification:
    """Evaluate a screening and keep it as the system's next classification version."""
    _require_screen(acting, system)
    result = evaluate_screening(screening)
    normalised = rules.validate_screening(screening)
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
                timeline_version=default_timeline().version,
                note=note[:500],
                created_by=acting.user,
            )
    except IntegrityError as exc:
        raise ValidationError(
            "Someone saved a screening of this system at the same moment; retry."
        ) from exc
    system.risk_tier = result["tier"]
    system.gpai_tier = result["gpai"]
    system.classified_at = classification.created_at
    system.save(update_fields=["risk_tier", "gpai_tier", "classified_at", "updated_at"])
    ScreeningDraft.objects.update_or_create(
        organization=system.organization,
        system=system,
        defaults={
            "answers": questions.screening_to_answers(normalised),
            "updated_by": acting.user,
            "updated_at": timezone.now(),
        },
    )
    record_event(
        organization=system.organization,
        actor=acting.user,
        action="system.classified",
        obj=system,
        changes={
            "version": classification.version,
            "tier": [previous_tier or None, result["tier"]],
            "gpai": result["gpai"],
        },
    )
    return classification
