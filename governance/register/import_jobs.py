"""Large spreadsheet imports as Celery jobs: queue, claim, check, commit, report, sweep.

An import of more than ``ANNEX_IMPORT_JOB_ROWS`` rows commits in a worker instead of in the
request. The upload's row (``pending.PendingImport``) is the job: the request marks it queued
and publishes its id once its transaction commits; the task claims it with a conditional
UPDATE (queued → running), so a second delivery of the message does nothing.

The job first checks every row outside any write transaction, writing ``job_done`` every
``imports.PROGRESS_EVERY`` rows where the status page can read it; then it commits the import,
all or nothing, in one transaction that also marks the row done, so a job is either done with
its systems written or not done with nothing written. A job still running past its lease (the
worker died or hit the time limit) is reported failed, by the status read and by the sweep.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope

from governance.register import imports, pending
from governance.register.pending import JobStatus, PendingImport
from governance.tenancy.roles import Action

log = logging.getLogger(__name__)

MAX_STORED_ERRORS = 500  # row errors kept with a failed job (every group is kept)
# A job no worker took within this time fails: the page must not say "queued" for ever.
QUEUE_TIMEOUT = timedelta(minutes=30)
STALE_PREVIEW = "The register changed since the preview, so the import would not do what it " \
                "showed. Nothing was imported; preview the file again."  # fmt: skip
NO_WORKER = "No worker picked up the import in time. Nothing was imported; try again later."
STALE = "The import stopped before it finished (the worker stopped or ran out of time). " \
        "Nothing was imported; import the file again."  # fmt: skip


class JobRefused(Exception):
    """The upload's import is queued, running or done already."""


def job_rows() -> int:
    """Imports of more rows than this run as a job."""
    return int(getattr(settings, "ANNEX_IMPORT_JOB_ROWS", 2000))


def runs_as_job(table) -> bool:
    return len(table.rows) > job_rows()


def lease_seconds() -> int:
    """How long a running job may go unfinished: past the hard time limit, the worker is gone."""
    fallback = getattr(settings, "CELERY_TASK_TIME_LIMIT", 300) + 30
    return int(getattr(settings, "OUTBOX_LEASE", fallback))


# --------------------------------------------------------------------------------------------
# Queue (the request)
# --------------------------------------------------------------------------------------------


def queue_import(upload: PendingImport, *, acting, expected_fingerprint: str = "") -> None:
    """Mark the upload's import queued and publish its job when the transaction commits.

    Refuse (``JobRefused``) an upload whose job is queued, running or done; a failed one may be
    queued again. The job runs as ``acting``'s user, whose rights it checks again.
    """
    if acting.organization_id != upload.organization_id or not acting.can(Action.EDIT_REGISTER):
        raise PermissionDenied("Your role does not allow importing into the register.")
    total = len(upload.table.get("rows") or [])
    with scope(organization=upload.organization), transaction.atomic():
        queued = (
            PendingImport.objects.filter(organization=upload.organization_id, pk=upload.pk)
            .filter(Q(job_status=JobStatus.NONE) | Q(job_status=JobStatus.FAILED))
            .update(
                job_status=JobStatus.QUEUED, job_done=0, job_total=total,
                job_result={"fingerprint": expected_fingerprint or ""},
                # Until a worker claims it, the time it was queued (see sweep).
                job_started_at=timezone.now(), job_finished_at=None,
            )
        )  # fmt: skip
        if not queued:
            raise JobRefused("This file's import has been started already.")
        upload_id, organization_id = upload.pk, upload.organization_id
        transaction.on_commit(lambda: publish(upload_id, organization_id))
    upload.refresh_from_db()


def publish(upload_id: int, organization_id: int) -> None:
    """Send the job to the broker; if it is down, the sweep publishes the queued row later."""
    from governance.register.tasks import commit_import_job

    try:
        commit_import_job.delay(upload_id=upload_id, organization_id=organization_id)
    except Exception:  # noqa: BLE001 - any broker failure: the queued row is the truth
        log.warning("Could not queue import %s; the sweep will retry.", upload_id)


# --------------------------------------------------------------------------------------------
# Run (the worker)
# --------------------------------------------------------------------------------------------


def claim(upload_id: int) -> bool:
    """Take the job from queued to running; False when another run has it or it is over."""
    return bool(
        PendingImport.objects.filter(pk=upload_id, job_status=JobStatus.QUEUED).update(
            job_status=JobStatus.RUNNING, job_started_at=timezone.now(), job_done=0
        )
    )


def run_job(upload_id: int) -> str:
    """Run a queued import job; return the status it ended in ("skipped" if not claimed)."""
    if not claim(upload_id):
        return "skipped"
    upload = PendingImport.objects.select_related("organization", "uploaded_by").get(pk=upload_id)
    try:
        acting = _acting(upload)
        table = upload.read_table()
        options = pending.import_options(upload)
        preview = _check(upload, table, options)
        return _commit(upload, acting, table, options, preview.fingerprint)
    except imports.ImportFailed as exc:
        fail(upload, exc.errors)
    except imports.MappingError as exc:
        fail(upload, [imports.RowError(None, "", "", str(exc))])
    except PermissionDenied as exc:
        fail(upload, [imports.RowError(None, "", "", str(exc))])
    except SoftTimeLimitExceeded:
        raise  # the task says why
    except Exception as exc:  # noqa: BLE001 - record why, never leave the row running
        log.exception("Import job %s failed", upload_id)
        message = f"The import failed ({exc.__class__.__name__}). Nothing was imported."
        fail(upload, [imports.RowError(None, "", "", message)], message=message)
    return JobStatus.FAILED


