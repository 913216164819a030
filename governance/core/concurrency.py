"""No lost update: optimistic locking for every editable row.

Every editable model carries a lock counter named `row_version` (never `version`: some models
give `version` a meaning of their own, e.g. `AIModel.version` is the model's release). It
starts at 1 and grows by one with each write. Whoever edits names the counter they read; a
write made from an older counter is refused with `StaleWrite`, which carries the row as it is
now. A write without a counter (an API PATCH without If-Match) still writes only the fields it
changes, in one conditional UPDATE, so two clients editing different fields both keep theirs.

In a model::

    row_version = lock_counter()

In a service, inside `transaction.atomic`::

    current = lock_row(obj, expected_version=expected_version)  # SELECT … FOR UPDATE + check
    changes = diff(current, data)                                # {field: (old, new)}
    ... validate the new state (apply_changes(current, changes); current.full_clean()) ...
    save_changes(current, changes)     # UPDATE … SET <changed>, row_version = row_version + 1
                                       # WHERE pk = … AND organization = … AND row_version = …
    record_event(..., changes=audit_changes(changes))

`touch_row(current)` bumps the counter for a change that is not a column (many-to-many links)
or that the service writes itself. The web side (a hidden counter, what changed meanwhile) is
`VersionedForm` below; the API side (ETag, If-Match, 409/412) is `governance.core.etags`.
"""

from django import forms
from django.db import models
from django.db.models import F
from django.utils import timezone

LOCK_FIELD = "row_version"


def lock_counter():
    """Return the lock counter field every editable model declares as `row_version`."""
    return models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Optimistic lock: grows by one with each write; a stale write is refused.",
    )


class StaleWrite(Exception):
    """A write was based on an older version of the row than the one stored.

    `current` is the row as stored now (a fresh instance); `expected` the counter the writer
    read; `current_version` the counter now.
    """

    def __init__(self, current, *, expected):
        self.current = current
        self.expected = expected
        self.current_version = getattr(current, LOCK_FIELD)
        name = current._meta.verbose_name
        super().__init__(
            f"Someone else changed this {name} since you read it (version {expected}; it is "
            f"now {self.current_version}). Nothing was saved: reload it and apply your change "
            "again."
        )

    @property
    def message(self) -> str:
        return str(self)

    def current_values(self, fields) -> dict:
        """Return {field: value now} for these fields."""
        return {field: getattr(self.current, field) for field in fields}


def _row(obj):
    """Return a queryset for exactly this row, inside its organisation when it has one."""
    qs = type(obj)._default_manager.filter(pk=obj.pk)
    if hasattr(obj, "organization_id"):
        qs = qs.filter(organization_id=obj.organization_id)
    return qs


def lock_row(obj, *, expected_version: int | None = None):
    """Lock the row (SELECT … FOR UPDATE) and return it fresh; refuse a stale expected version.

    Must run inside `transaction.atomic`. `expected_version=None` means "whatever is stored":
    the caller then writes only the fields it changes.
    """
    current = _row(obj).select_for_update().first()
    if current is None:
        raise type(obj).DoesNotExist(f"{type(obj).__name__} {obj.pk} is gone.")
    if expected_version is not None and getattr(current, LOCK_FIELD) != int(expected_version):
        raise StaleWrite(current, expected=int(expected_version))
    return current


def diff(current, data: dict) -> dict:
    """Return {field: (old, new)} for the fields of `data` whose value differs from `current`."""
    changes = {}
    for field, value in data.items():
        model_field = current._meta.get_field(field)
        if model_field.many_to_one:
            # Compare ids first: loading the related row is only worth it for a change.
            if getattr(current, model_field.attname) == getattr(value, "pk", value):
                continue
        elif getattr(current, field) == value:
            continue
        changes[field] = (getattr(current, field), value)
    return changes


def apply_changes(obj, changes: dict) -> None:
    """Set the new values of `changes` ({field: (old, new)}) on the instance (no write)."""
    for field, (_old, new) in changes.items():
        setattr(obj, field, new)


def save_changes(current, changes: dict, *, extra: dict | None = None) -> None:
    """Write only the changed fields and bump the counter, if the counter is still the same.

    `current` comes from `lock_row`; `changes` is {field: (old, new)} or {field: new};
    `extra` holds fields the service sets itself (e.g. a derived timestamp). Raises
    StaleWrite when the row moved on meanwhile (never under `lock_row`'s lock, but the
    condition keeps the write correct without it).
    """
    values = {
        field: (value[1] if isinstance(value, tuple) and len(value) == 2 else value)
        for field, value in changes.items()
    }
    values.update(extra or {})
    expected = getattr(current, LOCK_FIELD)
    if any(f.name == "updated_at" for f in current._meta.concrete_fields):
        values.setdefault("updated_at", timezone.now())
    written = (
        _row(current)
        .filter(**{LOCK_FIELD: expected})
        .update(**values, **{LOCK_FIELD: F(LOCK_FIELD) + 1})
    )
    if written != 1:
        fresh = _row(current).first()
        if fresh is None:
            raise type(current).DoesNotExist(f"{type(current).__name__} {current.pk} is gone.")
        raise StaleWrite(fresh, expected=expected)
    for field, value in values.items():
        setattr(current, field, value)
    setattr(current, LOCK_FIELD, expected + 1)


