"""What a change in the law does: load a timeline version, re-evaluate, save on one click.

`load_law_version` stores a new version of the regulatory timeline (`manage.py load_timeline`,
run on upgrade); `reassess_all` re-evaluates every system's current classification against it
without writing a classification: each system gets a `Reassessment` saying what would change
(tier, obligations added or removed, dates moved, for the system itself too), and the systems
whose result changes are flagged for review (an open, changed reassessment, with an audit
event). `apply_reassessment` saves the new result as the system's next version.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.audit.services import record_events
from governance.classification import codes, rules, selectors, services, system_dates
from governance.classification.models import Classification, LawVersion, Reassessment
from governance.classification.timeline import Timeline, TimelineError, parse_timeline
from governance.register.models import AIModel, AISystem

MAX_FILE_BYTES = 2_000_000


class LawVersionInvalid(ValueError):
    """Raise when a timeline file cannot be loaded; the message says why."""


# ---------------------------------------------------------------------------------------------
# Pure: what changed between two results
# ---------------------------------------------------------------------------------------------


def describe_change(
    old_result: dict, new_result: dict, old_dates: list[dict], new_dates: list[dict]
) -> dict:
    """Return what a new version of the law changes in one classification.

    `old_dates` and `new_dates` are each obligation's date for the system (API entries). The
    answer holds the tier (old/new), the GPAI class, the obligations added and removed, and the
    dates moved, in general and for this system; `changed` says whether anything did.
    """
    before, after = set(old_result.get("obligations", [])), set(new_result.get("obligations", []))
    general_old = old_result.get("applies_from", {})
    general_new = new_result.get("applies_from", {})
    own_old = {d["code"]: d for d in old_dates}
    own_new = {d["code"]: d for d in new_dates}
    moved = []
    for code in sorted(before & after, key=codes.article_sort_key):
        mine_old, mine_new = own_old.get(code, {}), own_new.get(code, {})
        if (
            general_old.get(code) != general_new.get(code)
            or mine_old.get("applies_from") != mine_new.get("applies_from")
            or mine_old.get("basis") != mine_new.get("basis")
        ):
            moved.append(
                {
                    "code": code,
                    "general_old": general_old.get(code),
                    "general_new": general_new.get(code),
                    "old": mine_old.get("applies_from"),
                    "new": mine_new.get("applies_from"),
                    "basis": mine_new.get("basis", ""),
                }
            )
    change = {
        "tier": {"old": old_result.get("tier"), "new": new_result.get("tier")},
        "gpai": {"old": old_result.get("gpai"), "new": new_result.get("gpai")},
        "added": sorted(after - before, key=codes.article_sort_key),
        "removed": sorted(before - after, key=codes.article_sort_key),
        "dates": moved,
    }
    change["changed"] = bool(
        change["tier"]["old"] != change["tier"]["new"]
        or change["gpai"]["old"] != change["gpai"]["new"]
        or change["added"]
        or change["removed"]
        or moved
    )
    return change


# ---------------------------------------------------------------------------------------------
# Loading a version
# ---------------------------------------------------------------------------------------------


def read_timeline_file(path: str | Path) -> tuple[dict, Timeline]:
    """Read and check a timeline file (bounded in size); return its data and the Timeline."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LawVersionInvalid(f"{path}: cannot read the file ({exc.strerror}).") from exc
    if size > MAX_FILE_BYTES:
        raise LawVersionInvalid(f"{path}: larger than {MAX_FILE_BYTES:,} bytes.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LawVersionInvalid(f"{path}: not a JSON file ({exc}).") from exc
    try:
        timeline = parse_timeline(data, str(path))
    except TimelineError as exc:
        raise LawVersionInvalid(str(exc)) from exc
    missing = sorted(c for c in codes.OBLIGATIONS if c not in timeline.codes)
    if missing:
        raise LawVersionInvalid(f"{path}: no date for the obligations {', '.join(missing)}.")
    return data, timeline


@transaction.atomic
def load_law_version(*, data: dict, timeline: Timeline, loaded_from: str = "") -> LawVersion:
    """Store a version of the timeline; the same version twice must hold the same data."""
    existing = LawVersion.objects.filter(version=timeline.version).first()
    if existing is not None:
        if existing.data != data:
            raise LawVersionInvalid(
                f"Version {timeline.version} is loaded already with other data: give the new "
                "data a new version."
            )
        return existing
    return LawVersion.objects.create(
        version=timeline.version,
        as_amended_by=timeline.as_amended_by,
        data=data,
        loaded_from=loaded_from[:500],
    )


# ---------------------------------------------------------------------------------------------
# Re-evaluating every stored screening
# ---------------------------------------------------------------------------------------------


def _current_classifications():
    """Yield (system, its current classification) for every classified system, all tenants."""
    latest = Classification.objects.filter(system=OuterRef("pk")).order_by("-version")
    systems = (
        AISystem.objects.exclude(classified_at=None)
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .prefetch_related(
            Prefetch(
                "ai_models",
                queryset=AIModel.objects.filter(is_general_purpose=True),
                to_attr="gp_models",
            )
        )
        .select_related("organization")
        .order_by("pk")
    )
    for start in range(0, systems.count(), 500):
        batch = list(systems[start : start + 500])
        found = Classification.objects.in_bulk([s.latest_id for s in batch if s.latest_id])
        for system in batch:
            if system.latest_id in found:
                yield system, found[system.latest_id]


def reassess_classification(system, classification, timeline: Timeline) -> dict:
    """Return the new result, the system's new dates and the change, without writing."""
    new_result = rules.classify(classification.screening, timeline=timeline)
    models = getattr(system, "gp_models", None)
    facts = selectors.facts_of(system, models=models)
    old_timeline = selectors.timeline_named(classification.timeline_version) or timeline
    old_dates = [
        d.as_api()
        for d in system_dates.obligation_dates(classification.result, facts, old_timeline)
    ]
    new_dates = [d.as_api() for d in system_dates.obligation_dates(new_result, facts, timeline)]
    change = describe_change(classification.result, new_result, old_dates, new_dates)
    return {"result": new_result, "dates": new_dates, "change": change}


def _flag_event(system, classification, timeline, change) -> dict:
    return {
        "action": "system.law_change_flagged",
        "obj": system,
        "changes": {
            "law_version": timeline.version,
            "classification_version": classification.version,
            "tier": [change["tier"]["old"], change["tier"]["new"]],
            "added": change["added"],
            "removed": change["removed"],
            "dates_moved": [d["code"] for d in change["dates"]],
        },
    }


def _record_batch(rows: list[tuple], timeline: Timeline) -> None:
    """Keep the reassessments of a batch in a few queries; flag each new change (audit).

    `rows` are (system, classification, outcome). An open reassessment of an earlier version
    is superseded; one of this version is updated in place, so a second run adds nothing.
    """
    if not rows:
        return
    system_ids = [system.pk for system, _c, _o in rows]
    Reassessment.objects.filter(system_id__in=system_ids, status=Reassessment.Status.OPEN).exclude(
        law_version=timeline.version
    ).update(status=Reassessment.Status.SUPERSEDED, resolved_at=timezone.now())
    existing = {
        (r.system_id, r.classification_id): r
        for r in Reassessment.objects.filter(system_id__in=system_ids, law_version=timeline.version)
    }
    new, changed_rows, events = [], [], {}
    for system, classification, outcome in rows:
        change = outcome["change"]
        fields = {
            "result": outcome["result"],
            "obligation_dates": outcome["dates"],
            "changes": change,
            "changed": change["changed"],
        }
        row = existing.get((system.pk, classification.pk))
        if row is not None:
            for key, value in fields.items():
                setattr(row, key, value)
            changed_rows.append(row)
            continue
        new.append(
            Reassessment(
                organization_id=system.organization_id,
                system=system,
                classification=classification,
                law_version=timeline.version,
                **fields,
            )
        )
        if change["changed"]:
            event = _flag_event(system, classification, timeline, change)
            events.setdefault(system.organization, []).append(event)
    Reassessment.objects.bulk_create(new, batch_size=500)
    if changed_rows:
        Reassessment.objects.bulk_update(
            changed_rows, ["result", "obligation_dates", "changes", "changed"], batch_size=500
        )
    for organization, org_events in events.items():
        record_events(organization=organization, actor=None, events=org_events)


def reassess_all(timeline: Timeline) -> dict:
    """Re-evaluate every current classification computed under another version of the law.

    Safe to run twice: a system already reassessed for this version keeps one row. Return the
    counts: systems reassessed, and those whose result would change.
    """
    counts = {"reassessed": 0, "changed": 0, "unchanged": 0}
    with scopes_disabled():
        pending = []
        for pair in _current_classifications():
            pending.append(pair)
            if len(pending) == BATCH:
                _reassess_batch(pending, timeline, counts)
                pending = []
        _reassess_batch(pending, timeline, counts)
    return counts


BATCH = 200


def refresh_all_dates() -> int:
    """Recompute every classified system's own dates (after an upgrade); safe to run twice."""
    done = 0
    with scopes_disabled():
        systems = AISystem.objects.exclude(classified_at=None).order_by("pk")
        for system in systems.iterator(chunk_size=500):
            with transaction.atomic():
                services.refresh_system_dates(system)
            done += 1
    return done


@transaction.atomic
def _reassess_batch(pairs, timeline: Timeline, counts: dict) -> None:
    """Reassess a batch of systems in one transaction (one commit, not one per system)."""
    rows = []
    for system, classification in pairs:
        if classification.timeline_version == timeline.version:
            continue
        outcome = reassess_classification(system, classification, timeline)
        rows.append((system, classification, outcome))
        counts["reassessed"] += 1
        counts["changed" if outcome["change"]["changed"] else "unchanged"] += 1
    _record_batch(rows, timeline)


# ---------------------------------------------------------------------------------------------
# One click: save the new result
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def apply_reassessment(*, reassessment: Reassessment, acting) -> Classification:
    """Save a reassessment's result as the system's next classification version."""
    system = reassessment.system
    if not services.can_screen_system(acting, system):
        raise PermissionDenied("You can screen only the AI systems you own.")
    row = Reassessment.objects.select_for_update().get(pk=reassessment.pk)
    if row.status != Reassessment.Status.OPEN:
        raise ValidationError("This change was dealt with already: see the system's history.")
    current = selectors.current_classification(system)
    if current is None or current.pk != row.classification_id:
        raise ValidationError(
            "The system was screened again since this change was computed: nothing to save."
        )
    if system.archived_at:
        raise ValidationError("This system is archived. Restore it before saving.")
    timeline = selectors.timeline_named(row.law_version)
    if timeline is None:
        raise ValidationError(f"Version {row.law_version} of the law is not loaded.")
    classification = services._next_version(
        system=system,
        acting=acting,
        normalised=current.screening,
        result=row.result,
        timeline=timeline,
        note=f"Re-evaluated under version {row.law_version} of the law.",
        answered_keys=current.answered_keys,
        action="system.reclassified_for_law_change",
    )
    Reassessment.objects.filter(pk=row.pk).update(
        status=Reassessment.Status.APPLIED,
        resolved_at=timezone.now(),
        applied_classification=classification,
    )
    reassessment.status = Reassessment.Status.APPLIED
    reassessment.applied_classification = classification
    return classification
