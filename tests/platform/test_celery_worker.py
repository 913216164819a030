"""A real Celery worker process runs tenant-aware tasks against the real database.

Needs PostgreSQL (the worker must see the test database) and a broker: .ci/run sets
CELERY_SMOKE=1, DATABASE_URL and CELERY_BROKER_URL=redis://…; elsewhere the test is skipped.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from governance.celery import app as celery_app
from governance.core.tasks import organization_census
from governance.tenancy.models import Membership
from governance.tenancy.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("CELERY_SMOKE") != "1", reason="set CELERY_SMOKE=1 (see .ci/run)"
    ),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db):
    if connection.vendor != "postgresql":
        pytest.fail(
            "The worker smoke test needs PostgreSQL: the worker must share the test database."
        )
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("The worker smoke test needs CELERY_BROKER_URL=redis://…")
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    log = open(ROOT / "var" / "celery-smoke.log", "w")  # noqa: SIM115 - closed below
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
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=1):
                break
            if proc.poll() is not None:
                pytest.fail(
                    f"The worker exited: {(ROOT / 'var' / 'celery-smoke.log').read_text()[-2000:]}"
                )
        else:
            pytest.fail("The worker did not answer a ping within 60 s.")
        yield proc
    finally:
        celery_app.conf.task_always_eager = True
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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


def test_the_invitation_email_goes_through_the_worker(worker):
    from governance.tenancy.services import invite_member

    with scopes_disabled():
        owner = MembershipFactory(organization=OrganizationFactory(slug="initech"), role=Role.OWNER)
        invitation, _secret = invite_member(
            organization=owner.organization, email="new@initech.test", role=Role.BOARD, acting=owner
        )
    # The task ran in the worker process (console email backend): it logged the email.
    deadline = time.monotonic() + 60
    log = ROOT / "var" / "celery-smoke.log"
    while time.monotonic() < deadline:
        if "send_invitation_email" in log.read_text() and "succeeded" in log.read_text():
            break
        time.sleep(0.5)
    else:
        pytest.fail("The worker did not run send_invitation_email: " + log.read_text()[-2000:])
    with scopes_disabled():
        assert Membership.objects.filter(organization=owner.organization).count() == 1
    assert invitation.email == "new@initech.test"
