"""The base for Annex's Celery tasks: tenant-aware, JSON arguments, safe to run twice."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django_scopes import scope

from governance.core.request_context import request_meta


class TenantTask(DjangoTask):
    """A task that runs inside one organisation's scope.

    Call it with `organization_id=` as a keyword; the task body receives the loaded
    `organization` instead, and every scoped query inside is limited to that tenant.
    """

    abstract = True
    # Callers pass organization_id; the body takes organization: skip Celery's signature check.
    typing = False
    acks_late = True
    # Late acknowledgement plus idempotent bodies: a worker lost mid-task re-runs it safely.
    reject_on_worker_lost = True

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
