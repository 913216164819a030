"""Request, build and recover documents. Web, API and tasks all call these."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from compliance.documents.kinds import KINDS
from compliance.documents.models import Document, DocumentStatus
from governance.audit.services import record_event

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def lease_seconds() -> int:
    """How long a job's claim on its row lasts: past the hard time limit (the job is dead by
    then) and before the broker's visibility timeout (the redelivered job finds it lapsed)."""
    fallback = getattr(settings, "CELERY_TASK_TIME_LIMIT", 300) + 30
    return int(getattr(settings, "OUTBOX_LEASE", fallback))


def _assessment_for(kind, system, organization):
    """Resolve a report asked for by system to that system's newest fitting assessment."""
    from compliance.assessments.models import Assessment

    wanted = {
        "fria": {"kind": "fria", "system": system},
        "gap_report": {"kind": "gap_analysis", "system": system},
        "statement_of_applicability": {"framework__slug": "iso-42001"},
    }[kind.key]
    return (
        Assessment.objects.filter(organization=organization, **wanted)
        .select_related("framework")
        .order_by("-created_at")
        .first()
    )


def _subject(kind, *, system, ai_model, assessment, organization, incident=None):
    if kind.subject == "assessment":
        if assessment is None and (system is not None or kind.key == "statement_of_applicability"):
            assessment = _assessment_for(kind, system, organization)
            if assessment is None:
                what = {
                    "fria": "Start the fundamental rights impact assessment (Art. 27) of this "
                    "system under Assessments first.",
                    "gap_report": "Start an EU AI Act gap analysis of this system first.",
                }.get(kind.key, "Start an ISO/IEC 42001 assessment first.")
                raise ValidationError(
                    {"assessment": f"There is no assessment to report on. {what}"}
                )
        if assessment is None:
            raise ValidationError({"assessment": "Choose the assessment this report is about."})
        return assessment, str(assessment.uuid), assessment.title
    if kind.subject == "system":
        if system is None:
            raise ValidationError({"system": "Choose the AI system this document is about."})
        return system, str(system.uuid), system.name
    if kind.subject == "organization":
        # Organisation-wide reports (the board report): the subject is the organisation.
        return organization, str(organization.uuid), organization.name
    if kind.subject == "incident":
        if incident is None:
            raise ValidationError({"incident": "Choose the serious incident to report."})
        return incident, str(incident.uuid), incident.title
    if kind.subject == "model":
        if ai_model is None:
            raise ValidationError({"model": "Choose the model this document is about."})
        return ai_model, str(ai_model.uuid), str(ai_model)
    raise ValidationError({"kind": f"{kind.label} is not available."})


