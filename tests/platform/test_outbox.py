"""The email outbox: the row is the truth, jobs carry ids only, failures retry, then give up."""

import inspect
import json
import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.celery import app as celery_app
from governance.core import outbox
from governance.core.models import OutboundEmail
from governance.core.tasks import dispatch_outbound_emails
from governance.tenancy import services
from governance.tenancy.models import Invitation
from governance.tenancy.roles import Role
from governance.tenancy.tokens import hash_secret
from tests.platform.smtp import SMTPServer, closed_port

Status = OutboundEmail.Status


def _reset_broker_pools():
    celery_app._pool = None
    celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)


@contextmanager
def broker(url: str):
    """Publish to a real broker transport instead of running jobs in-process."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.broker_transport_options
    conf.broker_url, conf.task_always_eager = url, False
    conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    _reset_broker_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.broker_transport_options = saved
        _reset_broker_pools()


@pytest.fixture
def published():
    """Collect every job message published while the test runs: (task name, body, headers)."""
    messages = []

    def record(sender=None, body=None, headers=None, **_):
        messages.append((sender, body, headers))

    before_task_publish.connect(record, weak=False)
    yield messages
    before_task_publish.disconnect(record)


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


def _invite(world, email="dora@acme.test", role=Role.CONTRIBUTOR):
    with scopes_disabled():
        invitation, secret = services.invite_member(
            organization=world.acme, email=email, role=role, acting=world.alice_membership
        )
        row = OutboundEmail.objects.get(kind="invitation", object_id=invitation.pk)
    return invitation, secret, row


def _row(row) -> OutboundEmail:
    with scopes_disabled():
        return OutboundEmail.objects.get(pk=row.pk)


def _make_due(row) -> None:
    with scopes_disabled():
        OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_inviting_writes_the_outbox_row_with_the_invitation_and_sends_after_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, secret, row = _invite(world)
        assert row.status == Status.PENDING and row.recipient == "dora@acme.test"
        assert mail.outbox == []  # nothing leaves before the transaction commits
    row = _row(row)
    assert row.status == Status.SENT and row.sent_at and row.attempts == 1
    assert len(mail.outbox) == 1 and f"/invitations/{secret}/" in mail.outbox[0].body
    assert hash_secret(secret) == invitation.token_hash


def test_the_job_message_carries_ids_only_and_no_time_limits(
    world, published, django_capture_on_commit_callbacks
):
    with broker("memory://"), django_capture_on_commit_callbacks(execute=True):
        invitation, secret, row = _invite(world)
    [(name, body, headers)] = published
    assert name == "governance.core.tasks.send_outbound_email"
    args, kwargs, _embed = body
    assert args == [] or args == ()
    assert kwargs == {"organization_id": world.acme.pk, "email_id": row.pk}
    # The link's secret is nowhere in the message.
    assert secret not in json.dumps([body, headers], default=str)
    # The worker's time limits apply, not the sender's.
    assert list(headers["timelimit"]) == [None, None]


def test_a_caller_cannot_override_the_workers_time_limits(world, published):
    from governance.core.tasks import organization_census

    with broker("memory://"):
        organization_census.apply_async(
            kwargs={"organization_id": world.acme.pk}, time_limit=1, soft_time_limit=1
        )
    [(_name, _body, headers)] = published
    assert list(headers["timelimit"]) == [None, None]


def test_every_task_takes_ids_only():
    celery_app.loader.import_default_modules()
    tasks = {
        n: t for n, t in celery_app.tasks.items() if n.startswith(("governance", "compliance"))
    }
    assert "governance.core.tasks.send_outbound_email" in tasks
    for name, task in tasks.items():
        params = inspect.signature(task.run).parameters
        for param in params.values():
            if param.name == "organization":  # TenantTask loads it from organization_id
                continue
            assert param.name.endswith("_id") or param.name.endswith("_ids"), (name, param.name)


def test_inviting_succeeds_when_the_broker_is_down_and_beat_sends_it_later(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.alice)
    started = time.monotonic()
    with (
        broker(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/o/acme/members/", {"email": "dora@acme.test", "role": "board"})
    assert response.status_code == 302
    assert time.monotonic() - started < 10
    with scopes_disabled():
        invitation = Invitation.objects.get(email="dora@acme.test")
        row = OutboundEmail.objects.get(kind="invitation", object_id=invitation.pk)
    assert row.status == Status.PENDING and mail.outbox == []
    # Beat, once the broker is back, finds the row past its grace period and sends it.
    assert outbox.due_emails() == []
    later = timezone.now() + timedelta(seconds=django_settings.OUTBOX_GRACE + 1)
    assert outbox.dispatch_due_emails(now=later) == 1
    assert _row(row).status == Status.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dora@acme.test"]


def test_a_second_delivery_of_the_job_sends_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, _secret, row = _invite(world)
    assert outbox.deliver_email(row.pk) == "skipped"
    assert len(mail.outbox) == 1 and _row(row).attempts == 1


def test_a_claim_whose_worker_died_is_taken_again_by_beat(world, settings):
    _invitation, _secret, row = _invite(world)  # no commit callbacks: the job never ran
    lapsed = timezone.now() - timedelta(seconds=settings.OUTBOX_LEASE + 1)
    with scopes_disabled():
        OutboundEmail.objects.filter(pk=row.pk).update(
            status=Status.SENDING, claimed_at=lapsed, attempts=1
        )
    assert [e.pk for e in outbox.due_emails()] == [row.pk]
    dispatch_outbound_emails.delay()
    row = _row(row)
    assert row.status == Status.SENT and row.attempts == 2 and len(mail.outbox) == 1


def test_a_claim_still_held_is_left_alone(world):
    _invitation, _secret, row = _invite(world)
    with scopes_disabled():
        OutboundEmail.objects.filter(pk=row.pk).update(
            status=Status.SENDING, claimed_at=timezone.now(), attempts=1
        )
    assert outbox.due_emails() == [] and outbox.deliver_email(row.pk) == "skipped"
    assert mail.outbox == []


def test_a_failing_mail_server_is_retried_with_back_off_then_marked_failed(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.OUTBOX_MAX_ATTEMPTS = 4
    _invitation, _secret, row = _invite(world)
    delays = []
    for _attempt in range(3):
        before = timezone.now()
        assert outbox.deliver_email(row.pk) == "retry"
        current = _row(row)
        assert current.status == Status.PENDING and "ConnectionRefused" in current.last_error
        delays.append(round((current.next_attempt_at - before).total_seconds()))
        # Not due yet: a job arriving early does nothing.
        assert outbox.deliver_email(row.pk) == "skipped"
        _make_due(row)
    assert delays == [30, 60, 120]
    assert outbox.deliver_email(row.pk) == "failed"
    row = _row(row)
    assert (
        row.status == Status.FAILED and row.attempts == 4 and "ConnectionRefused" in row.last_error
    )
    assert outbox.due_emails(now=timezone.now() + timedelta(days=1)) == []


def test_admins_see_an_undelivered_invitation_and_why(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.OUTBOX_MAX_ATTEMPTS = 1
    _invitation, _secret, row = _invite(world)
    assert outbox.deliver_email(row.pk) == "failed"
    client.force_login(world.alice)
    page = client.get("/o/acme/members/").content.decode()
    assert "Email not delivered" in page and "ConnectionRefusedError" in page


def test_a_hung_mail_server_times_out_instead_of_holding_the_worker(world, settings):
    settings.EMAIL_TIMEOUT = 1
    with SMTPServer(hang=True) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        _invitation, _secret, row = _invite(world)
        started = time.monotonic()
        assert outbox.deliver_email(row.pk) == "retry"
        assert time.monotonic() - started < 5
    assert "timed out" in _row(row).last_error.lower()


def test_the_email_goes_through_a_real_smtp_server_with_the_derived_link(world, smtp):
    invitation, secret, row = _invite(world)
    assert outbox.deliver_email(row.pk) == "sent"
    [message] = smtp.messages
    assert message.recipients == ["dora@acme.test"]
    link = re.search(r"/invitations/(\S+)/", message.data).group(1)
    assert link == secret and hash_secret(link) == invitation.token_hash


def test_a_withdrawn_invitation_is_not_emailed(world):
    invitation, _secret, row = _invite(world)
    with scopes_disabled():
        services.revoke_invitation(invitation=invitation, acting=world.alice_membership)
    assert outbox.deliver_email(row.pk) == "cancelled"
    assert mail.outbox == [] and _row(row).status == Status.CANCELLED


def test_a_link_voided_by_a_new_secret_key_fails_with_a_reason(world, settings):
    _invitation, _secret, row = _invite(world)
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert outbox.deliver_email(row.pk) == "failed"
    assert "invite the person again" in _row(row).last_error and mail.outbox == []


def test_a_row_stamped_by_a_web_server_with_a_clock_a_little_ahead_is_taken_at_once(world):
    _invitation, _secret, row = _invite(world)
    with scopes_disabled():
        OutboundEmail.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() + timedelta(seconds=3)
        )
    assert outbox.deliver_email(row.pk) == "sent" and len(mail.outbox) == 1
