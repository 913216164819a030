"""Use cases of the risk register and serious incidents: every write, with its audit event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit.services import record_event
from governance.core.concurrency import (
    apply_changes,
    audit_changes,
    diff,
    lock_row,
    save_changes,
    touch_row,
)
from governance.tenancy.roles import Action

from . import clocks
from .models import Incident, Risk
from .validation import check_acceptance, clean_incident, clean_risk

RISK_LINKS = ("controls", "evidence", "actions")
STATE_FIELDS = (
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "treatment",
    "owner",
    "accepted_by",
)


def _require_edit(acting) -> None:
    if not acting.can(Action.EDIT_RISKS):
        raise PermissionDenied("Your role does not allow changing the risk register.")


def _links_of(organization, clean: dict, errors: dict) -> dict:
    """Resolve linked controls, evidence and actions inside the organisation."""
    from compliance.assessments.selectors import actions_of
    from compliance.catalogue.models import Requirement
    from compliance.catalogue.selectors import frameworks_for_organization
    from compliance.evidence.selectors import evidence_of

    sources = {
        "controls": Requirement.objects.filter(
            framework__in=frameworks_for_organization(organization)
        ),
        "evidence": evidence_of(organization),
        "actions": actions_of(organization),
    }
    out = {}
    for field in RISK_LINKS:
        if field not in clean:
            continue
        wanted = clean.pop(field)
        pks = {getattr(v, "pk", v) for v in wanted}
        uuids = {v for v in pks if not isinstance(v, int)}
        ids = {v for v in pks if isinstance(v, int)}
        qs = sources[field]
        found = list(qs.filter(pk__in=ids)) if ids else []
        if uuids and field != "controls":
            found += list(qs.filter(uuid__in=uuids))
        if len(found) != len(pks):
            errors[field] = "Link only items of this organisation."
        out[field] = found
    return out


def _acceptance_stamp(current_accepted_by, clean: dict, acting) -> dict:
    """Record when the approver was set or changed (who is `accepted_by`)."""
    if "accepted_by" not in clean:
        return {}
    new = clean["accepted_by"]
    if new is None:
        return {"accepted_at": None}
    if current_accepted_by is None or current_accepted_by.pk != new.pk:
        return {"accepted_at": timezone.now()}
    return {}


def create_risk(*, organization, acting, data: dict) -> Risk:
    """Add a risk to one of the organisation's AI systems."""
    _require_edit(acting)
    errors: dict = {}
    clean = clean_risk(organization, data, errors, creating=True)
    links = _links_of(organization, clean, errors)
    check_acceptance(clean, errors)
    if errors:
        raise ValidationError(errors)
    clean.update(_acceptance_stamp(None, clean, acting))
    with transaction.atomic():
        risk = Risk.objects.create(organization=organization, created_by=acting.user, **clean)
        for field, items in links.items():
            getattr(risk, field).set(items)
        record_event(
            organization=organization,
            actor=acting.user,
            action="risk.created",
            obj=risk,
            changes={
                "system": [None, str(risk.system)],
                "inherent": [None, risk.inherent_score],
                "residual": [None, risk.residual_score],
                "treatment": [None, risk.treatment],
            },
        )
    return risk


def update_risk(*, risk, acting, expected_version: int | None, data: dict) -> Risk:
    """Change a risk; a write from an older row_version is refused (StaleWrite)."""
    _require_edit(acting)
    organization = risk.organization
    errors: dict = {}
    clean = clean_risk(organization, data, errors, creating=False)
    links = _links_of(organization, clean, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_row(risk, expected_version=expected_version)
        state = {f: getattr(current, f) for f in STATE_FIELDS}
        state.update({k: v for k, v in clean.items() if k in STATE_FIELDS})
        check_acceptance(state, errors)
        if errors:
            raise ValidationError(errors)
        extra = _acceptance_stamp(current.accepted_by, clean, acting)
        changes = diff(current, clean)
        apply_changes(current, changes)
        link_changes = {}
        for field, items in links.items():
            before = {str(x) for x in getattr(current, field).all()}
            after = {str(x) for x in items}
            if before != after:
                getattr(current, field).set(items)
                link_changes[field] = [sorted(before), sorted(after)]
        if changes or extra:
            save_changes(current, changes, extra=extra)
        elif link_changes:
            touch_row(current)
        if changes or link_changes:
            record_event(
                organization=organization,
                actor=acting.user,
                action="risk.updated",
                obj=current,
                changes={**audit_changes(changes), **link_changes},
            )
    return current


def delete_risk(*, risk, acting) -> None:
    _require_edit(acting)
    with transaction.atomic():
        record_event(
            organization=risk.organization, actor=acting.user, action="risk.deleted", obj=risk
        )
        risk.delete()


def create_incident(*, organization, acting, data: dict) -> Incident:
    """Record a serious incident; its report deadline follows Art. 73(2)-(4)."""
    _require_edit(acting)
    errors: dict = {}
    clean = clean_incident(organization, data, errors, creating=True)
    if errors:
        raise ValidationError(errors)
    kinds = [clean["kind"], *clean.get("other_kinds", [])]
    clean["report_due"] = clocks.report_due(clean["aware_at"], kinds)
    with transaction.atomic():
        incident = Incident.objects.create(
            organization=organization, created_by=acting.user, **clean
        )
        record_event(
            organization=organization,
            actor=acting.user,
            action="incident.created",
            obj=incident,
            changes={
                "system": [None, str(incident.system)],
                "kind": [None, incident.kind],
                "aware_at": [None, incident.aware_at.isoformat()],
                "report_due": [None, incident.report_due.isoformat()],
            },
        )
    return incident


def update_incident(*, incident, acting, expected_version: int | None, data: dict) -> Incident:
    """Change an incident; the deadline is computed again when the kinds or awareness change."""
    _require_edit(acting)
    errors: dict = {}
    clean = clean_incident(incident.organization, data, errors, creating=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_row(incident, expected_version=expected_version)
        changes = diff(current, clean)
        apply_changes(current, changes)
        due = clocks.report_due(current.aware_at, current.kinds)
        if due != current.report_due:
            changes["report_due"] = (current.report_due, due)
        if current.report_sent_at and current.report_sent_at < current.aware_at:
            raise ValidationError(
                {"report_sent_at": "The report cannot be sent before the awareness date."}
            )
        if changes:
            save_changes(current, changes)
            record_event(
                organization=current.organization,
                actor=acting.user,
                action="incident.updated",
                obj=current,
                changes=audit_changes(changes),
            )
    return current
