"""Cleaning of risk and incident input, shared by the web and the API (through the services).

Each function takes raw values (from a form or a serializer), fills `errors` with one message
per field and returns the clean values; the service raises one ValidationError with them all,
so nothing is saved while any field is wrong.
"""

import datetime
import uuid as uuid_module

from django.utils import timezone

from . import clocks, levels
from .models import HarmDomain, IncidentKind, IncidentStatus, RiskStatus, Treatment

MAX_TEXT = 20_000


def _text(data, field, errors, out, *, required=False, limit=MAX_TEXT, label="this field"):
    if field not in data:
        if required:
            errors[field] = f"Fill in {label}."
        return
    value = str(data[field] or "").strip()
    if required and not value:
        errors[field] = f"Fill in {label}."
    elif len(value) > limit:
        errors[field] = f"Keep {label} under {limit} characters."
    out[field] = value


def _choice(data, field, choices, errors, out, *, required=False, label="a value"):
    if field not in data:
        if required:
            errors[field] = f"Choose {label}."
        return
    value = data[field] or ""
    if value == "" and not required:
        out[field] = ""
    elif value not in choices.values:
        errors[field] = f"Choose {label}: one of " + ", ".join(choices.values) + "."
    else:
        out[field] = value


def _scale(data, field, errors, out, *, required):
    if field not in data:
        if required:
            errors[field] = "Give a value from 1 to 5."
        return
    value = data[field]
    if value in (None, "") and not required:
        out[field] = None
        return
    try:
        if isinstance(value, bool | float):
            raise ValueError
        number = value if isinstance(value, int) else int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = "Give a whole number from 1 to 5."
        return
    if number not in levels.SCALE:
        errors[field] = "Give a value from 1 to 5 (the 5×5 matrix)."
        return
    out[field] = number


def _date(data, field, errors, out, *, required=False, label="a date"):
    if field not in data:
        if required:
            errors[field] = f"Give {label}."
        return None
    value = data[field]
    if value in (None, ""):
        if required:
            errors[field] = f"Give {label}."
        else:
            out[field] = None
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            errors[field] = "Enter a date as YYYY-MM-DD."
            return None
    out[field] = value
    return value


def system_of(organization, value):
    """Return the organisation's AI system given as an instance or a uuid, else None."""
    from governance.register.selectors import systems_of

    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return value if value.organization_id == organization.pk else None
    try:
        key = uuid_module.UUID(str(value))
    except ValueError:
        return None
    return systems_of(organization).filter(uuid=key).first()


def _system(organization, data, errors, out, *, creating):
    if "system" not in data:
        if creating:
            errors["system"] = "Choose the AI system."
        return
    system = system_of(organization, data["system"])
    if system is None:
        # A foreign system reads the same as a missing one.
        errors["system"] = "Choose an AI system of this organisation."
    else:
        out["system"] = system


def _member(organization, data, field, errors, out, label):
    from compliance.assessments.access import member_user_or_none

    if field not in data:
        return
    value = data[field]
    if value in (None, ""):
        out[field] = None
        return
    if isinstance(value, str):
        from governance.tenancy.models import Membership

        found = (
            Membership.objects.filter(organization=organization, user__email__iexact=value)
            .select_related("user")
            .first()
        )
        user = found.user if found else None
    else:
        user = member_user_or_none(organization, value)
    if user is None:
        errors[field] = f"The {label} must be a member of this organisation."
    else:
        out[field] = user


def clean_risk(organization, data: dict, errors: dict, *, creating: bool) -> dict:
    out: dict = {}
    _system(organization, data, errors, out, creating=creating)
    _text(data, "title", errors, out, required=creating, limit=200, label="a title")
    _text(data, "description", errors, out, required=creating, label="a description")
    _text(data, "affected_persons", errors, out, label="the affected persons")
    _text(data, "treatment_notes", errors, out, label="the treatment notes")
    _choice(data, "harm_domain", HarmDomain, errors, out, required=creating, label="a harm domain")
    _choice(data, "treatment", Treatment, errors, out, label="a treatment")
    _choice(data, "status", RiskStatus, errors, out, label="a status")
    for field in ("likelihood", "impact"):
        _scale(data, field, errors, out, required=creating)
    for field in ("residual_likelihood", "residual_impact"):
        _scale(data, field, errors, out, required=False)
    _date(data, "review_date", errors, out)
    _member(organization, data, "owner", errors, out, "owner")
    _member(organization, data, "accepted_by", errors, out, "approver")
    for field in ("controls", "evidence", "actions"):
        if field in data:
            out[field] = list(data[field] or [])
    return out


def check_acceptance(state: dict, errors: dict) -> None:
    """Art. 9(5): a high residual risk is accepted only by an approver who is not the owner."""
    if state.get("treatment") != Treatment.ACCEPT:
        return
    residual = (state.get("residual_likelihood"), state.get("residual_impact"))
    if None in residual:
        residual = (state.get("likelihood"), state.get("impact"))
    if not levels.is_high(*residual):
        return
    approver, owner = state.get("accepted_by"), state.get("owner")
    if approver is None:
        errors["accepted_by"] = (
            "Accepting a high residual risk needs an approver: name the member who approves it."
        )
    elif owner is not None and approver.pk == owner.pk:
        errors["accepted_by"] = "The approver must be someone other than the risk owner."


def clean_incident(organization, data: dict, errors: dict, *, creating: bool) -> dict:
    out: dict = {}
    _system(organization, data, errors, out, creating=creating)
    _text(data, "title", errors, out, required=creating, limit=200, label="a title")
    _text(data, "description", errors, out, required=creating, label="what happened")
    _text(data, "root_cause", errors, out, label="the root cause")
    _text(data, "corrective_action", errors, out, label="the corrective action")
    _choice(data, "kind", IncidentKind, errors, out, required=creating, label="the kind")
    _choice(data, "status", IncidentStatus, errors, out, label="a status")
    if "other_kinds" in data:
        kinds = list(data["other_kinds"] or [])
        unknown = [k for k in kinds if k not in clocks.KINDS]
        if unknown or len(kinds) > len(clocks.KINDS):
            errors["other_kinds"] = "Choose among: " + ", ".join(clocks.KINDS) + "."
        else:
            out["other_kinds"] = sorted(set(kinds))
    today = timezone.localdate()
    aware = _date(data, "aware_at", errors, out, required=creating, label="the awareness date")
    if aware is not None and aware > today:
        errors["aware_at"] = "The awareness date cannot be in the future."
    sent = _date(data, "report_sent_at", errors, out, label="the date the report was sent")
    if sent is not None and sent > today:
        errors["report_sent_at"] = "The report date cannot be in the future."
    return out
