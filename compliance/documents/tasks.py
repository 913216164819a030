"""Celery jobs that build documents. They take ids only and are safe to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django_scopes import scopes_disabled

from compliance.documents import services
from compliance.documents.models import Document
from governance.core.tasks import TenantTask


@shared_task(
    base=TenantTask,
    name="compliance.documents.tasks.build_document",
    autoretry_for=(OSError,),
    retry_backoff=5,
    max_retries=3,
)
def build_document(*, organization, document_id: int) -> str:
    """Build one document; a second delivery of the same job finds the row claimed or done."""
    try:
        return services.run_build(document_id)
    except SoftTimeLimitExceeded:
        document = Document.objects.get(pk=document_id)
        services.fail(document, document.attempts, "The document took too long to build.")
        return "failed"


@shared_task(name="compliance.documents.tasks.sweep_documents")
def sweep_documents() -> dict:
    """Beat: requeue documents never published or left by a dead worker; fail hopeless ones."""
    with scopes_disabled():
        return services.sweep()


@shared_task(
    base=TenantTask,
    name="compliance.documents.tasks.build_pack",
    autoretry_for=(OSError,),
    retry_backoff=5,
    max_retries=3,
)
def build_pack(*, organization, pack_id: int) -> str:
    """Build one evidence pack; safe to run twice (the row is claimed)."""
    from compliance.documents import pack_services
    from compliance.documents.models import EvidencePack

    try:
        return pack_services.run_pack(pack_id)
    except SoftTimeLimitExceeded:
        pack = EvidencePack.objects.get(pk=pack_id)
        services.fail(pack, pack.attempts, "The pack took too long to build.")
        return "failed"


@shared_task(name="compliance.documents.tasks.expire_auditor_grants")
def expire_auditor_grants() -> int:
    """Beat: end auditors' grants whose period is over."""
    from compliance.documents.grants import expire_grants

    with scopes_disabled():
        return expire_grants()
