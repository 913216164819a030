"""Documents through the API (202, poll, download) and the web pages; roles and tenants."""

import hashlib

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from compliance.documents.models import Document
from governance.audit.models import AuditEvent
from governance.tenancy.roles import Role
from tests.documents.conftest import HIGH_RISK_PROVIDER

# Builds run when the request commits (on_commit), so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _url(name, **kwargs):
    return reverse(f"api:{name}", kwargs={"org_slug": "acme", **kwargs})


def test_post_answers_202_and_the_document_can_be_polled_and_downloaded(
    world, client, token, make_system
):
    system = make_system(screening=HIGH_RISK_PROVIDER)
    response = client.post(
        _url("document-list"),
        {"kind": "system_card", "system": str(system.uuid)},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["url"].endswith(f"/documents/{body['id']}/") and response["Location"] == body["url"]
    polled = client.get(body["url"], **token).json()
    assert polled["status"] == "done" and polled["sha256"]
    download = client.get(polled["download_url"], **token)
    content = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == polled["sha256"]
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="document.downloaded").count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "nonsense", "system": "x"}, "kind"),
        ({"kind": "system_card"}, "system"),
        ({"kind": "system_card", "system": "00000000-0000-0000-0000-000000000000"}, "system"),
        ({"kind": "model_card"}, "model"),
        ({"kind": "system_card", "sytem": "typo"}, "sytem"),
    ],
)
def test_bad_requests_name_the_field(world, client, token, make_system, body, field):
    make_system()
    response = client.post(_url("document-list"), body, content_type="application/json", **token)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    with scopes_disabled():
        assert not Document.objects.exists()


def test_a_document_that_does_not_apply_is_refused_with_the_reason(
    world, client, token, make_system
):
    system = make_system(
        screening={
            "schema": "eu-ai-act-screening/1",
            "role": "deployer",
            "is_ai_system": True,
            "eu_nexus": True,
        }
    )
    response = client.post(
        _url("document-list"),
        {"kind": "registration_data", "system": str(system.uuid)},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 400
    assert "registration" in response.json()["error"]["fields"]["system"][0]


def test_another_organizations_system_is_refused_as_unknown(world, client, api_token, make_system):
    system = make_system()
    _t, secret = api_token(world.globex, world.charlie_membership)
    response = client.post(
        reverse("api:document-list", kwargs={"org_slug": "globex"}),
        {"kind": "system_card", "system": str(system.uuid)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400 and "system" in response.json()["error"]["fields"]


def test_a_read_only_token_cannot_request_a_document(world, client, api_token, make_system):
    system = make_system()
    _t, secret = api_token(world.acme, world.alice_membership, scope="read")
    response = client.post(
        _url("document-list"),
        {"kind": "system_card", "system": str(system.uuid)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403


def test_the_web_request_queues_builds_and_offers_the_download(world, client, make_system):
    system = make_system()
    client.force_login(world.alice)
    response = client.post(
        reverse("documents:document-request", args=["acme"]),
        {"kind": "system_card", "system": str(system.uuid)},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Ready" in page.content and b"Download" in page.content
    listing = client.get(reverse("documents:document-list", args=["acme"]))
    assert system.name.encode() in listing.content


def test_the_web_form_shows_the_refusal_next_to_the_field(world, client, make_system):
    make_system()
    client.force_login(world.alice)
    response = client.post(
        reverse("documents:document-request", args=["acme"]), {"kind": "system_card"}
    )
    assert response.status_code == 400
    assert b"Choose the AI system" in response.content


def test_board_members_and_auditors_see_no_register_documents(
    world, client, member_of, make_system
):
    system = make_system()
    with scopes_disabled():
        from compliance.documents import services

        document = services.request_document(
            organization=world.acme, actor=world.alice, kind="system_card", system=system
        )
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    detail = reverse("documents:document-detail", args=["acme", document.uuid])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("documents:document-download", args=["acme", document.uuid])).status_code
        == 404
    )
    client.force_login(world.bob)  # auditor
    assert client.get(detail).status_code == 404


def test_model_card_exports_download_as_files(world, client):
    from governance.register import services as register_services

    with scopes_disabled():
        model = register_services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "m", "licence": "mit"},
        )
    client.force_login(world.alice)
    readme = client.get(reverse("documents:model-card-huggingface", args=["acme", model.uuid]))
    assert readme.status_code == 200 and readme.content.startswith(b"---\nlicense: mit")
    card = client.get(reverse("documents:model-card-toolkit", args=["acme", model.uuid]))
    assert card.json()["model_details"]["name"] == "m"


def test_legal_details_are_saved_once_and_a_stale_save_is_refused(world, client):
    client.force_login(world.alice)
    url = reverse("documents:details", args=["acme"])
    data = {"legal_name": "Acme BV", "address": "1 Main St", "country": "NL", "row_version": 0}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "legal_name": "Acme Holding", "row_version": 0})
    assert stale.status_code == 200 and b"Someone else saved" in stale.content
    with scopes_disabled():
        from compliance.documents.models import OrganizationDetails

        assert OrganizationDetails.objects.get().legal_name == "Acme BV"


def test_registration_data_and_model_cards_are_served_as_json(world, client, token, make_system):
    from governance.register import services as register_services

    system = make_system(screening=HIGH_RISK_PROVIDER)
    out = client.get(_url("system-registration-data", system_uuid=system.uuid), **token)
    assert out.status_code == 200
    body = out.json()
    assert body["sections"][0]["section"] == "A" and body["missing"]
    minimal = make_system(name="Minimal")
    refused = client.get(_url("system-registration-data", system_uuid=minimal.uuid), **token)
    assert refused.status_code == 409 and "not been screened" in refused.json()["error"]["message"]
    with scopes_disabled():
        model = register_services.create_model(
            organization=world.acme, acting=world.alice_membership, data={"name": "m"}
        )
    card = client.get(_url("model-card-export", model_uuid=model.uuid), **token)
    assert card.json()["schema_version"] == "0.0.2"
    readme = client.get(
        _url("model-card-export", model_uuid=model.uuid) + "?variant=huggingface", **token
    )
    assert readme.content.startswith(b"---\n")
    bad = client.get(_url("model-card-export", model_uuid=model.uuid) + "?variant=pdf", **token)
    assert bad.status_code == 400 and "variant" in bad.json()["error"]["fields"]