def request_document(
    *, organization, actor, kind: str, system=None, ai_model=None, assessment=None, incident=None
) -> Document:
    """Queue a new version of a document, or refuse with the reason it does not apply."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationError({"kind": f"Unknown document kind {kind!r}."})
    subject, ref, label = _subject(
        spec,
        system=system,
        ai_model=ai_model,
        assessment=assessment,
        organization=organization,
        incident=incident,
    )
    reason = spec.refusal(subject)
    if reason:
        raise ValidationError({spec.subject: reason})
    for _ in range(3):
        try:
            with transaction.atomic():
                return _create(organization, actor, spec, subject, ref, label)
        except IntegrityError:
            continue  # another request took the same number at the same moment: take the next
    raise ValidationError({"kind": "Too many requests for this document at once; try again."})


def _create(organization, actor, spec, subject, ref, label) -> Document:
    last = Document.objects.filter(kind=spec.key, subject_ref=ref).aggregate(n=Max("number"))
    document = Document.objects.create(
        organization=organization,
        kind=spec.key,
        system=subject if spec.subject == "system" else None,
        ai_model=subject if spec.subject == "model" else None,
        assessment=subject if spec.subject == "assessment" else None,
        incident=subject if spec.subject == "incident" else None,
        subject_ref=ref,
        subject_label=label[:300],
        number=(last["n"] or 0) + 1,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        organization=organization,
        actor=actor,
        action="document.requested",
        obj=document,
        changes={"kind": spec.key, "subject": label, "number": document.number},
    )
    transaction.on_commit(lambda: enqueue(document))
    return document


def enqueue(document: Document) -> None:
    """Publish the build job; if the broker is down, the sweeper publishes it later."""
    from compliance.documents.tasks import build_document

    try:
        build_document.delay(document_id=document.pk, organization_id=document.organization_id)
    except Exception:  # noqa: BLE001 - any broker failure: the queued row is the truth
        log.warning("Could not queue document %s; the sweeper will retry.", document.pk)


def claim(document_id: int, *, model=Document) -> int | None:
    """Take the row from queued (or from a dead job's expired claim) to running.

    Return the attempt number that fences this run, or None when another run holds it or it is
    finished: the job is then a no-op, so running it twice builds one file.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    claimable = Q(status=DocumentStatus.QUEUED) | Q(
        status=DocumentStatus.RUNNING, started_at__lt=stale
    )
    rows = model.objects.filter(claimable, pk=document_id, attempts__lt=MAX_ATTEMPTS).update(
        status=DocumentStatus.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not rows:
        return None
    return model.objects.values_list("attempts", flat=True).get(pk=document_id)


def run_build(document_id: int) -> str:
    """Build a claimed document and store its file; return the status it ended in."""
    attempt = claim(document_id)
    if attempt is None:
        return "skipped"
    document = Document.objects.select_related(
        "organization", "system", "ai_model", "assessment", "organization__document_details"
    ).get(pk=document_id)
    try:
        built = KINDS[document.kind].build(document)
    except Exception as exc:  # noqa: BLE001 - record why, never leave the row running
        log.exception("Document %s failed", document_id)
        fail(document, attempt, f"The document could not be built: {exc.__class__.__name__}.")
        return DocumentStatus.FAILED
    try:
        return _store(document, attempt, built)
    except OSError:
        # Storage hiccup: give the row back so the task's retry can claim it again.
        Document.objects.filter(
            pk=document_id, status=DocumentStatus.RUNNING, attempts=attempt
        ).update(status=DocumentStatus.QUEUED)
        raise


def _store(document, attempt, built) -> str:
    digest = hashlib.sha256(built.content).hexdigest()
    name = document.file.storage.save(
        document.file.field.generate_filename(document, built.filename),
        ContentFile(built.content),
    )
    with transaction.atomic():
        done = Document.objects.filter(
            pk=document.pk, status=DocumentStatus.RUNNING, attempts=attempt
        ).update(
            status=DocumentStatus.DONE,
            file=name,
            filename=built.filename,
            content_type=built.content_type,
            size=len(built.content),
            sha256=digest,
            data_version=built.data_version,
            finished_at=timezone.now(),
            error="",
        )
        if not done:
            # A newer run took over (this one outlived its claim): keep its result, drop ours.
            document.file.storage.delete(name)
            return "superseded"
        record_event(
            organization=document.organization,
            actor=None,
            action="document.generated",
            obj=document,
            changes={"sha256": digest, "size": len(built.content)},
        )
    return DocumentStatus.DONE


def fail(document, attempt: int | None, reason: str) -> None:
    """Mark a document (or a pack) failed with a reason a person can read."""
    filters = {"pk": document.pk}
    if attempt is not None:
        filters["attempts"] = attempt
    with transaction.atomic():
        type(document).objects.filter(**filters).exclude(status=DocumentStatus.DONE).update(
            status=DocumentStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
        )
        record_event(
            organization=document.organization,
            actor=None,
            action="document.failed",
            obj=document,
            changes={"error": reason[:300]},
        )


def sweep(*, now=None) -> dict:
    """Requeue jobs never published or whose worker died; fail those out of tries."""
    from compliance.documents import pack_services
    from compliance.documents.models import EvidencePack

    now = now or timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    waiting = now - timedelta(seconds=60)
    counts = {"requeued": 0, "failed": 0}
    for model, publish in ((Document, enqueue), (EvidencePack, pack_services.enqueue_pack)):
        dead = model.objects.filter(status=DocumentStatus.RUNNING, started_at__lt=stale)
        for row in dead.select_related("organization"):
            if row.attempts >= MAX_ATTEMPTS:
                fail(row, row.attempts, "The job stopped before finishing, three times.")
                counts["failed"] += 1
            else:
                publish(row)
                counts["requeued"] += 1
        never_sent = model.objects.filter(status=DocumentStatus.QUEUED, requested_at__lt=waiting)
        for row in never_sent.select_related("organization"):
            publish(row)
            counts["requeued"] += 1
    return counts
