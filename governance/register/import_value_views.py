"""The value step of the web import: map the file's values to ours, choose defaults, save it all.

Between matching the columns and checking the rows: for each mapped column whose field takes
fixed values, the distinct values of the file (with their row counts) each get a select, set
to the obvious one of ours when there is one; "Not stated / unknown" keeps the fact unknown.
Defaults fill what a new system's row does not state, and only those the user picks here.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from governance.register import imports, pending, saved_mappings
from governance.register.import_cells import (
    BOOLEAN_FIELDS,
    CHOICE_FIELDS,
    LIST_FIELDS,
    REQUIRED_CHOICES,
    UNKNOWN,
    _key,
    options_of,
)
from governance.register.import_views import _load, _steps
from governance.register.value_mapping import coerce, distinct_values
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

UNKNOWN_LABEL = "Not stated / unknown"
DEFAULT_FIELDS = CHOICE_FIELDS + BOOLEAN_FIELDS


def _token(value) -> str:
    """Our value as a select option: booleans as yes/no."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def _value_choices(field: str) -> list[tuple[str, str]]:
    return (
        [("", "Choose…")]
        + [(_token(v), str(label)) for v, label in options_of(field)]
        + [(UNKNOWN, UNKNOWN_LABEL)]
    )


def _default_choices(field: str) -> list[tuple[str, str]]:
    none = ("None: rows without one are errors" if field in REQUIRED_CHOICES
            else "None: leave it not stated")  # fmt: skip
    return [("", none)] + [(_token(v), str(label)) for v, label in options_of(field)]


class ValueForm(forms.Form):
    """A select per distinct value of each value column, a default per field, a name to save."""

    save_as = forms.CharField(
        label="Save these choices as a mapping named", required=False, max_length=100,
        help_text="Optional. Next month, pick it when you upload the file: columns, values, "
        "defaults, tag separator and matching are applied in one go.",
    )  # fmt: skip
    replace = forms.BooleanField(
        label="Replace the saved mapping of that name, if there is one", required=False
    )

    def __init__(self, *args, found: dict[str, list[dict]], values: dict, defaults: dict, **kw):
        super().__init__(*args, **kw)
        self.found = found
        for field, items in found.items():
            chosen = {_key(k): v for k, v in (values.get(field) or {}).items()}
            for index, item in enumerate(items):
                initial = chosen.get(item["key"], item["suggestion"])
                self.fields[f"v_{field}_{index}"] = forms.ChoiceField(
                    label=item["value"], choices=_value_choices(field), required=False,
                    initial=_token(initial),
                )  # fmt: skip
        for field in DEFAULT_FIELDS:
            self.fields[f"d_{field}"] = forms.ChoiceField(
                label=imports.IMPORT_FIELDS[field].label, choices=_default_choices(field),
                required=False, initial=_token(defaults.get(field)),
            )  # fmt: skip

    def value_map(self) -> dict[str, dict[str, object]]:
        """{field: {file value: ours or UNKNOWN}} for every value given a choice."""
        result: dict[str, dict[str, object]] = {}
        for field, items in self.found.items():
            for index, item in enumerate(items):
                choice = self.cleaned_data.get(f"v_{field}_{index}")
                if choice:
                    result.setdefault(field, {})[item["value"]] = _stored(field, choice)
        return result

    def defaults(self) -> dict[str, object]:
        return {
            field: _stored(field, self.cleaned_data[f"d_{field}"])
            for field in DEFAULT_FIELDS
            if self.cleaned_data.get(f"d_{field}")
        }

    def sections(self) -> list[dict]:
        return [
            {"field": field, "label": imports.IMPORT_FIELDS[field].label,
             "multi": field in LIST_FIELDS,
             "rows": [{"item": item, "select": self[f"v_{field}_{i}"]}
                      for i, item in enumerate(items)]}
            for field, items in self.found.items()
        ]  # fmt: skip


def _stored(field: str, choice: str):
    """A select's value as the value map keeps it (JSON: booleans, codes, UNKNOWN)."""
    return choice if choice == UNKNOWN else coerce(field, choice)


@require_action(Action.EDIT_REGISTER)
def values(request, org_slug, import_token):
    upload, table = _load(request, import_token)
    if upload.mapping is None:
        return redirect("register_import:mapping", org_slug=org_slug, import_token=import_token)
    mapping = {h: f for h, f in upload.mapping.items() if f}
    options = pending.import_options(upload)
    found = distinct_values(table, mapping)
    data = request.POST if request.method == "POST" else None
    form = ValueForm(data, found=found, values=options["values"], defaults=options["defaults"])
    if request.method == "POST" and form.is_valid():
        chosen = {"values": form.value_map(), "defaults": form.defaults()}
        pending.save_options(upload, **chosen)
        name = form.cleaned_data["save_as"].strip()
        if name and _save(request, form, upload, name):
            return redirect("register_import:preview", org_slug=org_slug,
                            import_token=import_token)  # fmt: skip
        if not name:
            return redirect("register_import:preview", org_slug=org_slug,
                            import_token=import_token)  # fmt: skip
    return render(request, "register/import_values.html", {
        "form": form, "sections": form.sections(), "upload": upload, "table": table,
        "defaults": [form[f"d_{f}"] for f in DEFAULT_FIELDS],
        "steps": _steps(request, "values", upload),
    }, status=400 if form.errors else 200)  # fmt: skip


def _save(request, form, upload, name: str) -> bool:
    """Save the upload's choices as a named mapping; put a problem on the name field."""
    options = upload.options or {}
    data = {
        "name": name,
        "columns": {h: f for h, f in upload.mapping.items() if f},
        "values": options.get("values") or {},
        "defaults": options.get("defaults") or {},
        "tag_separator": options.get("tag_separator") or "",
        "match_on": options.get("match_on") or "reference",
    }
    existing = saved_mappings.mappings_of(request.organization).filter(name__iexact=name).first()
    try:
        if existing is not None and form.cleaned_data.get("replace"):
            saved = saved_mappings.update_mapping(
                mapping=existing, acting=request.membership, data=data
            )
        else:
            saved = saved_mappings.create_mapping(
                organization=request.organization, acting=request.membership, data=data
            )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error("save_as" if field == "name" else None, error)
        return False
    messages.success(request, f"Saved the mapping '{saved.name}'.")
    return True
