"""Imports that update: match each row to a system, say what would change, apply it in bulk.

A row matches an existing system on one column the user picks (the reference unless told,
case does not count). In ``add`` mode a match is an error; in ``upsert`` mode a match is an
update of exactly the mapped fields whose cells are filled (an empty cell leaves the stored
value alone: a file that does not state a fact does not erase it). Each row's outcome is
``new``, ``changed`` (with each field's old → new), ``unchanged`` or ``error``.

``update_systems`` writes the changes of many systems in a fixed number of queries per batch,
refusing the whole batch when any system moved on since the preview (its ``row_version``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from governance.audit.services import record_events
from governance.core.concurrency import LOCK_FIELD, apply_changes, audit_changes, diff
from governance.register import services
from governance.register.import_cells import display_value
from governance.register.models import AIModel, AISystem, Tag
from governance.tenancy.permissions import sync_owner_grants
from governance.tenancy.roles import Action

MODES = ("add", "upsert")
# The columns a row can be matched on: unique, or expected to be, in a register.
MATCH_FIELDS = ("reference", "name", "eu_database_id")
BATCH = 500


def match_key(value) -> str:
    return " ".join(str(value or "").split()).lower()


class ExistingSystems:
    """The organisation's systems by the match column, loaded in a fixed number of queries."""

    def __init__(self, organization, match_on: str, *, with_relations: bool):
        queryset = AISystem.objects.filter(organization=organization).select_related("vendor")
        self.by_key: dict[str, list[AISystem]] = {}
        self.by_name: dict[str, list[AISystem]] = {}
        self.by_reference: dict[str, AISystem] = {}
        models_of, tags_of = _relations(organization) if with_relations else ({}, {})
        for system in queryset.iterator(chunk_size=2000):
            if with_relations:
                system._import_models = models_of.get(system.pk, [])
                system._import_tags = tags_of.get(system.pk, [])
            key = match_key(getattr(system, match_on))
            if key:
                self.by_key.setdefault(key, []).append(system)
            self.by_name.setdefault(match_key(system.name), []).append(system)
            if system.reference:
                self.by_reference[system.reference.lower()] = system


def _relations(organization) -> tuple[dict[int, list], dict[int, list[str]]]:
    """Every system's models and tag names, in three queries whatever the register's size.

    prefetch_related builds a manager per system and row: four seconds for 5,000 systems.
    """
    models = {m.pk: m for m in AIModel.objects.filter(organization=organization)}
    models_of: dict[int, list] = {}
    links = AISystem.ai_models.through.objects.filter(aisystem__organization=organization)
    for system_id, model_id in links.values_list("aisystem_id", "aimodel_id").iterator():
        models_of.setdefault(system_id, []).append(models[model_id])
    tags_of: dict[int, list[str]] = {}
    links = AISystem.tags.through.objects.filter(aisystem__organization=organization)
    for system_id, name in links.values_list("aisystem_id", "tag__name").iterator():
        tags_of.setdefault(system_id, []).append(name)
    return models_of, tags_of


def _comparable(key: str, value):
    """A value of a system or of a row, in a form that compares equal when it means the same."""
    if key in ("business_owner", "technical_owner", "vendor"):
        if isinstance(value, str):  # a vendor the import adds
            return ("new", value.casefold())
        return getattr(value, "pk", None)
    if key == "ai_models":
        return sorted(m.pk for m in value)
    if key == "tags":
        return sorted(t.casefold() for t in value)
    if key == "affected_persons":
        return sorted(value or [])
    return value


def current_value(system: AISystem, key: str):
    if key == "ai_models":
        if hasattr(system, "_import_models"):
            return list(system._import_models)
        return list(system.ai_models.all())
    if key == "tags":
        if hasattr(system, "_import_tags"):
            return list(system._import_tags)
        return [t.name for t in system.tags.all()]
    return getattr(system, key)


def compare(system: AISystem, values: dict) -> dict[str, tuple[str, str]]:
    """Return {field: (old text, new text)} for the fields of `values` that change `system`."""
    changes = {}
    for key, value in values.items():
        old = current_value(system, key)
        if _comparable(key, old) != _comparable(key, value):
            changes[key] = (display_value(key, old), display_value(key, value))
    return changes


@dataclass
class SystemUpdate:
    """The changes one import row makes to one system, as previewed."""

    system: AISystem
    expected_version: int
    data: dict  # model fields
    ai_models: list | None = None
    tags: list | None = None
    index: int = 0  # the row's position, to name it in an error


class UpdateConflict(Exception):
    """A system changed (or went) since the preview: nothing was written."""

    def __init__(self, index: int, name: str):
        self.index = index
        what = f"'{name}'" if name else "A system"
        super().__init__(
            f"{what} was changed by someone else after the preview. Nothing was imported; "
            "preview the file again."
        )


