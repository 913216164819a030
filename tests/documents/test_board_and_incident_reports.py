"""The board report (organisation subject) and the serious-incident report (incident subject)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from compliance.documents import services
from compliance.documents.models import Document, DocumentStatus
from governance.risks import services as risk_services
from governance.tenancy.roles import Role
from tests.documents.conftest import pdf_text

# Builds run when the request commits (on_commit), so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def incident(world, make_system):
    system = make_system()
    with scopes_disabled():
        return risk_services.create_incident(
            organization=world.acme,
            acting=world.alice_membership,
            data={
                "system": system,
                "title": "Applicants wrongly rejected",
                "description": "A threshold change rejected every applicant over 50.",
                "kind": "widespread_infringement",
                "other_kinds": ["other_serious"],
                "aware_at": timezone.localdate() - timedelta(days=1),
                "root_cause": "Threshold misconfigured.",
            },
        )


def test_a_board_member_requests_and_downloads_the_board_report(world, client, member_of):
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    home = client.get("/o/acme/").content.decode()
    assert reverse("documents:board-report-request", args=["acme"]) in home
    response = client.post(reverse("documents:board-report-request", args=["acme"]))
    assert response.status_code == 302
    with scopes_disabled():
        document = Document.objects.get(kind="board_report")
    assert document.status == DocumentStatus.DONE
    assert document.subject_ref == str(world.acme.uuid) and document.subject_label == "Acme"
    download = client.get(reverse("documents:document-download", args=["acme", document.uuid]))
    assert download.status_code == 200
    text = pdf_text(b"".join(download.streaming_content))
    assert "Board report: Acme" in text and "Residual risks" in text
    assert "Readiness per framework" in text


def test_the_board_sees_board_reports_only(world, client, member_of, make_system):
    system = make_system()
    with scopes_disabled():
        card = services.request_document(
            organization=world.acme, actor=world.alice, kind="system_card", system=system
        )
        report = services.request_document(
            organization=world.acme, actor=world.alice, kind="board_report"
        )
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    listing = client.get(reverse("documents:document-list", args=["acme"]))
    assert [d.uuid for d in listing.context["documents"]] == [report.uuid]
    assert (
        client.get(reverse("documents:document-detail", args=["acme", card.uuid])).status_code
        == 404
    )
    # The board may not request other kinds, nor the board report of another organisation.
    assert (
        client.post(
            reverse("documents:document-request", args=["acme"]),
            {"kind": "system_card", "system": str(system.uuid)},
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("documents:board-report-request", args=["globex"])).status_code == 404
    )


def test_contributors_and_auditors_may_not_request_the_board_report(world, client, member_of):
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    for user in (contributor.user, world.bob):
        client.force_login(user)
        url = reverse("documents:board-report-request", args=["acme"])
        assert client.post(url).status_code == 403


def test_the_incident_report_carries_the_r35_fields_and_the_deadline(world, client, incident):
    client.force_login(world.alice)
    response = client.post(
        reverse("documents:document-request", args=["acme"]),
        {"kind": "incident_report", "incident": str(incident.uuid)},
    )
    assert response.status_code == 302
    with scopes_disabled():
        document = Document.objects.get(kind="incident_report")
        assert document.incident_id == incident.pk and document.status == DocumentStatus.DONE
        text = pdf_text(document.file.open("rb").read())
    due = incident.report_due
    assert (due - incident.aware_at).days == 2  # widespread infringement: Art. 73(3)
    for label in ("1. Report type", "6. Date of awareness", "9. Applicable deadline", "17. Root"):
        assert label in text
    assert f"{due:%-d %B %Y}" in text and "Art. 73(3)" in text
    assert "Threshold misconfigured." in text
    assert "Still missing" in text  # fields Annex does not record are flagged


def test_an_incident_report_needs_an_incident_of_this_organisation(world, client):
    client.force_login(world.alice)
    response = client.post(
        reverse("documents:document-request", args=["acme"]), {"kind": "incident_report"}
    )
    assert response.status_code == 400
    assert b"Choose the serious incident" in response.content
