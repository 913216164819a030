"""Use cases that change the register. Web, API, imports and commands all call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from governance.audit.services import record_event, record_events
from governance.core.concurrency import (
    apply_changes,
    audit_changes,
    diff,
    lock_row,
    save_changes,
)
from governance.register.models import AIModel, AISystem, Tag, Vendor
from governance.tenancy.permissions import (
    can_edit_object,
    register_owned_kind,
    sync_owner_grants,
)
from governance.tenancy.roles import Action

# Fields whose change can move the EU AI Act classification: editing one flags the system
# for re-screening when it has been classified before. Stating a fact that was not stated
# (None or "" to a value) is such a change: the screening may have missed it.
MATERIAL_FIELDS = frozenset(
    {
        "intended_purpose",
        "operator_role",
        "deployment_context",
        "lifecycle_stage",
        "processes_personal_data",
        "processes_biometric_data",
        "processes_special_categories",
        "affected_persons",
        "placed_on_market_on",
        "put_into_service_on",
        "ai_models",
    }
)
PUBLIC_REGISTER_FIELDS = (
    "legal_basis",
    "legal_basis_url",
    "public_page_url",
    "source_code_url",
    "processing_register_url",
    "contact_point",
    "published_on",
    "ended_on",
    "dpia_done",
    "fria_done",
)
# Yes/no facts where None means "not stated": missing information, never "no".
UNSTATED_FLAGS = (
    "processes_personal_data",
    "processes_biometric_data",
    "processes_special_categories",
    "dpia_done",
    "fria_done",
)
SYSTEM_FIELDS = (
    "name",
    "reference",
    "intended_purpose",
    "description",
    "business_owner",
    "technical_owner",
    "operator_role",
    "lifecycle_stage",
    "deployment_context",
    "vendor",
    "processes_personal_data",
    "processes_biometric_data",
    "processes_special_categories",
    "affected_persons",
    "human_oversight",
    "placed_on_market_on",
    "put_into_service_on",
    "significantly_changed_on",
    "intended_for_public_authorities",
    "annex_x_component",
    "eu_database_id",
    # What public algorithm registers publish (NL publication standard, UK ATRS).
    *PUBLIC_REGISTER_FIELDS,
)
OWNER_PERMISSION = "register.edit_own_aisystem"
# Called as hook(system, changes) in the same transaction after a system's edit (or, for each
# of its systems, a model's): the classification app registers the one that keeps each
# obligation's date for the system current (Art. 111), without the register importing it.
SYSTEM_CHANGED_HOOKS: list = []
# A system's owners (business and technical) hold the edit grant; it moves with them.
SYSTEM_OWNERSHIP = register_owned_kind(
    AISystem, perm=OWNER_PERMISSION, owner_fields=("business_owner", "technical_owner")
)


def can_edit_system(membership, system: AISystem) -> bool:
    """Return whether the member may edit the system (by role, or as a granted owner)."""
    return can_edit_object(
        membership,
        system,
        any_action=Action.EDIT_REGISTER,
        own_action=Action.EDIT_OWN_SYSTEMS,
        perm=OWNER_PERMISSION,
    )


def _check_same_org(organization, **objects):
    for field, obj in objects.items():
        items = obj if isinstance(obj, list | tuple | set) else [obj]
        for item in items:
            if item is None:
                continue
            org_id = getattr(item, "organization_id", None)
            if org_id is None:
                # A user: owners must be members of the organisation.
                from governance.tenancy.models import Membership

                if (
                    not Membership.objects.with_scopes_disabled()
                    .filter(organization=organization, user=item)
                    .exists()
                ):
                    raise ValidationError(
                        {field: f"{item} is not a member of {organization.name}."}
                    )
            elif org_id != organization.pk:
                raise ValidationError({field: "Pick one of your organisation's own records."})


REFERENCE_TAKEN = "Another AI system in the register has the reference '{}' already."


def taken_references(organization, references, *, exclude_pks=()) -> list[str]:
    """Return which of `references` (lower case) other systems of the organisation use."""
    wanted = sorted({r.lower() for r in references if r})
    taken = []
    for start in range(0, len(wanted), 500):  # one query per 500, whatever the number
        taken += (
            AISystem.objects.filter(organization=organization)
            .annotate(reference_lower=Lower("reference"))
            .filter(reference_lower__in=wanted[start : start + 500])
            .exclude(pk__in=list(exclude_pks))
            .values_list("reference_lower", flat=True)
        )
    return taken


def check_references_free(organization, references, *, exclude_pks=()) -> None:
    """Refuse a reference another system of the organisation uses (case does not count)."""
    references = [r for r in references if r]
    taken = set(taken_references(organization, references, exclude_pks=exclude_pks))
    for reference in references:
        if reference.lower() in taken:
            raise ValidationError({"reference": REFERENCE_TAKEN.format(reference)})


def set_tags(system: AISystem, names) -> list[str]:
    """Replace the system's tags with these names, making tags on first use."""
    clean = sorted({n.strip()[:60] for n in names if n and n.strip()}, key=str.lower)
    existing = {
        t.name: t for t in Tag.objects.filter(organization=system.organization, name__in=clean)
    }
    missing = [Tag(organization=system.organization, name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {
            t.name: t for t in Tag.objects.filter(organization=system.organization, name__in=clean)
        }
    system.tags.set(existing.values())
    return clean


@transaction.atomic
def create_system(*, organization, acting, data: dict, ai_models=(), tags=()) -> AISystem:
    """Add an AI system to the register. `data` holds model fields (see SYSTEM_FIELDS)."""
    if not acting.can(Action.EDIT_REGISTER) and not acting.can(Action.EDIT_OWN_SYSTEMS):
        raise PermissionDenied("Your role does not allow adding AI systems.")
    unknown = set(data) - set(SYSTEM_FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in unknown})
    _check_same_org(
        organization,
        vendor=data.get("vendor"),
        ai_models=list(ai_models),
        business_owner=data.get("business_owner"),
        technical_owner=data.get("technical_owner"),
    )
    check_references_free(organization, [data.get("reference") or ""])
    system = AISystem(organization=organization, created_by=acting.user, **data)
    if not acting.can(Action.EDIT_REGISTER) and system.business_owner_id is None:
        # A contributor's new system is theirs, so they can go on editing it.
        system.business_owner = acting.user
    system.full_clean(exclude=["organization", "created_by"])
    system.save()
    if ai_models:
        system.ai_models.set(ai_models)
    tag_names = set_tags(system, tags) if tags else []
    sync_owner_grants(SYSTEM_OWNERSHIP, [system])
    record_event(
        organization=organization,
        actor=acting.user,
        action="system.created",
        obj=system,
        changes={"name": system.name, "operator_role": system.operator_role, "tags": tag_names},
    )
    return system


BULK_CLEAN_EXCLUDE = ["organization", "created_by", "vendor", "business_owner", "technical_owner"]


class ItemInvalid(Exception):
    """One item of a bulk creation is invalid; `index` says which, `error` what."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(f"item {index}: {error}")
        self.index = index
        self.error = error


@transaction.atomic
def create_systems(*, organization, acting, items: list[tuple[dict, list, list]]) -> list[AISystem]:
    """Add many systems at once, all or none: items are (data, ai_models, tags).

    The same rules as create_system, with a fixed number of queries per batch instead of per
    system, so a spreadsheet of thousands of rows imports in seconds. One audit event each.
    """
    if not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow adding AI systems in bulk.")
    from governance.tenancy.models import Membership

    members = {
        m.user_id: m
        for m in Membership.objects.filter(organization=organization).select_related("user")
    }
    systems = []
    for index, (data, ai_models, _tags) in enumerate(items):
        unknown = set(data) - set(SYSTEM_FIELDS)
        if unknown:
            raise ItemInvalid(index, ValidationError({k: "Unknown field." for k in unknown}))
        for field in ("business_owner", "technical_owner"):
            user = data.get(field)
            if user is not None and user.pk not in members:
                raise ItemInvalid(
                    index,
                    ValidationError({field: f"{user} is not a member of {organization.name}."}),
                )
        for field, obj in (("vendor", data.get("vendor")), ("ai_models", None)):
            objs = list(ai_models) if field == "ai_models" else [obj]
            if any(o is not None and o.organization_id != organization.pk for o in objs):
                raise ItemInvalid(
                    index, ValidationError({field: "Pick one of your organisation's own records."})
                )
        system = AISystem(organization=organization, created_by=acting.user, **data)
        try:
            # uuid4 ids do not collide; skipping the uniqueness query saves one per row. The
            # related records were checked above (members, this organisation's rows): asking
            # the database again whether each exists would cost a query per row and owner.
            system.full_clean(
                exclude=BULK_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            raise ItemInvalid(index, exc) from exc
        systems.append(system)
    _check_batch_references(organization, systems)
    AISystem.objects.bulk_create(systems, batch_size=500)
    model_links = [
        AISystem.ai_models.through(aisystem_id=s.pk, aimodel_id=m.pk)
        for s, (_d, ai_models, _t) in zip(systems, items, strict=True)
        for m in {m.pk: m for m in ai_models}.values()
    ]
    AISystem.ai_models.through.objects.bulk_create(model_links, batch_size=1000)
    names = {n.strip()[:60] for _d, _m, tags in items for n in tags if n and n.strip()}
    if names:
        Tag.objects.bulk_create(
            [Tag(organization=organization, name=n) for n in names], ignore_conflicts=True
        )
        tag_ids = dict(
            Tag.objects.filter(organization=organization, name__in=names).values_list("name", "pk")
        )
        tag_links = [
            AISystem.tags.through(aisystem_id=s.pk, tag_id=tag_ids[n])
            for s, (_d, _m, tags) in zip(systems, items, strict=True)
            for n in {t.strip()[:60] for t in tags if t and t.strip()}
        ]
        AISystem.tags.through.objects.bulk_create(tag_links, batch_size=1000)
    # One bulk insert for every owner's grant, whatever the batch's size.
    sync_owner_grants(SYSTEM_OWNERSHIP, systems)
    record_events(
        organization=organization,
        actor=acting.user,
        events=[
            {
                "action": "system.created",
                "obj": s,
                "changes": {"name": s.name, "operator_role": s.operator_role, "bulk": True},
            }
            for s in systems
        ],
    )
    return systems


def _check_batch_references(organization, systems) -> None:
    """Refuse a batch whose references repeat or are taken (one query per 500 systems)."""
    first: dict[str, int] = {}
    for index, system in enumerate(systems):
        if system.reference and first.setdefault(system.reference.lower(), index) != index:
            message = REFERENCE_TAKEN.format(system.reference)
            raise ItemInvalid(index, ValidationError({"reference": message}))
    for lower in sorted(taken_references(organization, list(first))):
        index = first[lower]
        message = REFERENCE_TAKEN.format(systems[index].reference)
        raise ItemInvalid(index, ValidationError({"reference": message}))


def _mirror(obj, current) -> None:
    """Copy the stored state onto the caller's instance, so it does not hold stale values."""
    for field in current._meta.concrete_fields:
        setattr(obj, field.attname, getattr(current, field.attname))


@transaction.atomic
def update_system(
    *,
    system: AISystem,
    acting,
    data: dict,
    ai_models=None,
    tags=None,
    expected_version: int | None = None,
) -> AISystem:
    """Edit a system: write only what changed, refuse a stale version (StaleWrite).

    `expected_version` is the `row_version` the editor read (None: write the given fields
    over whatever is stored). Records exactly what changed, flags re-screening after a
    material change and moves the owners' edit grant with the owners.
    """
    unknown = set(data) - set(SYSTEM_FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in unknown})
    current = lock_row(system, expected_version=expected_version)
    if not can_edit_system(acting, current):
        raise PermissionDenied("You can edit only the AI systems you own.")
    if current.archived_at:
        raise ValidationError("This system is archived. Restore it before editing.")
    _check_same_org(
        current.organization,
        vendor=data.get("vendor"),
        ai_models=list(ai_models or []),
        business_owner=data.get("business_owner"),
        technical_owner=data.get("technical_owner"),
    )
    owners_before = SYSTEM_OWNERSHIP.owner_ids(current)
    changes = diff(current, data)
    if "reference" in changes:
        check_references_free(
            current.organization, [changes["reference"][1]], exclude_pks=[current.pk]
        )
    audit = audit_changes(changes)
    if ai_models is not None:
        old_ids = set(current.ai_models.values_list("pk", flat=True))
        new_ids = {m.pk for m in ai_models}
        if old_ids != new_ids:
            audit["ai_models"] = [sorted(old_ids), sorted(new_ids)]
            current.ai_models.set(ai_models)
    if tags is not None:
        old_tags = sorted(current.tags.values_list("name", flat=True), key=str.lower)
        new_tags = set_tags(current, tags)
        if old_tags != new_tags:
            audit["tags"] = [old_tags, new_tags]
    if not audit:
        _mirror(system, current)
        return current
    extra = {}
    if MATERIAL_FIELDS & set(audit):
        extra["material_changed_at"] = timezone.now()
    apply_changes(current, changes)
    current.full_clean(exclude=["organization", "created_by"])
    save_changes(current, changes, extra=extra)
    if SYSTEM_OWNERSHIP.owner_ids(current) != owners_before:
        sync_owner_grants(SYSTEM_OWNERSHIP, [current], previous={current.pk: owners_before})
    record_event(
        organization=current.organization,
        actor=acting.user,
        action="system.updated",
        obj=current,
        changes=audit,
    )
    for hook in SYSTEM_CHANGED_HOOKS:
        hook(current, audit)
    _mirror(system, current)
    return current


