"""Evidence packs: the version valid on the date, a manifest that verifies, tampering caught."""

import io
import json
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from compliance.assessments import services as assessment_services
from compliance.documents import pack_services
from compliance.documents.models import DocumentStatus, EvidencePack
from compliance.evidence import services as evidence_services
from compliance.evidence.models import EvidenceVersion
from tests.documents.conftest import HIGH_RISK_PROVIDER

pytestmark = pytest.mark.django_db(transaction=True)

VERIFY = Path(__file__).resolve().parents[2] / "compliance" / "documents" / "verify_pack.py"


@pytest.fixture
def assessment(world, make_system):
    from compliance.catalogue.services import ensure_shipped_catalogues

    system = make_system(screening=HIGH_RISK_PROVIDER)
    with scopes_disabled():
        ensure_shipped_catalogues()
        return assessment_services.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
        )


def _evidence(world, assessment, content=b"%PDF-1.4\nrisk plan v1\n%%EOF\n"):
    with scopes_disabled():
        evidence = evidence_services.create_evidence(
            organization=world.acme,
            acting=world.alice_membership,
            data={"title": "Risk management plan"},
            upload=SimpleUploadedFile("plan.pdf", content, content_type="application/pdf"),
        )
        response = assessment.responses.order_by("order").first()
        evidence_services.link_evidence(
            evidence=evidence, response=response, acting=world.alice_membership
        )
    return evidence


def _build(world, assessment, as_of=None):
    with scopes_disabled():
        pack = pack_services.request_pack(
            membership=world.alice_membership,
            actor=world.alice,
            assessment_ids=[assessment.uuid],
            as_of=as_of or timezone.localdate(),
        )
        pack.refresh_from_db()
    return pack


def _save(pack, tmp_path) -> Path:
    path = tmp_path / pack.filename
    with pack.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def test_a_pack_holds_the_assessment_its_evidence_and_a_verifiable_manifest(
    world, assessment, tmp_path
):
    _evidence(world, assessment)
    pack = _build(world, assessment)
    assert pack.status == DocumentStatus.DONE, pack.error
    path = _save(pack, tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    paths = {f["path"] for f in manifest["files"]}
    assert paths | {"manifest.json"} == names
    assert any(p.startswith("evidence/") and p.endswith("plan.pdf") for p in paths)
    assert any(p.endswith("/assessment.json") for p in paths) and "index.html" in paths
    assert manifest["as_of"] == timezone.localdate().isoformat()
    assert manifest["built_by"] == world.alice.email
    call_command("verify_pack", str(path))  # exits 0: no SystemExit


def test_the_pack_takes_the_evidence_version_valid_on_its_date(world, assessment, tmp_path):
    evidence = _evidence(world, assessment, b"%PDF-1.4\nversion one\n%%EOF\n")
    with scopes_disabled():
        EvidenceVersion.objects.filter(evidence=evidence).update(
            uploaded_at=timezone.now() - timedelta(days=10)
        )
        evidence.refresh_from_db()
        evidence_services.replace_evidence_file(
            evidence=evidence,
            acting=world.alice_membership,
            upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\nversion two\n%%EOF\n"),
            version=evidence.version,
        )
    old = _build(world, assessment, as_of=timezone.localdate() - timedelta(days=5))
    new = _build(world, assessment)
    with zipfile.ZipFile(_save(old, tmp_path)) as archive:
        old_files = {n: archive.read(n) for n in archive.namelist() if n.startswith("evidence/")}
    with zipfile.ZipFile(_save(new, tmp_path)) as archive:
        new_files = {n: archive.read(n) for n in archive.namelist() if n.startswith("evidence/")}
    assert [b"version one" in v for v in old_files.values()] == [True]
    assert [b"version two" in v for v in new_files.values()] == [True]


def _tamper(path: Path, tmp_path: Path, change) -> Path:
    out = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            result = change(name, data)
            if result is not None:
                target.writestr(name, result)
        extra = change("__extra__", b"")
        if extra is not None:
            target.writestr("sneaked-in.txt", extra)
    return out


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda n, d: (
                d + b"x" if n.startswith("evidence/") else (None if n == "__extra__" else d)
            ),
            "differs: evidence/",
        ),
        (
            lambda n, d: None if n.startswith("evidence/") or n == "__extra__" else d,
            "missing: evidence/",
        ),
        (lambda n, d: b"hello" if n == "__extra__" else d, "not in the manifest: sneaked-in.txt"),
    ],
)
def test_verification_names_every_difference(world, assessment, tmp_path, change, message):
    _evidence(world, assessment)
    path = _save(_build(world, assessment), tmp_path)
    tampered = _tamper(path, tmp_path, change)
    result = subprocess.run(
        [sys.executable, str(VERIFY), str(tampered)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert message in result.stderr
    with pytest.raises(SystemExit) as excinfo:
        call_command("verify_pack", str(tampered))
    assert excinfo.value.code == 1


def test_the_standalone_script_passes_an_intact_pack_and_refuses_a_non_pack(
    world, assessment, tmp_path
):
    _evidence(world, assessment)
    path = _save(_build(world, assessment), tmp_path)
    ok = subprocess.run([sys.executable, str(VERIFY), str(path)], capture_output=True, text=True)
    assert ok.returncode == 0 and "every file matches" in ok.stdout
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    bad = subprocess.run([sys.executable, str(VERIFY), str(junk)], capture_output=True, text=True)
    assert bad.returncode == 2 and "not a ZIP" in bad.stderr


@pytest.mark.parametrize(
    "body, field",
    [
        ({"assessments": [], "as_of": "2026-01-01"}, "assessments"),
        (
            {"assessments": ["00000000-0000-0000-0000-000000000000"], "as_of": "2026-01-01"},
            "assessments",
        ),
        ({"assessments": ["__A__"], "as_of": "2999-01-01"}, "as_of"),
        ({"assessments": ["__A__"], "as_of": "not a date"}, "as_of"),
        ({"assessments": ["__A__"], "as_of": "2026-01-01", "extra": 1}, "extra"),
    ],
)
def test_bad_pack_requests_are_refused_with_the_field(
    world, client, api_token, assessment, body, field
):
    _t, secret = api_token(world.acme, world.alice_membership)
    body = json.loads(json.dumps(body).replace("__A__", str(assessment.uuid)))
    response = client.post(
        reverse("api:evidence-pack-list", kwargs={"org_slug": "acme"}),
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    with scopes_disabled():
        assert not EvidencePack.objects.exists()


def test_the_api_builds_a_pack_and_serves_it_with_its_hash(world, client, api_token, assessment):
    import hashlib

    _evidence(world, assessment)
    _t, secret = api_token(world.acme, world.alice_membership)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.post(
        reverse("api:evidence-pack-list", kwargs={"org_slug": "acme"}),
        {"assessments": [str(assessment.uuid)], "as_of": date.today().isoformat()},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 202
    polled = client.get(response.json()["url"], **auth).json()
    assert polled["status"] == "done" and polled["file_count"] >= 3
    download = client.get(polled["download_url"], **auth)
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == polled["sha256"]
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None


def test_a_pack_with_nothing_to_verify_is_refused_before_anything_is_written(world, assessment):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo, scopes_disabled():
        pack_services.request_pack(
            membership=world.alice_membership,
            actor=world.alice,
            assessment_ids=[assessment.uuid],
            as_of=timezone.localdate(),
        )
    assert "nothing to verify" in str(excinfo.value)
    with scopes_disabled():
        assert not EvidencePack.objects.exists()