@transaction.atomic
def update_systems(*, organization, acting, updates: list[SystemUpdate]) -> list[AISystem]:
    """Apply many previewed updates, all or none, in a fixed number of queries per batch.

    Each system must still be at the version the preview read (else ``UpdateConflict``).
    One ``system.updated`` audit event per system, with exactly what changed.
    """
    if not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow updating AI systems in bulk.")
    if not updates:
        return []
    pks = [u.system.pk for u in updates]
    locked: dict[int, AISystem] = {}
    for start in range(0, len(pks), BATCH):
        for system in AISystem.objects.select_for_update().filter(
            organization=organization, pk__in=pks[start : start + BATCH]
        ):
            locked[system.pk] = system
    references = []
    for update in updates:
        current = locked.get(update.system.pk)
        if current is None or getattr(current, LOCK_FIELD) != update.expected_version:
            raise UpdateConflict(update.index, update.system.name)
        if current.archived_at:
            raise services.ItemInvalid(
                update.index, ValidationError("The system is archived. Restore it first.")
            )
        new_reference = update.data.get("reference")
        if new_reference and new_reference.lower() != current.reference.lower():
            references.append(new_reference)
    taken = set(services.taken_references(organization, references, exclude_pks=pks))
    return _write(organization, acting, updates, locked, taken)


def _write(organization, acting, updates, locked, taken) -> list[AISystem]:
    now = timezone.now()
    written, events, fields, owners_before = [], [], {"updated_at", LOCK_FIELD}, {}
    model_links, tag_names = {}, {}
    for update in updates:
        current = locked[update.system.pk]
        changes = diff(current, update.data)
        if "reference" in changes and changes["reference"][1].lower() in taken:
            message = services.REFERENCE_TAKEN.format(changes["reference"][1])
            raise services.ItemInvalid(update.index, ValidationError({"reference": message}))
        audit = audit_changes(changes)
        if update.ai_models is not None:
            old = sorted(m.pk for m in current_value(update.system, "ai_models"))
            audit["ai_models"] = [old, sorted(m.pk for m in update.ai_models)]
            model_links[current.pk] = update.ai_models
        if update.tags is not None:
            old = sorted(current_value(update.system, "tags"), key=str.lower)
            audit["tags"] = [old, sorted(update.tags, key=str.lower)]
            tag_names[current.pk] = update.tags
        owners_before[current.pk] = services.SYSTEM_OWNERSHIP.owner_ids(current)
        apply_changes(current, changes)
        try:
            current.full_clean(
                exclude=services.BULK_CLEAN_EXCLUDE, validate_unique=False,
                validate_constraints=False,
            )  # fmt: skip
        except ValidationError as exc:
            raise services.ItemInvalid(update.index, exc) from exc
        if services.MATERIAL_FIELDS & set(audit):
            current.material_changed_at = now
            fields.add("material_changed_at")
        fields.update(changes)
        current.updated_at = now
        setattr(current, LOCK_FIELD, getattr(current, LOCK_FIELD) + 1)
        written.append(current)
        events.append({"action": "system.updated", "obj": current,
                       "changes": {**audit, "import": True}})  # fmt: skip
    _bulk_write(written, fields - {"updated_at", LOCK_FIELD, "material_changed_at"}, now)
    _replace_links(AISystem.ai_models.through, "aimodel_id", {
        pk: {m.pk for m in models} for pk, models in model_links.items()
    })  # fmt: skip
    if tag_names:
        _replace_tags(organization, tag_names)
    moved = [s for s in written if services.SYSTEM_OWNERSHIP.owner_ids(s) != owners_before[s.pk]]
    if moved:
        sync_owner_grants(services.SYSTEM_OWNERSHIP, moved, previous=owners_before)
    record_events(organization=organization, actor=acting.user, events=events)
    for system, event in zip(written, events, strict=True):
        for hook in services.SYSTEM_CHANGED_HOOKS:
            hook(system, event["changes"])
    return written