def _set_archived(obj, current, *, archived: bool, action: str, acting):
    """Archive or restore the locked row `current`; record it; mirror it onto `obj`."""
    save_changes(current, {"archived_at": timezone.now() if archived else None})
    record_event(organization=current.organization, actor=acting.user, action=action, obj=current)
    _mirror(obj, current)
    return current


@transaction.atomic
def archive_system(*, system: AISystem, acting, expected_version: int | None = None) -> AISystem:
    """Archive instead of delete: the record, its history and classifications stay."""
    current = lock_row(system, expected_version=expected_version)
    if not can_edit_system(acting, current):
        raise PermissionDenied("You can archive only the AI systems you own.")
    if current.archived_at:
        raise ValidationError("This system is archived already.")
    return _set_archived(system, current, archived=True, action="system.archived", acting=acting)


@transaction.atomic
def restore_system(*, system: AISystem, acting, expected_version: int | None = None) -> AISystem:
    """Bring an archived system back into the register."""
    current = lock_row(system, expected_version=expected_version)
    if not can_edit_system(acting, current):
        raise PermissionDenied("You can restore only the AI systems you own.")
    if not current.archived_at:
        raise ValidationError("This system is not archived.")
    return _set_archived(system, current, archived=False, action="system.restored", acting=acting)


