"""Headless Chromium: a large import's progress page polls (htmx, no inline script) until the
job is over, and fits a laptop and a phone."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.register import imports, pending
from governance.register.pending import JobStatus, PendingImport
from governance.register.spreadsheets import read_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _upload(world):
    rows = ["Reference,Name,Intended purpose,Lifecycle stage"]
    rows += [f"P-{i},Progress system {i},p,Planned" for i in range(6)]
    table = read_table("\n".join(rows).encode(), "register.csv")
    upload = pending.save_upload(
        organization=world.acme, user=world.alice, filename="register.csv", table=table
    )
    options = {"mode": "add", "defaults": {"operator_role": "deployer"}}
    pending.save_mapping(upload, imports.suggest_import_mapping(table.headers), options)
    return upload


def _login(page, live_server, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=email]", "alice@acme.test")
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/acme/")


def test_the_progress_page_follows_the_job_and_fits_a_phone(
    world, live_server, page, password, artifacts, settings
):
    settings.ANNEX_IMPORT_JOB_ROWS = 4
    _login(page, live_server, password)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # A job no worker has taken yet: the page says so and asks again every two seconds.
    queued = _upload(world)
    with scopes_disabled():
        PendingImport.objects.filter(pk=queued.pk).update(
            job_status=JobStatus.QUEUED, job_total=6, job_started_at=timezone.now()
        )
    page.goto(f"{live_server.url}/o/acme/register/import/{queued.token}/progress/")
    assert page.locator("#import-job", has_text="Queued").count() == 1
    with scopes_disabled():
        PendingImport.objects.filter(pk=queued.pk).update(
            job_status=JobStatus.DONE, job_done=6,
            job_result={"created": 6, "updated": 0, "unchanged": 0, "new_vendors": []},
        )  # fmt: skip
    page.locator("#import-job", has_text="6 AI systems added").wait_for(timeout=10_000)
    # The real thing: Import on the preview queues the job (eager here) and shows its end.
    upload = _upload(world)
    page.goto(f"{live_server.url}/o/acme/register/import/{upload.token}/preview/")
    page.click("main form.form-actions button[type=submit]")
    page.wait_for_url(f"**/{upload.token}/progress/")
    assert page.locator("text=6 AI systems added, 0 updated and 0 unchanged").count() == 1
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        page.screenshot(path=str(artifacts / f"import-progress-{width}.png"), full_page=True)
        assert page.evaluate(WIDE) <= 0, width
    assert not [e for e in errors if "Content Security Policy" in e], errors
