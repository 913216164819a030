"""Saved import mappings: columns, value maps, defaults, tag separator and match field, by name.

An organisation saves the choices it made for one spreadsheet and applies them to next month's
file. Ready-made presets (``mapping_presets.PRESETS``: the Dutch algorithm register v1.0, the
UK ATRS) have the same shape and are shown beside the saved ones, read-only. Applying a mapping
to a file checks it first: a heading the file lacks, or a field the register no longer has,
is named before anything is written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope

from governance.audit.services import record_event
from governance.core.concurrency import apply_changes, audit_changes, diff, lock_row, save_changes
from governance.register import value_mapping
from governance.register.import_cells import TAG_SEPARATORS
from governance.register.import_upsert import MATCH_FIELDS
from governance.register.imports import IMPORT_FIELDS, MappingError
from governance.register.models import SavedMapping
from governance.tenancy.roles import Action

__all__ = [
    "MAX_COLUMNS",
    "apply_to_headers",
    "clean_spec",
    "create_mapping",
    "delete_mapping",
    "find_spec",
    "get_mapping",
    "mappings_of",
    "presets",
    "spec_of",
    "update_mapping",
]

MAX_COLUMNS = 300
MAX_HEADING = 200
SPEC_FIELDS = ("columns", "values", "defaults", "tag_separator", "match_on")
EDITABLE = ("name",) + SPEC_FIELDS


def presets() -> dict[str, dict]:
    """The ready-made mappings, by key (empty until ``mapping_presets`` ships them)."""
    try:
        from governance.register.mapping_presets import PRESETS
    except ImportError:
        return {}
    return dict(PRESETS)


def mappings_of(organization):
    """The organisation's saved mappings, by name."""
    with scope(organization=organization):
        return SavedMapping.objects.filter(organization=organization).order_by("name")


def get_mapping(organization, mapping_id) -> SavedMapping:
    """Return one of the organisation's mappings; another's, or none, is DoesNotExist alike."""
    try:
        key = mapping_id if isinstance(mapping_id, uuid.UUID) else uuid.UUID(str(mapping_id))
    except (TypeError, ValueError, AttributeError):
        raise SavedMapping.DoesNotExist(mapping_id) from None
    with scope(organization=organization):
        return SavedMapping.objects.get(organization=organization, uuid=key)


def spec_of(mapping: SavedMapping | dict) -> dict:
    """The parts of a mapping an import uses, from a saved one or a preset."""
    get = mapping.get if isinstance(mapping, dict) else lambda k, d=None: getattr(mapping, k, d)
    return {
        "name": get("name", ""),
        "columns": dict(get("columns") or {}),
        "values": dict(get("values") or {}),
        "defaults": dict(get("defaults") or {}),
        "tag_separator": get("tag_separator") or "",
        "match_on": get("match_on") or "reference",
        # A ready-made mapping serves a family of files: columns it knows may be absent.
        "preset": isinstance(mapping, dict),
    }


def find_spec(organization, *, name: str = "", mapping_id=None) -> dict:
    """Find a saved mapping by id or by name (case does not count), or a preset by key or name.

    Raise LookupError with a message naming what was asked for.
    """
    if mapping_id not in (None, ""):
        try:
            return spec_of(get_mapping(organization, mapping_id))
        except SavedMapping.DoesNotExist:
            raise LookupError(f"No saved mapping with the id {mapping_id}.") from None
    wanted = " ".join(str(name).split()).casefold()
    found = mappings_of(organization).filter(name__iexact=" ".join(str(name).split())).first()
    if found is not None:
        return spec_of(found)
    for key, preset in presets().items():
        if wanted in (key.casefold(), str(preset.get("name", "")).casefold()):
            return spec_of(preset)
    raise LookupError(f"No saved mapping or preset is named '{name}'.")


def _heading_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def apply_to_headers(spec: dict, headers: list[str]) -> tuple[dict[str, str | None], dict]:
    """Return ({file header: field or None}, the import options) for a file's headers.

    Headings match whatever their case and spacing. Raise MappingError naming every heading the
    file lacks (a preset's are optional) and every field the register no longer has.
    """
    by_key = {_heading_key(h): h for h in headers}
    errors: list[str] = []
    columns: dict[str, str | None] = {h: None for h in headers}
    for heading, target in spec["columns"].items():
        if target in (None, ""):
            continue
        if target not in IMPORT_FIELDS:
            errors.append(f"The mapping '{spec['name']}' sends the column '{heading}' to the "
                          f"field '{target}', which the register no longer has.")  # fmt: skip
            continue
        header = by_key.get(_heading_key(heading))
        if header is None and spec.get("preset"):
            continue
        if header is None:
            errors.append(f"The mapping '{spec['name']}' expects a column '{heading}', which "
                          "this file does not have.")  # fmt: skip
            continue
        columns[header] = target
    for field in list(spec["values"]) + list(spec["defaults"]):
        if field not in IMPORT_FIELDS:
            errors.append(f"The mapping '{spec['name']}' has values for the field '{field}', "
                          "which the register no longer has.")  # fmt: skip
    if errors:
        raise MappingError({"": errors}, param="mapping_name")
    options = {
        "values": spec["values"],
        "defaults": spec["defaults"],
        "tag_separator": spec["tag_separator"] or None,
        "match_on": spec["match_on"] or "reference",
    }
    return columns, options


