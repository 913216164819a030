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
