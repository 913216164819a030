"""A real worker killed mid-build: the job ends done, once, never stuck (PostgreSQL + Redis).

Runs in CI's Celery step (CELERY_SMOKE=1, marker celery_worker), like the outbox fault test.
"""

import os
import signal
import time

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from compliance.documents import services
from compliance.documents.models import Document, DocumentStatus
from governance.audit.models import AuditEvent
from tests.platform.test_celery_worker import real_broker, start_worker, stop_worker  # noqa: F401

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("CELERY_SMOKE") != "1", reason="set CELERY_SMOKE=1 (see .ci/run)"
    ),
]

TIMING = {
    "CELERY_TASK_SOFT_TIME_LIMIT": "25",
    "CELERY_TASK_TIME_LIMIT": "30",
    "CELERY_VISIBILITY_TIMEOUT": "40",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
}


def _document(pk) -> Document:
    with scopes_disabled():
        return Document.objects.get(pk=pk)


def _wait(condition, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(message())


@pytest.fixture
def gap_analysis(real_broker, world):  # noqa: F811
    from compliance.assessments.services import create_assessment
    from compliance.catalogue.services import ensure_shipped_catalogues
    from governance.classification.services import classify_system
    from governance.register.services import create_system
    from tests.documents.conftest import HIGH_RISK_PROVIDER

    with scopes_disabled():
        ensure_shipped_catalogues()
        system = create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Fault-test ranker", "intended_purpose": "Rank applicants."},
        )
        classify_system(system=system, acting=world.alice_membership, screening=HIGH_RISK_PROVIDER)
        return create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
        )


def test_a_worker_killed_mid_build_leaves_one_finished_document(world, gap_analysis):
    env = {**TIMING, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    first, first_log = start_worker("celery-document-fault-1.log", **env)
    try:
        with scopes_disabled():
            document = services.request_document(
                organization=world.acme,
                actor=world.alice,
                kind="gap_report",
                assessment=gap_analysis,
            )
        _wait(
            lambda: _document(document.pk).status == DocumentStatus.RUNNING,
            60,
            lambda: "The worker never started the job: " + first_log.read_text()[-2000:],
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop_worker(first)
    killed = _document(document.pk)
    assert killed.status == DocumentStatus.RUNNING and not killed.file, "killed too late"

    second, second_log = start_worker("celery-document-fault-2.log", **env)
    try:
        _wait(
            lambda: _document(document.pk).is_finished,
            150,
            lambda: "The job was never taken up again: " + second_log.read_text()[-2000:],
        )
    finally:
        stop_worker(second)
    done = _document(document.pk)
    assert done.status == DocumentStatus.DONE, done.error
    assert done.attempts == 2
    folder = f"documents/{world.acme.pk}/{done.uuid}"
    assert done.file.storage.listdir(folder)[1] == [done.filename]
    with scopes_disabled():
        assert Document.objects.filter(kind="gap_report").count() == 1
        assert AuditEvent.objects.filter(action="document.generated").count() == 1