MODEL_FIELDS = (
    "name",
    "version",
    "provider",
    "vendor",
    "licence",
    "model_type",
    "is_general_purpose",
    "training_compute_flops",
    "is_open_source",
    "placed_on_market_on",
    "base_model",
    "intended_use",
    "limitations",
    "training_data",
    "evaluations",
    "languages",
)


def _require_edit(acting):
    if not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow editing models and vendors.")


@transaction.atomic
def create_model(
    *, organization, acting, data: dict, source: str = AIModel.Source.MANUAL,
    source_ref: str = "", source_file: str = "",
) -> AIModel:  # fmt: skip
    """Add a model to the register; ``source_ref``/``source_file`` say where a card came from."""
    _require_edit(acting)
    unknown = set(data) - set(MODEL_FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in unknown})
    _check_same_org(organization, vendor=data.get("vendor"))
    if AIModel.objects.filter(
        organization=organization, name=data.get("name", ""), version=data.get("version", "")
    ).exists():
        raise ValidationError(
            {"name": "A model with this name and version is in the register already."}
        )
    model = AIModel(
        organization=organization, created_by=acting.user, source=source,
        source_ref=source_ref, source_file=source_file, **data,
    )  # fmt: skip
    model.full_clean(exclude=["organization", "created_by"])
    model.save()
    provenance = {k: v for k, v in (("source_ref", source_ref), ("source_file", source_file)) if v}
    record_event(
        organization=organization,
        actor=acting.user,
        action="model.created",
        obj=model,
        changes={"source": source, **provenance},
    )
    return model


