"""NUL characters and forged session cookies never reach the database (PostgreSQL refuses NUL)."""

from django.urls import reverse

from governance.core.jsonparse import JSONInputError, parse_json


def test_a_forged_session_cookie_is_treated_as_signed_out(world, client):
    client.cookies["sessionid"] = "Ö-\x19\x00Ì"
    response = client.get(reverse("org-home", kwargs={"org_slug": "acme"}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_nul_in_the_query_string_is_a_400_in_the_api_shape(world, client, api_token):
    _t, secret = api_token(world.acme, world.alice_membership)
    url = reverse("api:system-list", kwargs={"org_slug": "acme"}) + "?search=a%00b"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["query"]


def test_a_nul_in_a_page_address_is_a_400(world, client):
    client.force_login(world.alice)
    response = client.get(reverse("register:system-list", args=["acme"]) + "?search=%00")
    assert response.status_code == 400


def test_json_with_a_nul_in_any_string_is_refused():
    for body in ('{"a": "x\\u0000"}', '{"a\\u0000": 1}', '[["deep", {"k": ["\\u0000"]}]]'):
        try:
            parse_json(body)
        except JSONInputError as exc:
            assert "NUL" in str(exc)
        else:
            raise AssertionError(f"accepted {body}")


def test_an_api_body_with_a_nul_is_a_400_naming_the_problem(world, client, api_token):
    _t, secret = api_token(world.acme, world.alice_membership)
    response = client.post(
        reverse("api:system-list", kwargs={"org_slug": "acme"}),
        data='{"name": "A\\u0000", "intended_purpose": "p"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400 and "NUL" in response.json()["error"]["message"]
