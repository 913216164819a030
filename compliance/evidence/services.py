"""Use cases of evidence: add a file or a link, replace the file, link it, download it.

Files go through the storage API (any backend); each upload is typed from its bytes, hashed
and kept as an immutable version. Nothing is overwritten or deleted silently.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from compliance.assessments.access import can_answer, member_user_or_none
from compliance.assessments.concurrency import update_if_current
from governance.audit.services import record_event
from governance.tenancy.roles import Action

from .content import UnacceptableFile, detect_content_type, extension_of, sanitise_filename
from .models import Evidence, EvidenceLink, EvidenceVersion, evidence_storage

CHUNK = 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 25 * 1024 * 1024))


def _require_edit(acting) -> None:
    if not acting.can(Action.EDIT_ASSESSMENTS):
        raise PermissionDenied("Your role does not allow adding evidence.")


def _clean_details(organization, data: dict, errors: dict, *, creating: bool) -> dict:
    out = {}
    if "title" in data or creating:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = "Give the evidence a title."
        elif len(title) > 200:
            errors["title"] = "Keep the title under 200 characters."
        out["title"] = title
    if "description" in data:
        out["description"] = str(data["description"] or "")[:10_000]
    for field in ("valid_from", "valid_until"):
        if field in data:
            value = data[field]
            if value in (None, ""):
                out[field] = None
            elif isinstance(value, datetime.date):
                out[field] = value
            else:
                try:
                    out[field] = datetime.date.fromisoformat(str(value)[:10])
                except ValueError:
                    errors[field] = "Enter a date as YYYY-MM-DD."
    if out.get("valid_from") and out.get("valid_until") and out["valid_until"] < out["valid_from"]:
        errors["valid_until"] = "The end of validity comes before its start."
    if "owner" in data:
        owner = data["owner"]
        if owner in (None, ""):
            out["owner"] = None
        elif member_user_or_none(organization, owner) is None:
            errors["owner"] = "The owner must be a member of this organisation."
        else:
            out["owner"] = member_user_or_none(organization, owner)
    return out


def _inspect_upload(upload) -> dict:
    """Check size, type and content of an upload; return its facts. Raise ValidationError."""
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload."})
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {"file": f"The file is larger than the limit of {limit // (1024 * 1024)} MB."}
        )
    name = sanitise_filename(getattr(upload, "name", "") or "evidence")
    try:
        content_type = detect_content_type(upload, getattr(upload, "name", "") or "")
    except UnacceptableFile as exc:
        raise ValidationError({"file": str(exc)}) from exc
    digest, total = hashlib.sha256(), 0
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise ValidationError(
                {"file": f"The file is larger than the limit of {limit // (1024 * 1024)} MB."}
            )
        digest.update(chunk)
    upload.seek(0)
    if total == 0:
        raise ValidationError({"file": "The file is empty."})
    return {
        "sha256": digest.hexdigest(),
        "size": total,
        "content_type": content_type,
        "original_filename": name,
    }


def _store_version(evidence, acting, upload, facts: dict) -> EvidenceVersion:
    number = (
        EvidenceVersion.objects.filter(evidence=evidence).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    ext = extension_of(facts["original_filename"])
    suffix = f".{ext}" if ext else ""
    digest = facts["sha256"][:16]
    path = f"evidence/{evidence.organization_id}/{evidence.uuid}/v{number}-{digest}{suffix}"
    storage = evidence_storage()
    stored_name = storage.save(path, upload)
    try:
        with transaction.atomic():
            version = EvidenceVersion.objects.create(
                organization=evidence.organization,
                evidence=evidence,
                number=number,
                file=stored_name,
                uploaded_by=acting.user,
                **facts,
            )
    except IntegrityError as exc:
        storage.delete(stored_name)
        raise ValidationError(
            {"file": "Someone uploaded a version at the same moment; try again."}
        ) from exc
    except Exception:
        storage.delete(stored_name)
        raise
    return version


@transaction.atomic
def create_evidence(*, organization, acting, data: dict, upload=None) -> Evidence:
    """Add evidence: a file (`upload`) or a link (`data["url"]`)."""
    _require_edit(acting)
    errors: dict = {}
    details = _clean_details(organization, data, errors, creating=True)
    url = str(data.get("url") or "").strip()
    if upload is not None and url:
        errors["url"] = "Give either a file or a link, not both."
    elif upload is None and not url:
        errors["file"] = "Choose a file to upload, or give a link."
    elif url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            errors["url"] = "Enter a full web address starting with https://."
        if len(url) > 1000:
            errors["url"] = "Keep the address under 1,000 characters."
    facts = None
    if upload is not None and "url" not in errors:
        try:
            facts = _inspect_upload(upload)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    evidence = Evidence.objects.create(
        organization=organization,
        kind=Evidence.Kind.FILE if upload is not None else Evidence.Kind.LINK,
        url=url,
        created_by=acting.user,
        **{"owner": acting.user, **details},
    )
    if facts is not None:
        version = _store_version(evidence, acting, upload, facts)
        evidence.current_version = version
        evidence.save(update_fields=["current_version"])
    record_event(
        organization=organization,
        actor=acting.user,
        action="evidence.created",
        obj=evidence,
        changes={"kind": evidence.kind, **({"sha256": facts["sha256"]} if facts else {})},
    )
    return evidence


@transaction.atomic
def replace_evidence_file(*, evidence, acting, upload, version: int) -> EvidenceVersion:
    """Upload a new version of a file; the previous versions stay, unchanged."""
    _require_edit(acting)
    if evidence.kind != Evidence.Kind.FILE:
        raise ValidationError({"file": "A link has no file to replace."})
    facts = _inspect_upload(upload)
    new = _store_version(evidence, acting, upload, facts)
    update_if_current(evidence, version, current_version=new, updated_at=timezone.now())
    record_event(
        organization=evidence.organization,
        actor=acting.user,
        action="evidence.version_added",
        obj=evidence,
        changes={"version": new.number, "sha256": new.sha256, "size": new.size},
    )
    return new


@transaction.atomic
def update_evidence(*, evidence, acting, version: int, data: dict) -> Evidence:
    """Change title, description, owner or validity dates if `version` is current."""
    _require_edit(acting)
    errors: dict = {}
    unknown = set(data) - {"title", "description", "owner", "valid_from", "valid_until", "url"}
    errors.update({k: "Not a field you can change." for k in unknown})
    values = _clean_details(evidence.organization, data, errors, creating=False)
    start = values.get("valid_from", evidence.valid_from)
    end = values.get("valid_until", evidence.valid_until)
    if start and end and end < start:
        errors["valid_until"] = "The end of validity comes before its start."
    if errors:
        raise ValidationError(errors)
    before = {k: str(getattr(evidence, k + "_id" if k == "owner" else k)) for k in values}
    update_if_current(evidence, version, updated_at=timezone.now(), **values)
    record_event(
        organization=evidence.organization,
        actor=acting.user,
        action="evidence.updated",
        obj=evidence,
        changes={
            k: [before[k], str(v.pk if k == "owner" and v is not None else v)]
            for k, v in values.items()
        },
    )
    return evidence


def _require_link(acting, response) -> None:
    if not can_answer(acting, response):
        raise PermissionDenied("You can attach evidence only to items you may answer.")
    if response.assessment.is_locked:
        raise ValidationError("This assessment is approved and locked.")


@transaction.atomic
def link_evidence(*, evidence, response, acting) -> EvidenceLink:
    """Count evidence for one more response (any assessment, any framework)."""
    _require_link(acting, response)
    if evidence.organization_id != response.organization_id:
        raise ValidationError({"evidence": "No such evidence."})
    link, created = EvidenceLink.objects.get_or_create(
        organization=response.organization,
        evidence=evidence,
        response=response,
        defaults={"linked_by": acting.user},
    )
    if created:
        record_event(
            organization=response.organization,
            actor=acting.user,
            action="evidence.linked",
            obj=evidence,
            changes={
                "item": response.requirement.code,
                "assessment": str(response.assessment.uuid),
            },
        )
    return link


@transaction.atomic
def unlink_evidence(*, evidence, response, acting) -> None:
    """Stop counting evidence for a response; the evidence itself stays (and is recorded)."""
    _require_link(acting, response)
    deleted, _ = EvidenceLink.objects.filter(
        organization=response.organization, evidence=evidence, response=response
    ).delete()
    if deleted:
        record_event(
            organization=response.organization,
            actor=acting.user,
            action="evidence.unlinked",
            obj=evidence,
            changes={
                "item": response.requirement.code,
                "assessment": str(response.assessment.uuid),
            },
        )


@transaction.atomic
def record_download(*, version, acting) -> None:
    """Log who downloaded which file version (auditors' downloads included)."""
    record_event(
        organization=version.organization,
        actor=acting.user,
        action="evidence.downloaded",
        obj=version.evidence,
        changes={"version": version.number, "sha256": version.sha256},
    )


def open_version_file(version):
    return evidence_storage().open(version.file.name, "rb")