def touch_row(current, **extra) -> None:
    """Bump the counter of a locked row whose change is not in its columns (e.g. its tags)."""
    save_changes(current, {}, extra=extra)


def audit_value(value):
    """Return a JSON-friendly form of a field value for the audit trail."""
    if hasattr(value, "pk"):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def audit_changes(changes: dict) -> dict:
    """Turn {field: (old, new)} into the audit trail's {field: [old, new]}."""
    return {f: [audit_value(old), audit_value(new)] for f, (old, new) in changes.items()}


# --- Web forms ------------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """A form that edits a versioned row: it carries the counter and the values it started from.

    Pass `row_version=<counter>` when editing (leave it out for a create form). Each field
    then also renders its starting value as a hidden input (Django's show_hidden_initial), so
    after a stale save `show_conflict` can tell which fields someone else changed and show
    their values beside them, while the user's own input stays in the form.
    """

    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, row_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.versioned = row_version is not None
        if self.versioned:
            self.fields["row_version"].initial = row_version
            for name, field in self.fields.items():
                if name != LOCK_FIELD:
                    field.show_hidden_initial = True
        else:
            del self.fields["row_version"]

    @property
    def expected_version(self) -> int | None:
        """The counter the user's form was based on (None for a create form)."""
        if not self.versioned:
            return None
        return self.cleaned_data.get(LOCK_FIELD) or self.fields[LOCK_FIELD].initial

    def _started_from(self, name):
        field = self.fields[name]
        raw = self._widget_data_value(field.hidden_widget(), self.add_initial_prefix(name))
        # Browsers send line breaks as CRLF; stored text may have bare LF.
        return raw.replace("\r\n", "\n") if isinstance(raw, str) else raw

    def changed_meanwhile(self, current_initial: dict) -> list[str]:
        """Return the fields whose stored value differs from the one this form started from."""
        changed = []
        for name, field in self.fields.items():
            if name == LOCK_FIELD or name not in current_initial:
                continue
            now = current_initial[name]
            if isinstance(now, str):
                now = now.replace("\r\n", "\n")
            if field.has_changed(now, self._started_from(name)):
                changed.append(name)
        return changed

    def show_conflict(
        self, exc: StaleWrite, current_initial: dict, *, by: str = "", what: str = ""
    ) -> list:
        """Refuse a stale save in the form, losing nothing. Return the fields changed meanwhile.

        Say so on top; beside each field someone else changed, show its value now. Where only
        they changed a field, the form takes their value; where both did, the user's input
        stays and saving again keeps it. The form is rebased on the stored version, so the
        next save goes through unless someone writes again.
        """
        changed = self.changed_meanwhile(current_initial)
        mine = set(self.changed_data)
        who = by or "Someone else"
        what = what or str(exc.current._meta.verbose_name)
        summary = f"{who} saved this {what} while you were editing it. Nothing of yours was saved"
        if changed:
            labels = ", ".join(str(self.fields[n].label).lower() for n in changed)
            summary += (
                f" yet. They changed: {labels}; their values are shown beside those fields. "
                "Review them and save again."
            )
        else:
            summary += " yet: your input is still below. Save again to apply it."
        self.add_error(None, summary)
        for name in changed:
            shown = display_value(self.fields[name], current_initial[name]) or "(empty)"
            if name in mine:
                message = (
                    f"{who} changed this meanwhile to “{shown}”. You entered something else: "
                    "saving again keeps yours."
                )
            else:
                message = f"{who} changed this meanwhile to “{shown}”: the form now shows it."
            self.add_error(name, message)
        self._rebase(current_initial, exc.current_version, adopt=set(changed) - mine)
        return changed

    def _rebase(self, current_initial: dict, version: int, *, adopt=()) -> None:
        """Start the form from the stored values; take them as input for the fields in `adopt`."""
        data = self.data.copy()
        for name, field in self.fields.items():
            if name == LOCK_FIELD or name not in current_initial:
                continue
            _put(data, self.add_initial_prefix(name), field, current_initial[name], hidden=True)
            if name in adopt:
                _put(data, self.add_prefix(name), field, current_initial[name])
        data[LOCK_FIELD] = str(version)
        self.data = data


def _put(data, key: str, field, value, *, hidden: bool = False) -> None:
    """Write a value into form data as a browser would submit it for this field."""
    if isinstance(field, forms.BooleanField) and not hidden:
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
        return
    prepared = field.prepare_value(value)
    if isinstance(prepared, list | tuple):
        data.setlist(key, ["" if v is None else str(v) for v in prepared])
    else:
        data[key] = "" if prepared is None else str(prepared)


def display_value(field, value) -> str:
    """Return a value as a person reads it in the form (choice labels, Yes/No, lists)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, forms.ModelMultipleChoiceField):
        key = field.to_field_name or "pk"
        return ", ".join(str(o) for o in field.queryset.filter(**{f"{key}__in": list(value)}))
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        obj = field.queryset.filter(**{key: value}).first()
        return str(obj) if obj is not None else str(value)
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    prepared = field.prepare_value(value)
    if isinstance(prepared, list | tuple):
        return ", ".join(str(v) for v in prepared)
    return str(prepared)


__all__ = [
    "LOCK_FIELD",
    "StaleWrite",
    "VersionedForm",
    "apply_changes",
    "audit_changes",
    "diff",
    "display_value",
    "lock_counter",
    "lock_row",
    "save_changes",
    "touch_row",
]