def clean_spec(data: dict, *, partial: bool = False) -> dict:
    """Check a mapping's parts; raise ValidationError naming the field at fault."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if "name" in data or not partial:
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            errors["name"] = ["Give the mapping a name."]
        elif len(name) > 100:
            errors["name"] = [f"The name is {len(name)} characters long; the limit is 100."]
        clean["name"] = name
    if "columns" in data or not partial:
        clean["columns"] = _clean_columns(data.get("columns") or {}, errors)
    for key, check in (("values", value_mapping.clean_values),
                       ("defaults", value_mapping.clean_defaults)):  # fmt: skip
        if key in data or not partial:
            given = data.get(key) or {}
            try:
                check(given)
            except value_mapping.ValueMapError as exc:
                errors[key] = [f"{f}: {m}" if f else m for f, ms in exc.errors.items() for m in ms]
            clean[key] = given
    if "tag_separator" in data or not partial:
        separator = data.get("tag_separator") or ""
        if separator and separator not in TAG_SEPARATORS:
            errors["tag_separator"] = [f"Split tags on one of: {', '.join(TAG_SEPARATORS)}."]
        clean["tag_separator"] = separator
    if "match_on" in data or not partial:
        match_on = data.get("match_on") or "reference"
        if match_on not in MATCH_FIELDS:
            errors["match_on"] = [f"Match rows on one of: {', '.join(MATCH_FIELDS)}."]
        clean["match_on"] = match_on
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_columns(columns, errors: dict) -> dict[str, str]:
    if not isinstance(columns, dict):
        errors["columns"] = ["Give an object of column heading → field."]
        return {}
    if len(columns) > MAX_COLUMNS:
        errors["columns"] = [f"{len(columns)} columns; the limit is {MAX_COLUMNS}."]
        return {}
    clean, problems = {}, []
    for heading, target in columns.items():
        if target in (None, ""):
            continue
        if len(str(heading)) > MAX_HEADING:
            problems.append(f"The heading '{str(heading)[:40]}…' is over {MAX_HEADING} characters.")
        elif target not in IMPORT_FIELDS:
            problems.append(f"'{target}' (for '{heading}') is not a field that can be imported.")
        elif target in clean.values():
            problems.append(f"The field '{target}' is given to two columns.")
        else:
            clean[str(heading)] = target
    if problems:
        errors["columns"] = problems
    return clean


def _require(acting, organization) -> None:
    from django.core.exceptions import PermissionDenied

    if acting.organization_id != organization.pk or not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow managing import mappings.")


def _name_taken(organization, name: str, exclude_pk=None) -> bool:
    others = mappings_of(organization).filter(name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


TAKEN = "A saved mapping is named '{}' already: choose another name, or delete that one."


@transaction.atomic
def create_mapping(*, organization, acting, data: dict) -> SavedMapping:
    """Save a mapping under a name unique in the organisation (case does not count)."""
    _require(acting, organization)
    clean = clean_spec(data)
    if _name_taken(organization, clean["name"]):
        raise ValidationError({"name": [TAKEN.format(clean["name"])]})
    mapping = SavedMapping(organization=organization, created_by=acting.user, **clean)
    try:
        with transaction.atomic(), scope(organization=organization):
            mapping.save()
    except IntegrityError:
        raise ValidationError({"name": [TAKEN.format(clean["name"])]}) from None
    record_event(organization=organization, actor=acting.user, action="import_mapping.created",
                 obj=mapping, changes={"name": mapping.name})  # fmt: skip
    return mapping


@transaction.atomic
def update_mapping(*, mapping: SavedMapping, acting, data: dict, expected_version=None):
    """Edit a mapping (rename it, or change its parts); refuse a stale version (StaleWrite)."""
    _require(acting, mapping.organization)
    clean = clean_spec({k: v for k, v in data.items() if k in EDITABLE}, partial=True)
    with scope(organization=mapping.organization):
        current = lock_row(mapping, expected_version=expected_version)
        changes = diff(current, clean)
        if "name" in changes and _name_taken(current.organization, clean["name"], current.pk):
            raise ValidationError({"name": [TAKEN.format(clean["name"])]})
        if changes:
            apply_changes(current, changes)
            save_changes(current, changes)
            record_event(organization=current.organization, actor=acting.user,
                         action="import_mapping.updated", obj=current,
                         changes=audit_changes(changes))  # fmt: skip
    return current


@transaction.atomic
def delete_mapping(*, mapping: SavedMapping, acting, expected_version=None) -> None:
    """Delete a mapping; refuse when it changed since the user read it (StaleWrite)."""
    _require(acting, mapping.organization)
    with scope(organization=mapping.organization):
        current = lock_row(mapping, expected_version=expected_version)
        record_event(organization=current.organization, actor=acting.user,
                     action="import_mapping.deleted", obj=current,
                     changes={"name": current.name})  # fmt: skip
        current.delete()