@transaction.atomic
def update_model(
    *, model: AIModel, acting, data: dict, expected_version: int | None = None
) -> AIModel:
    """Edit a model: write only what changed, refuse a stale version (StaleWrite)."""
    _require_edit(acting)
    unknown = set(data) - set(MODEL_FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in unknown})
    _check_same_org(model.organization, vendor=data.get("vendor"))
    current = lock_row(model, expected_version=expected_version)
    changes = diff(current, data)
    if not changes:
        _mirror(model, current)
        return current
    apply_changes(current, changes)
    if ("name" in changes or "version" in changes) and AIModel.objects.filter(
        organization=current.organization, name=current.name, version=current.version
    ).exclude(pk=current.pk).exists():
        raise ValidationError(
            {"name": "A model with this name and version is in the register already."}
        )
    current.full_clean(exclude=["organization", "created_by"])
    save_changes(current, changes)
    # A model's change can change its systems' classification (e.g. general-purpose).
    AISystem.objects.filter(organization=current.organization, ai_models=current).exclude(
        classified_at=None
    ).update(material_changed_at=timezone.now())
    record_event(
        organization=current.organization,
        actor=acting.user,
        action="model.updated",
        obj=current,
        changes=audit_changes(changes),
    )
    if SYSTEM_CHANGED_HOOKS:
        for system in AISystem.objects.filter(organization=current.organization, ai_models=current):
            for hook in SYSTEM_CHANGED_HOOKS:
                hook(system, {"ai_models": audit_changes(changes)})
    _mirror(model, current)
    return current


