"""Jobs: claimed once, safe to run twice, never left running, never two files for one request."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from compliance.documents import services
from compliance.documents.models import Document, DocumentStatus
from compliance.documents.tasks import build_document, sweep_documents


def _queued(world, system, **fields):
    with scopes_disabled():
        return Document.objects.create(
            organization=world.acme,
            kind="system_card",
            system=system,
            subject_ref=str(system.uuid),
            subject_label=system.name,
            **fields,
        )


@pytest.fixture
def system(make_system):
    return make_system()


def test_running_the_job_twice_builds_one_file(world, system):
    document = _queued(world, system)
    with scopes_disabled():
        first = build_document.delay(document_id=document.pk, organization_id=world.acme.pk).get()
        second = build_document.delay(document_id=document.pk, organization_id=world.acme.pk).get()
        document.refresh_from_db()
    assert (first, second) == ("done", "skipped")
    assert document.status == DocumentStatus.DONE and document.attempts == 1
    files = list(document.file.storage.listdir(f"documents/{world.acme.pk}/{document.uuid}")[1])
    assert files == [document.filename]


def test_a_job_held_by_a_live_worker_is_not_taken_twice(world, system):
    document = _queued(world, system, status=DocumentStatus.RUNNING, started_at=timezone.now())
    with scopes_disabled():
        assert services.claim(document.pk) is None


def test_a_dead_workers_job_is_taken_up_again_after_its_lease(world, system):
    old = timezone.now() - timedelta(seconds=services.lease_seconds() + 5)
    document = _queued(world, system, status=DocumentStatus.RUNNING, started_at=old, attempts=1)
    with scopes_disabled():
        assert services.run_build(document.pk) == DocumentStatus.DONE
        document.refresh_from_db()
    assert document.attempts == 2 and document.sha256


def test_the_sweeper_requeues_a_dead_job_and_fails_one_out_of_tries(world, system):
    old = timezone.now() - timedelta(seconds=services.lease_seconds() + 5)
    retry = _queued(world, system, status=DocumentStatus.RUNNING, started_at=old, attempts=1)
    hopeless = _queued(
        world, system, status=DocumentStatus.RUNNING, started_at=old, attempts=3, number=2
    )
    counts = sweep_documents.delay().get()
    with scopes_disabled():
        retry.refresh_from_db()
        hopeless.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 1}
    assert retry.status == DocumentStatus.DONE  # eager: the requeued job ran at once
    assert hopeless.status == DocumentStatus.FAILED and "three times" in hopeless.error


def test_a_queued_job_that_was_never_published_is_published_by_the_sweeper(world, system):
    document = _queued(world, system, requested_at=timezone.now() - timedelta(minutes=5))
    sweep_documents.delay().get()
    with scopes_disabled():
        document.refresh_from_db()
    assert document.status == DocumentStatus.DONE


def test_a_renderer_error_fails_the_document_with_a_reason(world, system, monkeypatch):
    from compliance.documents import kinds

    def broken(document):
        raise ValueError("boom")

    monkeypatch.setitem(
        kinds.KINDS,
        "system_card",
        kinds.KINDS["system_card"].__class__("system_card", "System card", "system", broken),
    )
    document = _queued(world, system)
    with scopes_disabled():
        assert services.run_build(document.pk) == DocumentStatus.FAILED
        document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "could not be built" in document.error and not document.file


def test_a_broker_failure_leaves_the_request_queued_for_the_sweeper(world, system, monkeypatch):
    from compliance.documents import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.build_document, "delay", down)
    with scopes_disabled():
        document = services.request_document(
            organization=world.acme, actor=world.alice, kind="system_card", system=system
        )
        document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED
