"""The base for Annex's Celery tasks: ids in, the worker's own time limits, safe to run twice."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django_scopes import scope

from governance.core.request_context import request_meta


class AnnexTask(DjangoTask):
    """Every Annex task: late acknowledgement, and time limits that belong to the worker.

    Celery copies the sender's `task_time_limit` into each message, where it overrides the
    worker's own setting; a web process with other settings would then decide how long a job
    may run. The messages carry no time limits, so the worker's settings apply.
    """

    abstract = True
    acks_late = True
    # Late acknowledgement plus idempotent bodies: a worker lost mid-task re-runs it safely.
    reject_on_worker_lost = True

    def _get_exec_options(self):
        options = dict(super()._get_exec_options())
        options.pop("time_limit", None)
        options.pop("soft_time_limit", None)
        return options

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        # Per-call limits (and those Celery copies from a request on retry) are dropped too.
        options.pop("time_limit", None)
        options.pop("soft_time_limit", None)
        return super().apply_async(args, kwargs, task_id, producer, **options)


class TenantTask(AnnexTask):
    """A task that runs inside one organisation's scope.

    Call it with `organization_id=` as a keyword; the task body receives the loaded
    `organization` instead, and every scoped query inside is limited to that tenant.
    """

    abstract = True
    # Callers pass organization_id; the body takes organization: skip Celery's signature check.
    typing = False

    def __call__(self, *args, organization_id: int, **kwargs):
        from governance.tenancy.models import Organization

        organization = Organization.objects.get(pk=organization_id)
        with scope(organization=organization), request_meta(via="task"):
            return self.run(*args, organization=organization, **kwargs)


@shared_task(base=TenantTask, name="governance.core.tasks.organization_census")
def organization_census(*, organization) -> dict:
    """Count the organisation's members and audit events (a scoped read, used by health checks)."""
    from governance.audit.models import AuditEvent
    from governance.tenancy.models import Membership

    return {
        "organization": organization.slug,
        "members": Membership.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


@shared_task(base=TenantTask, name="governance.core.tasks.send_outbound_email", ignore_result=True)
def send_outbound_email(*, organization, email_id: int) -> str:
    """Send one outbox email (claimed first, so a second delivery of the job does nothing)."""
    from governance.core.outbox import deliver_email

    return deliver_email(email_id)


@shared_task(
    base=AnnexTask, name="governance.core.tasks.dispatch_outbound_emails", ignore_result=True
)
def dispatch_outbound_emails() -> int:
    """Queue again every outbox email that was not sent in time (run by beat)."""
    from governance.core.outbox import dispatch_due_emails

    return dispatch_due_emails()