@transaction.atomic
def archive_model(*, model: AIModel, acting, expected_version: int | None = None) -> AIModel:
    """Archive a model; systems that use it keep it."""
    _require_edit(acting)
    current = lock_row(model, expected_version=expected_version)
    return _set_archived(model, current, archived=True, action="model.archived", acting=acting)


VENDOR_FIELDS = ("name", "website", "contact_email", "country", "notes")


@transaction.atomic
def create_vendor(*, organization, acting, data: dict) -> Vendor:
    _require_edit(acting)
    if Vendor.objects.filter(
        organization=organization, name__iexact=data.get("name", "").strip()
    ).exists():
        raise ValidationError({"name": "A vendor with this name is in the register already."})
    vendor = Vendor(
        organization=organization, **{k: v for k, v in data.items() if k in VENDOR_FIELDS}
    )
    vendor.full_clean(exclude=["organization"])
    vendor.save()
    record_event(organization=organization, actor=acting.user, action="vendor.created", obj=vendor)
    return vendor


@transaction.atomic
def update_vendor(
    *, vendor: Vendor, acting, data: dict, expected_version: int | None = None
) -> Vendor:
    """Edit a vendor: write only what changed, refuse a stale version (StaleWrite)."""
    _require_edit(acting)
    current = lock_row(vendor, expected_version=expected_version)
    changes = diff(current, {k: v for k, v in data.items() if k in VENDOR_FIELDS})
    if not changes:
        _mirror(vendor, current)
        return current
    apply_changes(current, changes)
    if (
        "name" in changes
        and Vendor.objects.filter(
            organization=current.organization, name__iexact=current.name.strip()
        )
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError({"name": "A vendor with this name is in the register already."})
    current.full_clean(exclude=["organization"])
    save_changes(current, changes)
    record_event(
        organization=current.organization,
        actor=acting.user,
        action="vendor.updated",
        obj=current,
        changes=audit_changes(changes),
    )
    _mirror(vendor, current)
    return current


@transaction.atomic
def archive_vendor(*, vendor: Vendor, acting, expected_version: int | None = None) -> Vendor:
    """Archive a vendor; its systems and models keep it."""
    _require_edit(acting)
    current = lock_row(vendor, expected_version=expected_version)
    return _set_archived(vendor, current, archived=True, action="vendor.archived", acting=acting)