def _bulk_write(systems: list[AISystem], fields: set[str], now) -> None:
    """Write the changed fields of many systems: one prepared UPDATE per batch of rows.

    Each row sets every field this import changes in any row (to its own value: unchanged
    ones as read under lock), bumps the counter and moves the timestamps, on the condition
    that the counter is still the one read. The statement is executed over the batch's
    parameter sets (``executemany``: one round trip per batch with psycopg's pipeline, a
    prepared statement in SQLite); a CASE per field over many rows (``bulk_update``) took
    two seconds for 5,000 names on SQLite.
    """
    meta = AISystem._meta
    model_fields = [meta.get_field(name) for name in sorted(fields)]
    model_fields.append(meta.get_field("material_changed_at"))
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    lock = quote(meta.get_field(LOCK_FIELD).column)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments}, "
        f"{quote(meta.get_field('updated_at').column)} = %s, {lock} = {lock} + 1 "
        f"WHERE {quote(meta.pk.column)} = %s AND {lock} = %s"
    )
    updated_at = meta.get_field("updated_at").get_db_prep_save(now, connection)
    for start in range(0, len(systems), BATCH):
        batch = systems[start : start + BATCH]
        params = [
            [f.get_db_prep_save(getattr(s, f.attname), connection) for f in model_fields]
            + [updated_at, s.pk, getattr(s, LOCK_FIELD) - 1]
            for s in batch
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
            written = cursor.rowcount
        if written != len(batch):  # only without a lock (SQLite between read and write)
            raise UpdateConflict(start, "")


def _replace_links(through, column: str, targets: dict[int, set[int]]) -> None:
    pks = list(targets)
    for start in range(0, len(pks), BATCH):
        through.objects.filter(aisystem_id__in=pks[start : start + BATCH]).delete()
    through.objects.bulk_create(
        [through(aisystem_id=pk, **{column: t}) for pk, ids in targets.items() for t in ids],
        batch_size=1000,
    )


def _replace_tags(organization, tag_names: dict[int, list[str]]) -> None:
    names = {n.strip() for tags in tag_names.values() for n in tags if n.strip()}
    Tag.objects.bulk_create(
        [Tag(organization=organization, name=n) for n in names], ignore_conflicts=True
    )
    ids = dict(
        Tag.objects.filter(organization=organization, name__in=names).values_list("name", "pk")
    )
    _replace_links(AISystem.tags.through, "tag_id", {
        pk: {ids[n.strip()] for n in tags if n.strip()} for pk, tags in tag_names.items()
    })  # fmt: skip


LABELS = {"reference": "reference", "name": "name", "eu_database_id": "EU database ID"}


class RowMatcher:
    """Decide each previewed row's outcome against the register and the rows before it."""

    def __init__(self, organization, *, mode: str, match_on: str, mapping: dict[str, str]):
        self.mode, self.match_on = mode, match_on
        self.header_of = {key: header for header, key in mapping.items()}
        self.existing = ExistingSystems(organization, match_on, with_relations=mode == "upsert")
        self.first_seen: dict[str, int] = {}
        self.references: dict[str, int] = {}

    def _error(self, row, key: str, message: str) -> None:
        from governance.register.imports import RowError

        row.errors.append(RowError(row.row_number, self.header_of.get(key, ""), key, message))

    def classify(self, row) -> None:
        """Set row.outcome, row.system and row.changes; add errors to the row."""
        value = row.data.get(self.match_on, "")
        key = match_key(value)
        label = LABELS[self.match_on]
        if key and key in self.first_seen:
            self._error(row, self.match_on, f"the {label} '{value}' is also in row "
                        f"{self.first_seen[key]}; each system may appear once.")  # fmt: skip
        elif key:
            self.first_seen[key] = row.row_number
        matches = self.existing.by_key.get(key, []) if key else []
        if len(matches) > 1:
            self._error(row, self.match_on, f"{len(matches)} systems in the register have the "
                        f"{label} '{value}'; match the rows on another column.")  # fmt: skip
        elif matches:
            self._matched(row, matches[0], value, label)
        else:
            self._unmatched(row)
        self._check_reference(row)
        row.outcome = "error" if row.errors else row.outcome

    def _matched(self, row, system, value, label) -> None:
        archived = " (archived)" if system.archived_at else ""
        if self.mode == "add":
            self._error(row, self.match_on, f"the {label} '{value}' is in the register already: "
                        f"'{system.name}'{archived}. Import in 'add and update' mode to update "
                        "it.")  # fmt: skip
            return
        if system.archived_at:
            self._error(row, self.match_on, f"'{system.name}' is archived; restore it before "
                        "updating it by import.")  # fmt: skip
            return
        row.system = system
        values = row.stated_values()
        if self.match_on == "reference":  # matched whatever its case: keep the stored one
            values.pop("reference", None)
        row.changes = compare(system, values)
        row.outcome = "changed" if row.changes else "unchanged"

    def _unmatched(self, row) -> None:
        row.outcome = "new"
        name = row.data.get("name")
        if not name or row.data.get("reference") or self.match_on == "name":
            return
        same = [s for s in self.existing.by_name.get(match_key(name), []) if not s.reference]
        if same:
            archived = " (archived)" if same[0].archived_at else ""
            self._error(row, "name", f"an AI system named '{name}' is in the register already"
                        f"{archived}; give the row a reference to tell them apart.")  # fmt: skip

    def _check_reference(self, row) -> None:
        reference = row.data.get("reference")
        if not reference:
            return
        owner = self.existing.by_reference.get(reference.lower())
        if owner is not None and owner is not row.system and self.match_on != "reference":
            self._error(row, "reference", f"the reference '{reference}' belongs to another "
                        f"system, '{owner.name}'.")  # fmt: skip
        if self.match_on != "reference":
            first = self.references.setdefault(reference.lower(), row.row_number)
            if first != row.row_number:
                self._error(row, "reference", f"the reference '{reference}' is also in row "
                            f"{first}; each system may appear once.")  # fmt: skip
