"""Pages that list, rename and delete the organisation's saved import mappings.

The ready-made mappings (the Dutch algorithm register, the UK ATRS) are listed beside them,
read-only; "Copy to edit" saves one as the organisation's own.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.core.concurrency import StaleWrite, VersionedForm
from governance.register import imports, saved_mappings
from governance.register.import_cells import TAG_SEPARATORS, display_value
from governance.register.models import SavedMapping
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action


class RenameForm(VersionedForm):
    name = forms.CharField(label="Name", max_length=100)


def _mapping_or_404(request, mapping_id) -> SavedMapping:
    try:
        return saved_mappings.get_mapping(request.organization, mapping_id)
    except SavedMapping.DoesNotExist:
        raise Http404("No such mapping.") from None


def describe(spec: dict) -> dict:
    """What a mapping does, in words for the pages."""
    fields = imports.IMPORT_FIELDS
    return {
        "columns": [
            {"heading": h, "field": fields[f].label if f in fields else f"{f} (no longer a field)"}
            for h, f in spec["columns"].items()
        ],
        "values": [
            {"field": fields[f].label if f in fields else f, "pairs": [
                {"value": v, "ours": "Not stated / unknown" if o == "__unknown__"
                 else (display_value(f, o) if f in fields else str(o)) or str(o)}
                for v, o in pairs.items()]}
            for f, pairs in spec["values"].items() if isinstance(pairs, dict)
        ],
        "defaults": [
            {"field": fields[f].label if f in fields else f,
             "value": display_value(f, v) if f in fields else str(v)}
            for f, v in spec["defaults"].items()
        ],
        "separator": (f"{TAG_SEPARATORS[spec['tag_separator']]}s"
                      if spec["tag_separator"] in TAG_SEPARATORS
                      else "commas, semicolons or line breaks"),
        "match_on": fields[spec["match_on"]].label if spec["match_on"] in fields else "",
    }  # fmt: skip


@require_action(Action.EDIT_REGISTER)
def mapping_list(request, org_slug):
    saved = [
        {"mapping": m, "about": describe(saved_mappings.spec_of(m))}
        for m in saved_mappings.mappings_of(request.organization)
    ]
    presets = [
        {"key": key, "name": preset.get("name", key),
         "about": describe(saved_mappings.spec_of(preset))}
        for key, preset in saved_mappings.presets().items()
    ]  # fmt: skip
    return render(request, "register/import_mappings.html", {"saved": saved, "presets": presets})


@require_action(Action.EDIT_REGISTER)
def mapping_detail(request, org_slug, mapping_id):
    mapping = _mapping_or_404(request, mapping_id)
    form = RenameForm(request.POST or None, row_version=mapping.row_version,
                      initial={"name": mapping.name})  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mapping = saved_mappings.update_mapping(
                    mapping=mapping, acting=request.membership,
                    data={"name": form.cleaned_data["name"]},
                    expected_version=form.expected_version,
                )  # fmt: skip
            except StaleWrite as exc:
                form.show_conflict(exc, {"name": exc.current.name}, what="mapping")
            except ValidationError as exc:
                for error in exc.message_dict.get("name", exc.messages):
                    form.add_error("name", error)
            else:
                messages.success(request, f"Renamed the mapping '{mapping.name}'.")
                return redirect("register_import:mapping-detail", org_slug=org_slug,
                                mapping_id=mapping.uuid)  # fmt: skip
        status = 400
    return render(request, "register/import_mapping_detail.html", {
        "mapping": mapping, "form": form, "about": describe(saved_mappings.spec_of(mapping)),
    }, status=status)  # fmt: skip


@require_POST
@require_action(Action.EDIT_REGISTER)
def mapping_delete(request, org_slug, mapping_id):
    mapping = _mapping_or_404(request, mapping_id)
    version = request.POST.get("row_version", "")
    try:
        saved_mappings.delete_mapping(
            mapping=mapping, acting=request.membership,
            expected_version=int(version) if version.isdigit() else None,
        )  # fmt: skip
    except StaleWrite:
        messages.error(request, f"Someone changed the mapping '{mapping.name}' since you read "
                       "it, so it was not deleted. Check it and delete it again.")  # fmt: skip
        return redirect(
            "register_import:mapping-detail", org_slug=org_slug, mapping_id=mapping.uuid
        )
    messages.success(request, f"Deleted the mapping '{mapping.name}'.")
    return redirect("register_import:mappings", org_slug=org_slug)


@require_POST
@require_action(Action.EDIT_REGISTER)
def preset_copy(request, org_slug):
    """Save a ready-made mapping as the organisation's own, under a free name."""
    preset = saved_mappings.presets().get(request.POST.get("preset", ""))
    if preset is None:
        messages.error(request, "There is no such ready-made mapping.")
        return redirect("register_import:mappings", org_slug=org_slug)
    spec = saved_mappings.spec_of(preset)
    base = f"{spec['name']} (copy)"[:90]
    name, number = base, 2
    taken = {m.name.casefold() for m in saved_mappings.mappings_of(request.organization)}
    while name.casefold() in taken:
        name, number = f"{base} {number}", number + 1
    try:
        copy = saved_mappings.create_mapping(
            organization=request.organization, acting=request.membership,
            data={**spec, "name": name},
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "The ready-made mapping could not be copied: "
                       + " ".join(exc.messages))  # fmt: skip
        return redirect("register_import:mappings", org_slug=org_slug)
    messages.success(request, f"Copied as '{copy.name}': it is yours to rename or delete.")
    return redirect("register_import:mapping-detail", org_slug=org_slug, mapping_id=copy.uuid)
