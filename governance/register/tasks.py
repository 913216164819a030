"""Celery jobs of the register: large spreadsheet imports. Ids in, safe to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django_scopes import scopes_disabled

from governance.core.tasks import TenantTask
from governance.register import import_jobs, imports
from governance.register.pending import PendingImport

TOO_LONG = "The import took too long and was stopped. Nothing was imported."


@shared_task(base=TenantTask, name="governance.register.tasks.commit_import_job")
def commit_import_job(*, organization, upload_id: int) -> str:
    """Commit one queued import; a second delivery finds the row claimed or finished."""
    try:
        return import_jobs.run_job(upload_id)
    except SoftTimeLimitExceeded:
        # The commit's transaction was rolled back on the way here: nothing was written.
        upload = PendingImport.objects.get(pk=upload_id)
        import_jobs.fail(upload, [imports.RowError(None, "", "", TOO_LONG)], message=TOO_LONG)
        return "failed"


@shared_task(name="governance.register.tasks.sweep_import_jobs")
def sweep_import_jobs() -> dict:
    """Beat: fail import jobs left running by a dead worker; publish again the ones not taken."""
    with scopes_disabled():
        return import_jobs.sweep()
