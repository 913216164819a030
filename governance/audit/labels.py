"""Plain-language names of the audit trail's actions."""

ACTION_LABELS = {
    "organization.created": "Created the organisation",
    "organization.renamed": "Renamed the organisation",
    "organization.two_factor_required": "Required two-factor sign-in for every member",
    "organization.two_factor_optional": "Made two-factor sign-in optional",
    "invitation.created": "Invited a member",
    "invitation.revoked": "Withdrew an invitation",
    "invitation.accepted": "Accepted an invitation",
    "member.added": "Joined as member",
    "member.role_changed": "Changed a member's role",
    "member.removed": "Removed a member",
    "token.issued": "Issued an API token",
    "token.revoked": "Revoked an API token",
    "system.created": "Added to the register",
    "system.updated": "Edited",
    "system.archived": "Archived",
    "system.restored": "Restored",
    "system.classified": "Screened and classified (EU AI Act)",
    "system.law_change_flagged": "Flagged for review: a new version of the law changes its result",
    "system.reclassified_for_law_change": "Classified again under a new version of the law",
    "model.created": "Added a model",
    "model.updated": "Edited a model",
    "model.archived": "Archived a model",
    "vendor.created": "Added a vendor",
    "vendor.updated": "Edited a vendor",
    "vendor.archived": "Archived a vendor",
    "register.imported": "Imported systems from a spreadsheet",
    "import_mapping.created": "Saved an import mapping",
    "import_mapping.updated": "Edited an import mapping",
    "import_mapping.deleted": "Deleted an import mapping",
    "assessment.created": "Started an assessment",
    "assessment.updated_to_classification": "Brought an assessment up to date",
    "assessment.start": "Started answering an assessment",
    "assessment.submit": "Submitted an assessment for review",
    "assessment.return": "Returned an assessment for changes",
    "assessment.approve": "Approved and locked an assessment",
    "assessment.reopen": "Reopened an approved assessment",
    "assessment.fria_notification": "Recorded the FRIA notification (Art. 27(3))",
    "response.answered": "Answered an assessment item",
    "action.created": "Planned a remediation action",
    "action.updated": "Updated a remediation action",
    "evidence.created": "Added evidence",
    "evidence.updated": "Edited evidence",
    "evidence.version_added": "Uploaded a new version of evidence",
    "evidence.linked": "Attached evidence to an item",
    "evidence.unlinked": "Detached evidence from an item",
    "evidence.downloaded": "Downloaded evidence",
}


def action_label(action: str) -> str:
    """Return the action's plain-language name (the code itself when it has none yet)."""
    return ACTION_LABELS.get(action, action)


# --- Changes, as a table of field → before → after ---------------------------------------

SERVICE_ACCOUNT_DOMAIN = "@service-accounts.annex.invalid"
# Keys whose value is itself a list (not a [before, after] pair) when the event records a value.
LIST_VALUED = frozenset({"tags", "assessments", "annex_iii", "ai_models", "mappings"})
FIELD_LABELS = {
    "access_days": "Access (days)",
    "access_expires_at": "Access ends",
    "expires_at": "Expires",
    "gpai": "General-purpose AI model",
    "tier": "Risk tier",
    "require_two_factor": "Two-factor sign-in required",
    "row_version": "Version counter",
    "service_account": "Service account",
    "sha256": "SHA-256",
    "timeline_version": "Timeline version",
}
MAX_VALUE_CHARS = 300
# Keys recorded under another name than the model field whose choices label their values.
FIELD_ALIASES = {"tier": "risk_tier", "gpai": "gpai_tier"}


def _model_field(object_type: str, name: str):
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        return apps.get_model(object_type)._meta.get_field(FIELD_ALIASES.get(name, name))
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def field_label(object_type: str, name: str) -> str:
    """The field's name as a person reads it: the model's verbose name, or the code tidied."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    field = _model_field(object_type, name)
    verbose = getattr(field, "verbose_name", "") if field is not None else ""
    text = str(verbose or name.replace("_", " "))
    return text[:1].upper() + text[1:]


def display_value(value, field=None) -> str:
    """One recorded value as text: choices by their label, dates as "30 Nov 2026", lists joined."""
    from django.utils.dateparse import parse_date, parse_datetime

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(display_value(v) for v in value)[:MAX_VALUE_CHARS]
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display_value(v)}" for k, v in value.items())[:MAX_VALUE_CHARS]
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices and value in choices:
        return str(choices[value])
    text = str(value)
    if 10 <= len(text) <= 32 and text[:4].isdigit() and text[4:5] == "-":
        try:
            moment = parse_datetime(text) if len(text) > 10 else None
            day = None if moment else parse_date(text)
        except ValueError:
            moment = day = None
        if moment:
            return f"{moment:%-d %b %Y, %H:%M}"
        if day:
            return f"{day:%-d %b %Y}"
    return text[:MAX_VALUE_CHARS]


def _is_pair(name: str, value) -> bool:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return False
    if name in LIST_VALUED:  # a pair only when both sides are lists (or nothing)
        return all(v is None or isinstance(v, list | tuple) for v in value)
    return True


def change_rows(object_type: str, changes) -> list[dict]:
    """The event's changes as rows: {"label", "before", "after", "pair"} in recorded order.

    Edits record [before, after]; creations and other events record a value, shown as "after".
    """
    if not isinstance(changes, dict):
        return [{"label": "Details", "before": "", "after": display_value(changes), "pair": False}]
    rows = []
    for name, value in changes.items():
        field = _model_field(object_type, name)
        pair = _is_pair(name, value)
        before, after = (value[0], value[1]) if pair else (None, value)
        rows.append(
            {
                "label": field_label(object_type, name),
                "before": display_value(before, field) if pair else "",
                "after": display_value(after, field),
                "pair": pair,
            }
        )
    return rows


def actor_name(event) -> str:
    """Who acted: a person by email; a service account by its name (never its pseudo address)."""
    label = event.actor_label
    if not label.endswith(SERVICE_ACCOUNT_DOMAIN):
        return label
    actor = event.actor if event.actor_id else None
    name = actor.full_name if actor is not None and actor.full_name else label.split(".")[0]
    return f"{name} (service account)"
