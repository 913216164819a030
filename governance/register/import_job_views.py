"""Web pages of large imports: queue the commit as a job, then show its progress and result.

The preview's import button posts as usual; an import of more than ``ANNEX_IMPORT_JOB_ROWS``
rows is queued (``import_jobs``) instead of committed in the request, and the browser goes to
the progress page, which htmx refreshes every two seconds until the job is over.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from governance.register import import_jobs, imports
from governance.register.pending import JobStatus
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

SHOWN_GROUPS = 50


def queue_if_large(request, upload, table, preview):
    """Queue the commit of an import too large for a request and redirect to its progress.

    Return None when the request should commit it itself: a small file, or a preview with
    problems or no longer the one the user saw (the request's commit says so, nothing written).
    An upload whose job has started goes to its progress page, whatever its size.
    """
    started = upload.job_status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE)
    if not started:
        if not import_jobs.runs_as_job(table) or not preview.ok:
            return None
        fingerprint = request.POST.get("fingerprint", "")
        if fingerprint and fingerprint != preview.fingerprint:
            return None
        try:
            import_jobs.queue_import(
                upload, acting=request.membership, expected_fingerprint=fingerprint
            )
        except import_jobs.JobRefused:
            started = True
    if started:  # a second click, or a page posted again: one import only
        messages.info(request, "This file's import has been started already.")
    return redirect(
        "register_import:progress", org_slug=request.organization.slug, import_token=upload.token
    )


@require_action(Action.EDIT_REGISTER)
def progress(request, org_slug, import_token):
    """Show a queued import's progress and, once over, its result or its grouped problems."""
    try:
        upload = imports.get_upload(
            organization=request.organization, user=request.user, token=import_token
        )
    except imports.UploadNotFound:
        raise Http404("No such import.") from None
    if not upload.job_status:
        return redirect("register_import:preview", org_slug=org_slug, import_token=import_token)
    state = import_jobs.job_state(upload)
    context = {
        "upload": upload,
        "job": state,
        "polling": state["status"] in (JobStatus.QUEUED, JobStatus.RUNNING),
        "percent": _percent(state),
        # Problems of whole-file kind are the message itself; the table lists those of rows.
        "groups": [g for g in (state["error"] or {}).get("groups") or [] if g["rows"]][
            :SHOWN_GROUPS
        ],
        "register_url": reverse("register:system-list", kwargs={"org_slug": org_slug}),
    }
    if request.headers.get("HX-Request"):
        return render(request, "register/_import_progress_status.html", context)
    return render(request, "register/import_progress.html", context)


def _percent(state: dict) -> int:
    if state["status"] == JobStatus.DONE:
        return 100
    if not state["total"]:
        return 0
    # Checking the rows is most of the work a user waits for; writing shows as the last 10%.
    return min(90, state["done"] * 90 // state["total"])
