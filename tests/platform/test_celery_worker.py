"""A real Celery worker process runs tenant-aware tasks against the real database.

Needs PostgreSQL (the worker must see the test database) and a broker: .ci/run sets
CELERY_SMOKE=1, DATABASE_URL and CELERY_BROKER_URL=redis://…; elsewhere the test is skipped.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from governance.celery import app as celery_app
from governance.core.models import OutboundEmail
from governance.core.tasks import organization_census
from governance.tenancy.models import Membership
from governance.tenancy.roles import Role
from governance.tenancy.tokens import hash_secret
from tests.factories import MembershipFactory, OrganizationFactory
from tests.platform.smtp import SMTPServer

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("CELERY_SMOKE") != "1", reason="set CELERY_SMOKE=1 (see .ci/run)"
    ),
]

ROOT = Path(__file__).resolve().parents[2]


def _check_platform():
    if connection.vendor != "postgresql":
        pytest.fail(
            "The worker smoke test needs PostgreSQL: the worker must share the test database."
        )
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("The worker smoke test needs CELERY_BROKER_URL=redis://…")


def start_worker(log_name: str, **extra_env: str) -> tuple[subprocess.Popen, Path]:
    """Start `celery worker` on the test database; return it once it answers a ping."""
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env.update(extra_env)
    log_path = ROOT / "var" / log_name
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "governance",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if celery_app.control.ping(timeout=1):
            return proc, log_path
        if proc.poll() is not None:
            pytest.fail(f"The worker exited: {log_path.read_text()[-2000:]}")
    stop_worker(proc)
    pytest.fail("The worker did not answer a ping within 60 s.")


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def real_broker(transactional_db):
    _check_platform()
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def worker(real_broker):
    proc, log_path = start_worker("celery-smoke.log")
    yield log_path
    stop_worker(proc)


def test_a_real_worker_runs_a_tenant_scoped_task(worker):
    with scopes_disabled():
        acme = OrganizationFactory(slug="acme-smoke")
        globex = OrganizationFactory(slug="globex-smoke")
        for _ in range(3):
            MembershipFactory(organization=acme, role=Role.CONTRIBUTOR)
        MembershipFactory(organization=globex, role=Role.OWNER)
    result = organization_census.delay(organization_id=acme.pk)
    assert result.get(timeout=60) == {"organization": "acme-smoke", "members": 3, "audit_events": 0}
    # The same task for the other tenant sees only that tenant's rows.
    assert organization_census.delay(organization_id=globex.pk).get(timeout=60)["members"] == 1


def _invite(slug: str, email: str):
    from governance.tenancy.services import invite_member

    with scopes_disabled():
        owner = MembershipFactory(organization=OrganizationFactory(slug=slug), role=Role.OWNER)
        invitation, secret = invite_member(
            organization=owner.organization, email=email, role=Role.BOARD, acting=owner
        )
        row = OutboundEmail.objects.get(kind="invitation", object_id=invitation.pk)
    return owner, invitation, secret, row


def _wait_for(condition, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(message())


def _row(row) -> OutboundEmail:
    with scopes_disabled():
        return OutboundEmail.objects.get(pk=row.pk)


def test_the_invitation_email_goes_through_the_worker(worker):
    owner, invitation, _secret, row = _invite("initech", "new@initech.test")
    _wait_for(
        lambda: _row(row).status == OutboundEmail.Status.SENT,
        60,
        lambda: "The worker did not send the invitation: " + worker.read_text()[-2000:],
    )
    assert "send_outbound_email" in worker.read_text()
    with scopes_disabled():
        assert Membership.objects.filter(organization=owner.organization).count() == 1
    assert invitation.email == "new@initech.test"


def test_a_worker_killed_mid_send_is_replaced_and_the_email_goes_out_exactly_once(real_broker):
    """kill -9 the worker while it talks to the mail server; a fresh worker finishes the job.

    The broker hands the unacknowledged job to the new worker after the visibility timeout
    (10 s here); the job finds the dead worker's claim lapsed (its lease ends between the time
    limit and the visibility timeout), sends, and marks the row sent.
    """
    timing = {
        "CELERY_TASK_SOFT_TIME_LIMIT": "5",
        "CELERY_TASK_TIME_LIMIT": "6",
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "EMAIL_TIMEOUT": "30",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
    }
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    unacked_before = broker.hlen("unacked")
    with SMTPServer(hold_first=True) as smtp:
        env = {**timing, "EMAIL_PORT": str(smtp.port)}
        first, first_log = start_worker("celery-fault-1.log", **env)
        try:
            _owner, invitation, secret, row = _invite("hooli", "gavin@hooli.test")
            # The first worker has claimed the row and waits on the (held) mail server.
            assert smtp.state.first_connected.wait(30), first_log.read_text()[-2000:]
            assert _row(row).status == OutboundEmail.Status.SENDING
            assert broker.hlen("unacked") == unacked_before + 1
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop_worker(first)
        assert smtp.messages == []
        killed_at = time.monotonic()
        second, second_log = start_worker("celery-fault-2.log", **env)
        try:
            _wait_for(
                lambda: _row(row).status == OutboundEmail.Status.SENT,
                60,
                lambda: (
                    "The fresh worker did not finish the job: " + second_log.read_text()[-3000:]
                ),
            )
            redelivered_after = time.monotonic() - killed_at
            # Give a duplicate every chance to show up before counting.
            time.sleep(3)
        finally:
            stop_worker(second)
    [message] = smtp.messages
    assert message.recipients == ["gavin@hooli.test"]
    link = re.search(r"/invitations/(\S+)/", message.data).group(1)
    assert link == secret and hash_secret(link) == invitation.token_hash
    row = _row(row)
    assert row.status == OutboundEmail.Status.SENT and row.sent_at is not None
    assert row.attempts == 2  # the killed attempt and the one that sent
    assert broker.hlen("unacked") == unacked_before and redelivered_after < 40
