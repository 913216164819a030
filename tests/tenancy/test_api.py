"""The REST API base: tokens, errors, pagination, filtering, the schema."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.tenancy.models import ApiToken


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_reads_its_organization(world, client, api_token):
    token, secret = api_token(world.acme, world.alice_membership, scope="read")
    response = client.get("/api/v1/o/acme/", **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "acme" and body["role"] == "service_account"
    with scopes_disabled():
        assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_tokens_are_stored_hashed(world, api_token):
    token, secret = api_token(world.acme, world.alice_membership)
    assert secret.startswith(f"annex_{token.prefix}_")
    assert secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_the_organizations_list_shows_only_the_tokens_own(world, client, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    response = client.get("/api/v1/organizations/", **bearer(secret))
    assert [m["organization"]["slug"] for m in response.json()] == ["acme"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer annex_deadbeef_nope", "not valid"),
        ("Bearer garbage", "not valid"),
        ("Bearer", "Send the token as"),
    ],
)
def test_a_bad_token_is_401_json(world, client, header, message):
    response = client.get("/api/v1/o/acme/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == 401 and message in error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(world, client, api_token):
    token, secret = api_token(world.acme, world.alice_membership)
    client.force_login(world.alice)
    assert client.post(f"/api/v1/o/acme/tokens/{token.uuid}/revoke/").status_code == 200
    client.logout()
    response = client.get("/api/v1/o/acme/", **bearer(secret))
    assert response.status_code == 401 and "revoked" in response.json()["error"]["message"]


def test_an_expired_token_is_401(world, client, api_token):
    token, secret = api_token(world.acme, world.alice_membership)
    with scopes_disabled():
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = client.get("/api/v1/o/acme/", **bearer(secret))
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_a_read_only_token_cannot_write(world, client, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    response = client.patch(
        "/api/v1/o/acme/", {"name": "Hacked"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] in {
        "This API token is read-only.",
        "Your role (Service account) does not allow this.",
    }


def test_no_credentials_is_401(world, client):
    response = client.get("/api/v1/o/acme/members/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_an_unknown_slug_is_404_json(world, client):
    client.force_login(world.alice)
    response = client.get("/api/v1/o/nope/members/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_an_unknown_api_path_is_404_json(world, client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404


def test_validation_errors_name_the_field(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/o/acme/invitations/",
        {"email": "nope", "role": "wizard"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"email", "role"}


def test_service_errors_name_the_field(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/o/acme/invitations/",
        {"email": "bob@acme.test", "role": "board"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "already a member" in response.json()["error"]["fields"]["email"][0]


def test_malformed_json_is_400_not_500(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/o/acme/invitations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "parse_error"


def test_issuing_a_token_through_the_api_shows_it_once(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/o/acme/tokens/",
        {"name": "MLflow", "scope": "read_write"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("annex_") and body["service_account"] == "MLflow"
    listed = client.get("/api/v1/o/acme/tokens/").json()["results"]
    assert listed[0]["prefix"] == body["prefix"] and "token" not in listed[0]
    # The new token works, bound to Acme.
    client.logout()
    assert client.get("/api/v1/o/acme/members/", **bearer(body["token"])).status_code == 200


def test_members_are_paginated_filtered_and_searched(world, client, member_of):
    for _ in range(3):
        member_of(world.acme, "contributor")
    client.force_login(world.alice)
    body = client.get("/api/v1/o/acme/members/?page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    body = client.get("/api/v1/o/acme/members/?role=contributor").json()
    assert body["count"] == 3
    body = client.get("/api/v1/o/acme/members/?search=bob").json()
    assert [m["user"]["email"] for m in body["results"]] == ["bob@acme.test"]


def test_changing_a_role_through_the_api(world, client):
    client.force_login(world.alice)
    url = f"/api/v1/o/acme/members/{world.bob_membership.uuid}/"
    response = client.patch(url, {"role": "board"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["role"] == "board"
    response = client.patch(
        f"/api/v1/o/acme/members/{world.alice_membership.uuid}/",
        {"role": "admin"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "owner" in response.json()["error"]["fields"]["role"][0]


def test_the_audit_trail_is_readable_and_filterable(world, client):
    client.force_login(world.alice)
    client.post(
        "/api/v1/o/acme/invitations/",
        {"email": "eve@acme.test", "role": "board"},
        content_type="application/json",
    )
    body = client.get("/api/v1/o/acme/audit-events/?action=invitation.").json()
    assert body["count"] == 1
    event = body["results"][0]
    assert event["actor"] == "alice@acme.test" and event["via"] == "api"
    assert client.get(f"/api/v1/o/acme/audit-events/{event['id']}/").status_code == 200


def test_the_openapi_schema_describes_the_api(world, client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/o/{org_slug}/members/" in schema["paths"]
    assert "/api/v1/o/{org_slug}/tokens/{uuid}/revoke/" in schema["paths"]


def test_swagger_ui_and_redoc_use_vendored_assets(db, client):
    # Swagger UI from the sidecar; ReDoc from static/vendor/redoc (the sidecar's minus its logo).
    for url, assets in (
        ("/api/v1/docs/", "/static/drf_spectacular_sidecar/"),
        ("/api/v1/redoc/", "/static/vendor/redoc/"),
    ):
        html = client.get(url).content.decode()
        assert assets in html
        assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
        assert "fonts.googleapis" not in html and "https://" not in html
