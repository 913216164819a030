"""A real Celery worker commits a large API import queued as a job (PostgreSQL and Redis).

Run by .ci/run with CELERY_SMOKE=1 (see tests/platform/test_celery_worker.py); skipped elsewhere.
"""

import csv
import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register.models import AISystem
from governance.tenancy import services as tenancy_services
from governance.tenancy.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory
from tests.platform import test_celery_worker as smoke

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("CELERY_SMOKE") != "1", reason="set CELERY_SMOKE=1 (see .ci/run)"
    ),
]

ROWS = 300


@pytest.fixture
def worker(transactional_db):
    """A real worker on the test database (as in tests/platform/test_celery_worker.py)."""
    smoke._check_platform()
    smoke.celery_app.conf.task_always_eager = False
    proc, log_path = smoke.start_worker("celery-import-job.log")
    yield log_path
    smoke.stop_worker(proc)
    smoke.celery_app.conf.task_always_eager = True


def _file() -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Reference", "Name", "Intended purpose", "Lifecycle stage"])
    writer.writerows([f"W-{i}", f"Worker system {i}", "p", "Planned"] for i in range(ROWS))
    return SimpleUploadedFile("register.csv", buffer.getvalue().encode(), "text/csv")


def test_a_real_worker_commits_a_large_import_and_reports_it_done(worker, client, settings):
    settings.ANNEX_IMPORT_JOB_ROWS = 100
    with scopes_disabled():
        owner = MembershipFactory(organization=OrganizationFactory(slug="jobs"), role=Role.OWNER)
        _token, secret = tenancy_services.issue_api_token(
            organization=owner.organization, name="CI", scope="read_write", acting=owner
        )
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    response = client.post(
        reverse("api:import-systems", kwargs={"org_slug": "jobs"}),
        {"file": _file(), "defaults": json.dumps({"operator_role": "deployer"})},
    )
    assert response.status_code == 202, response.content[:500]
    status_url = response.json()["status_url"]
    smoke._wait_for(
        lambda: client.get(status_url).json()["status"] in ("done", "failed"),
        60,
        lambda: "The worker did not finish the import: " + worker.read_text()[-2000:],
    )
    job = client.get(status_url).json()
    assert job["status"] == "done", job
    assert (job["done"], job["total"], job["result"]["created"]) == (ROWS, ROWS, ROWS)
    with scopes_disabled():
        assert AISystem.objects.filter(organization=owner.organization).count() == ROWS
    assert "commit_import_job" in worker.read_text()