def _acting(upload: PendingImport):
    from governance.tenancy.models import Membership

    acting = (
        Membership.objects.filter(organization=upload.organization, user=upload.uploaded_by)
        .select_related("organization", "user")
        .first()
    )
    if acting is None:
        raise PermissionDenied("The person who started the import is no longer a member.")
    return acting


def _check(upload: PendingImport, table, options: dict):
    """Check every row, outside any write transaction, reporting the rows checked."""

    def progress(done: int) -> None:
        PendingImport.objects.filter(pk=upload.pk, job_status=JobStatus.RUNNING).update(
            job_done=done
        )

    preview = imports.preview_import(
        organization=upload.organization, table=table, mapping=upload.mapping or {},
        progress=progress, **options,
    )  # fmt: skip
    if preview.errors:
        raise imports.ImportFailed(preview.errors)
    expected = (upload.job_result or {}).get("fingerprint")
    if expected and expected != preview.fingerprint:
        raise imports.ImportFailed([imports.RowError(None, "", "", STALE_PREVIEW)])
    progress(len(table.rows))
    return preview


def _commit(upload: PendingImport, acting, table, options: dict, fingerprint: str) -> str:
    """Commit what the check saw, and mark the job done in the same transaction."""
    with transaction.atomic():
        result = imports.commit_import(
            organization=upload.organization, acting=acting, table=table,
            mapping=upload.mapping or {}, filename=upload.filename,
            expected_fingerprint=fingerprint, **options,
        )  # fmt: skip
        finished = PendingImport.objects.filter(
            pk=upload.pk, job_status=JobStatus.RUNNING
        ).update(
            job_status=JobStatus.DONE, job_done=len(table.rows), job_result=result_body(result),
            job_finished_at=timezone.now(),
        )  # fmt: skip
        if not finished:
            # The sweep declared this run dead meanwhile: its word stands, write nothing.
            transaction.set_rollback(True)
            return "superseded"
    return JobStatus.DONE


def result_body(result: imports.ImportResult) -> dict:
    return {
        "created": result.created,
        "updated": len(result.updated),
        "unchanged": result.unchanged,
        "new_vendors": [v.name for v in result.vendors],
    }


def fail(upload: PendingImport, errors: list, *, message: str = "") -> None:
    """Mark a queued or running job failed, keeping its errors grouped (and the first ones)."""
    rows = len({e.row_number for e in errors if e.row_number is not None})
    if not message:
        message = str(imports.ImportFailed(errors)) if rows else errors[0].message
    PendingImport.objects.filter(
        pk=upload.pk, job_status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(
        job_status=JobStatus.FAILED, job_finished_at=timezone.now(),
        job_result={
            "message": message, "error_count": len(errors),
            "groups": imports.group_errors(errors),
            "errors": [e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
        },
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Read and sweep
# --------------------------------------------------------------------------------------------


def is_stale(upload: PendingImport, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        upload.job_status == JobStatus.RUNNING
        and upload.job_started_at is not None
        and upload.job_started_at < now - timedelta(seconds=lease_seconds())
    )


def job_state(upload: PendingImport) -> dict:
    """The job as the status page and the API show it; a run past its lease reads as failed."""
    status = upload.job_status
    result = upload.job_result or {}
    if is_stale(upload):
        status, result = JobStatus.FAILED, {"message": STALE, "error_count": 0, "groups": []}
    state = {
        "status": status or "not_started",
        "done": upload.job_done,
        "total": upload.job_total,
        "phase": _phase(status, upload),
        "started_at": upload.job_started_at,
        "finished_at": upload.job_finished_at,
        "result": None,
        "error": None,
    }
    if status == JobStatus.DONE:
        state["result"] = {k: result.get(k) for k in ("created", "updated", "unchanged",
                                                      "new_vendors")}  # fmt: skip
    elif status == JobStatus.FAILED:
        state["error"] = {k: result.get(k) for k in ("message", "error_count", "groups",
                                                     "errors")}  # fmt: skip
    return state


def _phase(status: str, upload: PendingImport) -> str:
    if status == JobStatus.RUNNING:
        return "writing" if upload.job_done >= upload.job_total else "checking"
    return status or "not_started"


def sweep(*, now=None) -> dict:
    """Fail jobs running past their lease; publish again queued jobs never picked up."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    counts = {"failed": 0, "requeued": 0}
    dead = PendingImport.objects.filter(job_status=JobStatus.RUNNING, job_started_at__lt=stale)
    for upload in dead:
        fail(upload, [imports.RowError(None, "", "", STALE)], message=STALE)
        counts["failed"] += 1
    queued = PendingImport.objects.filter(job_status=JobStatus.QUEUED)
    for upload in queued.filter(job_started_at__lt=now - QUEUE_TIMEOUT):
        fail(upload, [imports.RowError(None, "", "", NO_WORKER)], message=NO_WORKER)
        counts["failed"] += 1
    waiting = queued.filter(job_started_at__lt=now - timedelta(seconds=60))
    for upload_id, organization_id in waiting.values_list("pk", "organization_id"):
        publish(upload_id, organization_id)
        counts["requeued"] += 1
    return counts
