"""Demo assessments for Northwind: one of each stage, with evidence reused across frameworks.

- EU AI Act gap analysis of "Payment-plan credit scoring" (high-risk provider): in progress,
  about two thirds answered, evidence attached, remediation actions (one overdue);
- EU AI Act gap analysis of "Radiology triage (ChestScan)": answered, reviewed and approved;
- ISO/IEC 42001 assessment of the AI management system, with its Statement of Applicability;
- FRIA (Art. 27) of the "Social-benefit eligibility assistant": a draft.
The AI policy PDF backs ISO/IEC 42001 A.2.2 and the EU AI Act items it maps to.
Idempotent: an organisation that has assessments is left alone.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance.assessments import remediation, services
from compliance.assessments.models import Assessment, AssessmentKind, Response
from compliance.evidence import services as evidence_services
from governance.register.models import AISystem

OFFICER = "officer@northwind.example"
OWNER = "owner@northwind.example"
CONTRIBUTOR = "contributor@northwind.example"


def _pdf(title: str) -> bytes:
    """A small valid PDF with one line of text."""
    text = title.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _answer_value(response, index: int) -> dict:
    kind = response.requirement.answer_type
    if kind == "maturity":
        return {"maturity": 3 + index % 2}
    if kind == "choice":
        choices = response.requirement.choices or ["yes"]
        first = choices[0]
        return {"choice": str(first.get("value") if isinstance(first, dict) else first)}
    if kind == "text":
        return {"text": "Described in the system's technical file, section 2."}
    if kind == "date":
        return {"date": timezone.localdate() - datetime.timedelta(days=30)}
    if kind == "number":
        return {"number": "1"}
    return {"status": "partly" if index % 5 == 4 else "yes"}


def _answer(assessment, acting, share: float = 1.0) -> list[Response]:
    responses = list(
        Response.objects.filter(assessment=assessment, retired_at=None)
        .select_related("requirement", "assessment", "organization")
        .order_by("order")
    )
    limit = int(len(responses) * share)
    for i, response in enumerate(responses[:limit]):
        data = _answer_value(response, i)
        if i % 11 == 10 and response.requirement.answer_type == "yes_no_partial":
            data = {"status": "no", "justification": "Not done yet: see the action plan."}
        services.answer_response(
            response=response, acting=acting, version=response.version, data=data
        )
    return responses


def _file(org, acting, title, name, data, **extra):
    return evidence_services.create_evidence(
        organization=org,
        acting=acting,
        data={"title": title, **extra},
        upload=SimpleUploadedFile(name, data),
    )


def _system(org, name):
    return AISystem.objects.filter(organization=org, name=name, archived_at=None).first()


def _gap(org, officer, name, kind=AssessmentKind.GAP_ANALYSIS):
    system = _system(org, name)
    if system is None:
        return None
    return services.create_assessment(
        organization=org, acting=officer, framework_slug="eu-ai-act", system=system, kind=kind
    )


def _link(evidence, responses, acting):
    for response in responses:
        evidence_services.link_evidence(evidence=evidence, response=response, acting=acting)


def populate(organization, members) -> None:
    from compliance.catalogue.services import ensure_shipped_catalogues

    officer, owner = members.get(OFFICER), members.get(OWNER)
    if officer is None or owner is None:
        return
    if Assessment.objects.filter(organization=organization).exists():
        return
    ensure_shipped_catalogues()
    policy = _file(
        organization,
        officer,
        "Northwind AI policy",
        "northwind-ai-policy.pdf",
        _pdf("Northwind Health AI policy, version 3"),
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    training = _file(
        organization,
        officer,
        "AI literacy training records 2025",
        "ai-literacy-2025.csv",
        b"name,role,course,completed\nClara,compliance officer,AI literacy,2025-10-01\n",
        valid_until=datetime.date(2026, 1, 31),
    )
    iso = services.create_assessment(
        organization=organization, acting=officer, framework_slug="iso-42001"
    )
    iso_rows = _answer(iso, officer, share=0.6)
    by_code = {r.requirement.code: r for r in iso_rows}
    for code, why in (("A.10.4", "Northwind has no external customers of its AI systems."),):
        row = by_code.get(code)
        if row is not None:
            row.refresh_from_db()
            services.answer_response(
                response=row,
                acting=officer,
                version=row.version,
                data={"soa_applicable": False, "soa_justification": why},
            )
    for code, status in (("A.2.2", "implemented"), ("A.2.3", "partial"), ("A.3.2", "planned")):
        row = by_code.get(code)
        if row is not None:
            row.refresh_from_db()
            services.answer_response(
                response=row,
                acting=officer,
                version=row.version,
                data={"implementation_status": status},
            )
    _link(policy, [r for c, r in by_code.items() if c in ("A.2.2", "5.2")], officer)
    _link(training, [r for c, r in by_code.items() if c == "7.2"], officer)
    _in_progress(organization, officer, members, policy)
    _approved(organization, officer, owner, policy)
    _gap(organization, officer, "Social-benefit eligibility assistant", AssessmentKind.FRIA)


def _in_progress(organization, officer, members, policy):
    gap = _gap(organization, officer, "Payment-plan credit scoring")
    if gap is None:
        return
    rows = _answer(gap, officer, share=0.65)
    art_4 = [r for r in rows if r.requirement.obligation == "art_4"][:1]
    art_9 = [r for r in rows if r.requirement.obligation == "art_9"]
    _link(policy, art_4 + art_9[:1], officer)
    contributor = members.get(CONTRIBUTOR)
    today = timezone.localdate()
    unanswered = [r for r in rows if r.requirement.obligation == "art_10"][-3:]
    for r in unanswered:
        r.refresh_from_db()
        if r.answered_at is None:
            services.answer_response(
                response=r,
                acting=officer,
                version=r.version,
                data={
                    "owner": contributor.user if contributor else None,
                    "due_date": today + datetime.timedelta(days=14),
                },
            )
    remediation.create_action(
        assessment=gap,
        acting=officer,
        data={
            "title": "Fix pre-release test thresholds for the scoring model",
            "owner": officer.user,
            "due_date": today - datetime.timedelta(days=10),
        },
        response_uuids=[r.uuid for r in art_9[-2:]],
    )
    remediation.create_action(
        assessment=gap,
        acting=officer,
        data={
            "title": "Document data provenance for the training set",
            "owner": contributor.user if contributor else None,
            "due_date": today + datetime.timedelta(days=21),
        },
        response_uuids=[r.uuid for r in unanswered[:1]],
    )


def _approved(organization, officer, owner, policy):
    gap = _gap(organization, officer, "Radiology triage (ChestScan)")
    if gap is None:
        return
    rows = _answer(gap, officer, share=1.0)
    _link(policy, [r for r in rows if r.requirement.obligation in ("art_4", "art_17")][:2], officer)
    services.transition_assessment(assessment=gap, acting=officer, action="submit")
    services.transition_assessment(assessment=gap, acting=owner, action="approve")
