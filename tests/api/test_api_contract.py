"""What every API client meets: generic 404s, a calculator open to read-only tokens."""

import uuid

import pytest

BASE = "/api/v1/o/acme"


def bearer(api_token, world, scope):
    _token, secret = api_token(world.acme, world.alice_membership, scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize("kind", ["systems", "models", "vendors"])
def test_a_missing_object_is_a_plain_not_found_without_model_names(world, client, api_token, kind):
    auth = bearer(api_token, world, "read_write")

    response = client.get(f"{BASE}/{kind}/{uuid.uuid4()}/", **auth)

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }


def test_a_read_only_token_may_evaluate_a_screening_which_writes_nothing(world, client, api_token):
    auth = bearer(api_token, world, "read")
    screening = {
        "schema": "eu-ai-act-screening/1",
        "role": "deployer",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
    }

    response = client.post(
        f"{BASE}/screenings/evaluate/", screening, content_type="application/json", **auth
    )

    assert response.status_code == 200
    assert response.json()["schema"] == "eu-ai-act-classification/1"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/systems/", {"name": "A", "intended_purpose": "B", "intended_purpse": "typo"}),
        ("/models/", {"name": "A", "licence_typo": "MIT"}),
        ("/vendors/", {"name": "A", "colour": "red"}),
    ],
)
def test_an_unknown_field_on_create_is_a_400_naming_it(world, client, api_token, path, body):
    auth = bearer(api_token, world, "read_write")

    response = client.post(BASE + path, body, content_type="application/json", **auth)

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    (unknown,) = set(body) - {"name", "intended_purpose"}
    assert list(fields) == [unknown] and "not known" in fields[unknown][0]


def test_an_unknown_field_on_update_is_a_400_and_changes_nothing(world, client, api_token):
    auth = bearer(api_token, world, "read_write")
    created = client.post(
        BASE + "/vendors/", {"name": "A"}, content_type="application/json", **auth
    ).json()

    response = client.patch(
        f"{BASE}/vendors/{created['id']}/",
        {"name": "B", "nmae": "C"},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 400 and "nmae" in response.json()["error"]["fields"]
    assert client.get(f"{BASE}/vendors/{created['id']}/", **auth).json()["name"] == "A"


def test_read_only_fields_sent_back_are_still_accepted(world, client, api_token):
    auth = bearer(api_token, world, "read_write")
    created = client.post(
        BASE + "/vendors/", {"name": "A"}, content_type="application/json", **auth
    ).json()

    response = client.put(
        f"{BASE}/vendors/{created['id']}/",
        {**created, "name": "B"},
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 200, response.json()


def test_the_model_card_import_refuses_unknown_fields_and_documents_a_null_vendor(
    world, client, api_token
):
    auth = bearer(api_token, world, "read_write")
    url = BASE + "/imports/model-card/"
    card = "---\nlicense: mit\n---\n# my-model\n"

    unknown = client.post(url, {"text": card, "dryrun": True}, "application/json", **auth)
    created = client.post(url, {"text": card}, "application/json", **auth)
    schema = client.get("/api/v1/schema/", {"format": "json"}, **auth).json()

    assert unknown.status_code == 400 and "dryrun" in unknown.json()["error"]["fields"]
    assert created.status_code == 201 and created.json()["model"]["vendor"] is None
    vendor = schema["components"]["schemas"]["ImportedModel"]["properties"]["vendor"]
    assert vendor.get("nullable") is True


def test_every_operation_documents_the_house_error_shape(world, client, api_token):
    auth = bearer(api_token, world, "read")

    schema = client.get("/api/v1/schema/", {"format": "json"}, **auth).json()

    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for status in ("400", "401", "403", "404"):
                assert status in operation["responses"], (method, path, status)


DEVELOPER_TEXT = ("Base for API views", "Binds the membership", "DRF", "viewset", "Subclasses")


def test_every_operation_has_a_summary_and_no_developer_docstring(world, client, api_token):
    auth = bearer(api_token, world, "read")

    schema = client.get("/api/v1/schema/", {"format": "json"}, **auth).json()

    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), (method, path)
            description = operation.get("description", "")
            assert not any(text in description for text in DEVELOPER_TEXT), (method, path)


def test_redoc_loads_nothing_from_a_cdn(world, client):
    from django.contrib.staticfiles import finders

    client.force_login(world.alice)
    page = client.get("/api/v1/redoc/").content.decode()
    bundle = finders.find("vendor/redoc/bundles/redoc.standalone.js")

    assert "/static/vendor/redoc/bundles/redoc.standalone.js" in page
    assert "cdn." not in page
    with open(bundle, encoding="utf-8") as fh:
        assert "cdn.redoc.ly" not in fh.read()
