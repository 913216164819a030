"""Request and build evidence packs (auditors' ZIPs)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.assessments.selectors import assessments_for_member
from compliance.documents import packs
from compliance.documents.models import DocumentStatus, EvidencePack
from compliance.documents.services import claim, fail
from governance.audit.services import record_event

log = logging.getLogger(__name__)
MAX_ASSESSMENTS = 50


def request_pack(*, membership, actor, assessment_ids: list, as_of) -> EvidencePack:
    """Queue a pack of the member's visible assessments as of a date, or refuse clearly."""
    errors = {}
    if as_of is None:
        errors["as_of"] = "Give the date the pack is as of."
    elif as_of > timezone.localdate():
        errors["as_of"] = "The date cannot be in the future."
    ids = [str(i) for i in assessment_ids or []]
    if not ids:
        errors["assessments"] = "Choose at least one assessment."
    elif len(ids) > MAX_ASSESSMENTS:
        errors["assessments"] = f"Choose at most {MAX_ASSESSMENTS} assessments."
    found = list(assessments_for_member(membership).filter(uuid__in=ids)) if ids else []
    if ids and len(found) != len(set(ids)):
        errors["assessments"] = "One or more assessments do not exist or are not yours to see."
    if not errors and not packs.has_content(
        assessments_for_member(membership).filter(pk__in=[a.pk for a in found]), as_of
    ):
        errors["assessments"] = (
            "These assessments have no evidence file, link or document as of that date: "
            "a pack would hold nothing to verify."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pack = EvidencePack.objects.create(
            organization=membership.organization, as_of=as_of, requested_by=actor
        )
        pack.assessments.set(found)
        record_event(
            organization=membership.organization,
            actor=actor,
            action="evidence_pack.requested",
            obj=pack,
            changes={"as_of": as_of.isoformat(), "assessments": sorted(ids)},
        )
        transaction.on_commit(lambda: enqueue_pack(pack))
    return pack


def enqueue_pack(pack) -> None:
    from compliance.documents.tasks import build_pack

    try:
        build_pack.delay(pack_id=pack.pk, organization_id=pack.organization_id)
    except Exception:  # noqa: BLE001 - the queued row is the truth; the sweeper retries
        log.warning("Could not queue pack %s; the sweeper will retry.", pack.pk)


def run_pack(pack_id: int) -> str:
    """Build a claimed pack, stream it to storage, and record its hash."""
    attempt = claim(pack_id, model=EvidencePack)
    if attempt is None:
        return "skipped"
    pack = EvidencePack.objects.select_related("organization", "requested_by").get(pk=pack_id)
    builder = getattr(pack.requested_by, "email", "") or "Annex"
    try:
        path, count, mismatches = packs.write_pack(pack, builder=builder)
    except ValueError as exc:
        fail(pack, attempt, str(exc))
        return DocumentStatus.FAILED
    try:
        if mismatches:
            fail(
                pack, attempt, f"Stored files no longer match their hashes: {mismatches[0]['path']}"
            )
            return DocumentStatus.FAILED
        digest, size = packs.sha256_of(path), path.stat().st_size
        name = packs.store(pack, path)
    finally:
        packs.discard(path)
    return _finish(pack, attempt, name, digest, size, count)


def _finish(pack, attempt, name, digest, size, count) -> str:
    with transaction.atomic():
        done = EvidencePack.objects.filter(
            pk=pack.pk, status=DocumentStatus.RUNNING, attempts=attempt
        ).update(
            status=DocumentStatus.DONE,
            file=name,
            sha256=digest,
            size=size,
            file_count=count,
            finished_at=timezone.now(),
            error="",
        )
        if not done:
            pack.file.storage.delete(name)
            return "superseded"
        record_event(
            organization=pack.organization,
            actor=None,
            action="evidence_pack.built",
            obj=pack,
            changes={"sha256": digest, "files": count},
        )
    return DocumentStatus.DONE
