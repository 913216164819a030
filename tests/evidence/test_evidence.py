"""Evidence: typed from content, size-limited, hashed, versioned, downloaded with an audit."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from compliance.evidence import services
from compliance.evidence.content import DOCX, PDF, PNG, detect_content_type, sanitise_filename
from compliance.evidence.models import EvidenceVersion
from governance.audit.models import AuditEvent

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _create(world, name, data, **extra):
    with scopes_disabled():
        return services.create_evidence(
            organization=world.acme,
            acting=world.alice_membership,
            data={"title": extra.pop("title", "Policy"), **extra},
            upload=SimpleUploadedFile(name, data),
        )


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("report.pdf", PDF_BYTES, PDF),
        ("chart.png", PNG_BYTES, PNG),
        ("policy.docx", _docx(), DOCX),
        ("notes.txt", "Ünïcode notes\n".encode(), "text/plain"),
        ("data.csv", b"a,b\n1,2\n", "text/csv"),
    ],
)
def test_the_type_is_read_from_the_content(name, data, expected):
    assert detect_content_type(io.BytesIO(data), name) == expected


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "empty"),
        ("fake.pdf", PNG_BYTES, "PNG image"),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "not accepted"),
        ("binary.txt", b"\x00\x01\x02\x03", "not accepted"),
    ],
)
def test_wrong_unknown_or_empty_files_are_refused_naming_the_file_field(world, name, data, message):
    with pytest.raises(ValidationError) as exc:
        _create(world, name, data)
    assert message in " ".join(exc.value.message_dict["file"])
    with scopes_disabled():
        assert not EvidenceVersion.objects.exists()


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        _create(world, "big.txt", b"x" * 101)
    assert "limit" in exc.value.message_dict["file"][0]


def test_each_version_keeps_its_hash_size_and_file(world):
    evidence = _create(world, "policy.pdf", PDF_BYTES)
    v1 = evidence.current_version
    assert v1.sha256 == hashlib.sha256(PDF_BYTES).hexdigest() and v1.size == len(PDF_BYTES)
    newer = PDF_BYTES + b"% v2\n"
    with scopes_disabled():
        v2 = services.replace_evidence_file(
            evidence=evidence,
            acting=world.alice_membership,
            upload=SimpleUploadedFile("policy-v2.pdf", newer),
            version=evidence.version,
        )
        evidence.refresh_from_db()
        assert evidence.current_version == v2 and v2.number == 2
        v1.refresh_from_db()
        assert v1.file.open("rb").read() == PDF_BYTES
        assert EvidenceVersion.objects.filter(evidence=evidence).count() == 2


def test_a_stale_replace_is_refused(world):
    from compliance.assessments.concurrency import StaleVersion

    evidence = _create(world, "policy.pdf", PDF_BYTES)
    with scopes_disabled(), pytest.raises(StaleVersion):
        services.replace_evidence_file(
            evidence=evidence,
            acting=world.alice_membership,
            upload=SimpleUploadedFile("p.pdf", PDF_BYTES + b"x"),
            version=evidence.version + 5,
        )


def test_names_are_sanitised():
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\Users\\x\\Rapport été.pdf") == "Rapport ete.pdf"
    assert sanitise_filename("\x00\x1f") == "evidence"


def test_download_checks_tenant_and_role_and_is_audited(client, world, member_of):
    from governance.tenancy.roles import Role

    evidence = _create(world, "policy.pdf", PDF_BYTES)
    url = reverse(
        "evidence:download",
        kwargs={"org_slug": "acme", "evidence_uuid": evidence.uuid, "number": 1},
    )
    client.force_login(world.alice)
    out = client.get(url)
    assert out.status_code == 200 and b"".join(out.streaming_content) == PDF_BYTES
    assert "attachment" in out["Content-Disposition"]
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="evidence.downloaded").count() == 1
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.charlie)
    assert client.get(url).status_code == 404
    api = reverse(
        "api:evidence-download", kwargs={"org_slug": "acme", "uuid": evidence.uuid, "number": 1}
    )
    client.force_login(world.alice)
    assert client.get(api).status_code == 200
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="evidence.downloaded").count() == 2


def test_the_api_uploads_a_file_and_refuses_a_mismatch_with_the_field(client, world):
    client.force_login(world.alice)
    url = reverse("api:evidence-list", kwargs={"org_slug": "acme"})
    ok = client.post(url, {"title": "Report", "file": SimpleUploadedFile("r.pdf", PDF_BYTES)})
    assert ok.status_code == 201, ok.content
    assert ok.json()["current_version"]["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    bad = client.post(url, {"title": "Fake", "file": SimpleUploadedFile("r.pdf", PNG_BYTES)})
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    link = client.post(
        url,
        {"title": "Wiki", "url": "https://intranet.example/ai-policy"},
        content_type="application/json",
    )
    assert link.status_code == 201 and link.json()["kind"] == "link"


def test_evidence_once_credit_everywhere_via_the_mapping(world, gap, iso):
    from compliance.assessments.models import Response
    from compliance.catalogue.models import Mapping
    from compliance.evidence.selectors import suggested_evidence

    with scopes_disabled():
        # ISO/IEC 42001 7.2 (competence) maps to Art. 4 (AI literacy): the group covers its items.
        mapping = Mapping.objects.get(
            source__framework=iso.framework,
            source__code="7.2",
            target__framework=gap.framework,
            target__code="art_4",
        )
        iso_response = Response.objects.get(assessment=iso, requirement=mapping.source)
        act_response = (
            Response.objects.filter(assessment=gap, requirement__parent=mapping.target)
            .select_related("requirement")
            .first()
        )
    evidence = _create(world, "policy.pdf", PDF_BYTES, title="AI policy", valid_until="2020-01-01")
    with scopes_disabled():
        services.link_evidence(
            evidence=evidence, response=iso_response, acting=world.alice_membership
        )
        suggested = suggested_evidence(world.acme, [act_response])
        assert suggested[act_response.pk] == [evidence]
        assert suggested[act_response.pk][0].is_expired
        services.link_evidence(
            evidence=evidence, response=act_response, acting=world.alice_membership
        )
        assert suggested_evidence(world.acme, [act_response]) == {}
        back = suggested_evidence(world.acme, [iso_response])
        assert back.get(iso_response.pk, []) == []
