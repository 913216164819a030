"""Large imports run as Celery jobs: queued by the web and the API, claimed once, with progress."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import import_jobs, imports, pending
from governance.register.models import AISystem
from governance.register.pending import JobStatus, PendingImport
from governance.register.spreadsheets import read_table
from governance.register.tasks import commit_import_job, sweep_import_jobs
from tests.factories import make_system

HEADERS = ["Reference", "Name", "Intended purpose", "Lifecycle stage"]
DEFAULTS = {"operator_role": "deployer"}


@pytest.fixture(autouse=True)
def small_jobs(settings):
    # Files of more than 4 rows run as jobs here, so the tests stay small and fast.
    settings.ANNEX_IMPORT_JOB_ROWS = 4


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def new_rows(count, prefix="N"):
    return [[f"{prefix}-{i}", f"System {prefix}{i}", "p", "Planned"] for i in range(count)]


def make_upload(world, rows, *, mode="add", user=None):
    """An upload alice mapped and chose the options of, as the web flow leaves it."""
    table = read_table(csv_bytes([HEADERS, *rows]), "register.csv")
    upload = pending.save_upload(
        organization=world.acme, user=user or world.alice, filename="register.csv", table=table
    )
    mapping = imports.suggest_import_mapping(table.headers)
    pending.save_mapping(upload, mapping, {"mode": mode, "defaults": DEFAULTS})
    return upload


def preview_of(world, upload):
    return imports.preview_import(
        organization=world.acme, table=upload.read_table(), mapping=upload.mapping,
        **pending.import_options(upload),
    )  # fmt: skip


def reload(upload) -> PendingImport:
    with scopes_disabled():
        return PendingImport.objects.get(pk=upload.pk)


def systems_of(org) -> dict:
    with scopes_disabled():
        return dict(AISystem.objects.filter(organization=org).values_list("reference", "name"))


def run_task(upload) -> str:
    return commit_import_job.delay(
        upload_id=upload.pk, organization_id=upload.organization_id
    ).get()


# --- Web --------------------------------------------------------------------------------------


def test_a_large_web_import_is_committed_by_a_job_and_shows_its_result(
    world, client, django_capture_on_commit_callbacks
):
    upload = make_upload(world, new_rows(6))
    client.force_login(world.alice)
    url = reverse("register_import:preview", args=["acme", upload.token])
    fingerprint = preview_of(world, upload).fingerprint
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"fingerprint": fingerprint})
    progress_url = reverse("register_import:progress", args=["acme", upload.token])
    assert response.status_code == 302 and response["Location"] == progress_url
    assert len(callbacks) == 1  # the job is published once the request's transaction commits
    assert len(systems_of(world.acme)) == 6
    page = client.get(progress_url)
    html = page.content.decode()
    assert "6 AI systems added, 0 updated and 0 unchanged" in html
    assert reverse("register:system-list", args=["acme"]) in html
    assert 'hx-trigger="every 2s"' not in html  # over: no more polling
    with scopes_disabled():
        created = AuditEvent.objects.filter(organization=world.acme, action="system.created")
        assert created.count() == 6
        assert AuditEvent.objects.get(action="register.imported").via == "task"


def test_a_small_web_import_still_commits_in_the_request(world, client):
    upload = make_upload(world, new_rows(4))
    client.force_login(world.alice)
    url = reverse("register_import:preview", args=["acme", upload.token])
    response = client.post(url, {"fingerprint": preview_of(world, upload).fingerprint})
    assert response.status_code == 302
    assert response["Location"] == reverse("register:system-list", args=["acme"])
    assert len(systems_of(world.acme)) == 4


def test_the_progress_page_polls_while_the_job_is_queued_and_shows_rows_checked(
    world, client, django_capture_on_commit_callbacks
):
    upload = make_upload(world, new_rows(6))
    client.force_login(world.alice)
    url = reverse("register_import:preview", args=["acme", upload.token])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {"fingerprint": preview_of(world, upload).fingerprint})
    progress_url = reverse("register_import:progress", args=["acme", upload.token])
    html = client.get(progress_url).content.decode()
    assert "Queued" in html and 'hx-trigger="every 2s"' in html
    assert '<progress class="progress" max="100" value="0"' in html
    with scopes_disabled():
        PendingImport.objects.filter(pk=upload.pk).update(
            job_status=JobStatus.RUNNING, job_done=3, job_started_at=timezone.now()
        )
    partial = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert "3 of 6 checked" in partial and 'value="45"' in partial
    assert "<html" not in partial


def test_a_second_post_of_the_same_import_queues_nothing_more(
    world, client, django_capture_on_commit_callbacks
):
    upload = make_upload(world, new_rows(6))
    client.force_login(world.alice)
    url = reverse("register_import:preview", args=["acme", upload.token])
    data = {"fingerprint": preview_of(world, upload).fingerprint}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(url, data)
    assert again.status_code == 302 and "/progress/" in again["Location"]
    assert callbacks == []
    assert len(systems_of(world.acme)) == 6


def test_the_progress_page_of_an_upload_with_no_job_leads_back_to_the_preview(world, client):
    upload = make_upload(world, new_rows(6))
    client.force_login(world.alice)
    response = client.get(reverse("register_import:progress", args=["acme", upload.token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("register_import:preview", args=["acme", upload.token])


# --- The job: claim, progress, failure ----------------------------------------------------------


def test_running_the_job_twice_commits_once(world):
    upload = make_upload(world, new_rows(6))
    with scopes_disabled():
        import_jobs.queue_import(upload, acting=world.alice_membership)
    assert run_task(upload) == JobStatus.DONE
    assert run_task(upload) == "skipped"
    assert len(systems_of(world.acme)) == 6
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="register.imported").count() == 1
    job = reload(upload)
    assert (job.job_status, job.job_done, job.job_total) == (JobStatus.DONE, 6, 6)
    assert job.job_result == {"created": 6, "updated": 0, "unchanged": 0, "new_vendors": []}


def test_a_job_cannot_be_queued_again_once_queued_or_done(world):
    upload = make_upload(world, new_rows(6))
    with scopes_disabled():
        import_jobs.queue_import(upload, acting=world.alice_membership)
        with pytest.raises(import_jobs.JobRefused):
            import_jobs.queue_import(upload, acting=world.alice_membership)


def test_the_job_reports_rows_checked_in_batches(world, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    upload = make_upload(world, new_rows(7))
    seen = []
    real = import_jobs.PendingImport.objects.filter

    def spy(*args, **kwargs):
        queryset = real(*args, **kwargs)
        update = queryset.update

        def record(**values):
            if set(values) == {"job_done"}:
                seen.append(values["job_done"])
            return update(**values)

        queryset.update = record
        return queryset

    with scopes_disabled():
        import_jobs.queue_import(upload, acting=world.alice_membership)
    monkeypatch.setattr(import_jobs.PendingImport.objects, "filter", spy)
    with scope(organization=world.acme):
        assert import_jobs.run_job(upload.pk) == JobStatus.DONE
    assert seen == [2, 4, 6, 7]


def test_a_failed_job_keeps_its_errors_grouped_and_writes_nothing(
    world, django_capture_on_commit_callbacks
):
    upload = make_upload(world, new_rows(6))
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_jobs.queue_import(upload, acting=world.alice_membership)
    # Between the queueing and the job, someone adds three of the file's references by hand.
    for i in range(3):
        make_system(world, f"Manual {i}", reference=f"N-{i}")
    for callback in callbacks:
        callback()
    job = reload(upload)
    assert job.job_status == JobStatus.FAILED
    assert job.job_result["message"] == "3 rows have errors; nothing was imported."
    groups = job.job_result["groups"]
    assert sorted(r for g in groups for r in g["rows"]) == [2, 3, 4]
    assert {g["column"] for g in groups} == {"Reference"}
    assert job.job_result["error_count"] == 3 and len(job.job_result["errors"]) == 3
    assert len(systems_of(world.acme)) == 3  # only the hand-made ones


def test_a_failed_job_page_lists_the_grouped_problems(world, client):
    upload = make_upload(world, new_rows(6))
    with scopes_disabled():
        import_jobs.queue_import(upload, acting=world.alice_membership)
        for i in range(3):
            make_system(world, f"Manual {i}", reference=f"N-{i}")
    run_task(upload)
    client.force_login(world.alice)
    html = client.get(reverse("register_import:progress", args=["acme", upload.token])).content
    html = html.decode()
    assert "Nothing was imported" in html and "3 rows" in html and "Upload a corrected file" in html


def test_a_job_whose_preview_went_stale_fails_with_nothing_written(world):
    make_system(world, "Old", reference="N-0")
    upload = make_upload(world, new_rows(6), mode="upsert")
    fingerprint = preview_of(world, upload).fingerprint
    with scopes_disabled():
        import_jobs.queue_import(
            upload, acting=world.alice_membership, expected_fingerprint=fingerprint
        )
        AISystem.objects.filter(reference="N-0").update(name="Renamed meanwhile", row_version=9)
    assert run_task(upload) == JobStatus.FAILED
    assert "changed since the preview" in reload(upload).job_result["message"]
    assert len(systems_of(world.acme)) == 1


def test_a_job_of_someone_who_lost_the_right_to_edit_fails(world, member_of):
    from governance.tenancy.roles import Role

    editor = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    upload = make_upload(world, new_rows(6), user=editor.user)
    with scopes_disabled():
        import_jobs.queue_import(upload, acting=editor)
        type(editor).objects.filter(pk=editor.pk).update(role=Role.AUDITOR)
    assert run_task(upload) == JobStatus.FAILED
    assert "does not allow importing" in reload(upload).job_result["message"]
    assert systems_of(world.acme) == {}


def test_a_job_running_past_its_lease_reads_failed_and_the_sweep_marks_it(world, client):
    upload = make_upload(world, new_rows(6))
    long_ago = timezone.now() - timedelta(seconds=import_jobs.lease_seconds() + 5)
    with scopes_disabled():
        PendingImport.objects.filter(pk=upload.pk).update(
            job_status=JobStatus.RUNNING, job_started_at=long_ago, job_total=6
        )
    state = import_jobs.job_state(reload(upload))
    assert state["status"] == "failed" and "stopped before it finished" in state["error"]["message"]
    assert sweep_import_jobs.delay().get() == {"failed": 1, "requeued": 0}
    job = reload(upload)
    assert job.job_status == JobStatus.FAILED
    # A redelivered message finds the row failed: it does nothing.
    assert run_task(upload) == "skipped"
    assert systems_of(world.acme) == {}


def test_the_sweep_publishes_a_job_the_broker_never_took_and_fails_a_forgotten_one(world):
    waiting, forgotten = make_upload(world, new_rows(6)), make_upload(world, new_rows(6, "F"))
    with scopes_disabled():
        PendingImport.objects.filter(pk=waiting.pk).update(
            job_status=JobStatus.QUEUED, job_total=6,
            job_started_at=timezone.now() - timedelta(minutes=2),
        )  # fmt: skip
        PendingImport.objects.filter(pk=forgotten.pk).update(
            job_status=JobStatus.QUEUED, job_total=6,
            job_started_at=timezone.now() - timedelta(hours=2),
        )  # fmt: skip
    assert sweep_import_jobs.delay().get() == {"failed": 1, "requeued": 1}
    # Eager mode: the published job ran at once.
    assert reload(waiting).job_status == JobStatus.DONE
    assert reload(forgotten).job_status == JobStatus.FAILED
    assert set(systems_of(world.acme)) == {f"N-{i}" for i in range(6)}


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def api_upload(rows):
    return SimpleUploadedFile("register.csv", csv_bytes([HEADERS, *rows]), "text/csv")


def test_the_api_answers_202_with_a_status_url_that_gives_the_result(
    api, world, django_capture_on_commit_callbacks
):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"file": api_upload(new_rows(6)),
                                  "defaults": json.dumps(DEFAULTS)})  # fmt: skip
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "queued" and (body["done"], body["total"]) == (0, 6)
    assert response["Location"] == body["status_url"]
    status = api.get(body["status_url"])
    assert status.status_code == 200
    job = status.json()
    assert (job["status"], job["done"], job["total"]) == ("done", 6, 6)
    assert job["result"] == {"created": 6, "updated": 0, "unchanged": 0, "new_vendors": []}
    assert job["error"] is None
    assert len(systems_of(world.acme)) == 6


def test_the_api_answers_a_large_file_with_problems_at_once_with_a_400(api, world):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    response = api.post(url, {"file": api_upload(new_rows(6))})  # no operator role
    assert response.status_code == 400
    assert systems_of(world.acme) == {}


def test_the_api_dry_run_of_a_large_file_is_still_a_preview(api, world):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    response = api.post(url, {"file": api_upload(new_rows(6)), "dry_run": "true",
                              "defaults": json.dumps(DEFAULTS)})  # fmt: skip
    assert response.status_code == 200 and response.json()["created"] == 6


def test_the_api_job_status_of_a_failed_job_gives_the_grouped_errors(
    api, world, django_capture_on_commit_callbacks
):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(url, {"file": api_upload(new_rows(6)),
                                  "defaults": json.dumps(DEFAULTS)})  # fmt: skip
    assert response.status_code == 202
    assert api.get(response.json()["status_url"]).json()["status"] == "queued"
    make_system(world, "Manual", reference="N-5")  # before the worker gets to it
    for callback in callbacks:
        callback()
    job = api.get(response.json()["status_url"]).json()
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"]["groups"][0]["rows"] == [7]
    assert job["error"]["errors"][0]["field"] == "reference"


# --- Isolation ----------------------------------------------------------------------------------


def test_another_organizations_job_is_a_404_on_the_web_and_in_the_api(world, client, api_token):
    upload = make_upload(world, new_rows(6))
    with scopes_disabled():
        import_jobs.queue_import(upload, acting=world.alice_membership)
    client.force_login(world.charlie)
    for org in ("acme", "globex"):
        url = reverse("register_import:progress", args=[org, upload.token])
        assert client.get(url).status_code == 404
    _token, secret = api_token(world.globex, world.charlie_membership)
    url = reverse("api:import-systems-job", kwargs={"org_slug": "globex",
                                                    "import_token": upload.token})  # fmt: skip
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404


def test_another_members_job_in_the_same_organization_is_a_404(world, client, member_of):
    from governance.tenancy.roles import Role

    upload = make_upload(world, new_rows(6))
    with scopes_disabled():
        import_jobs.queue_import(upload, acting=world.alice_membership)
    other = member_of(world.acme, Role.ADMIN)
    client.force_login(other.user)
    url = reverse("register_import:progress", args=["acme", upload.token])
    assert client.get(url).status_code == 404
