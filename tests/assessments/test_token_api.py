"""An integration with a read-write token does what the web does with assessments."""

from django.urls import reverse


def _api(name, **kw):
    return reverse(f"api:{name}", kwargs={"org_slug": "acme", **kw})


def test_a_token_builds_answers_and_submits_but_a_person_approves(
    client, world, classified, api_token
):
    system = classified()
    _token, secret = api_token(world.acme, world.alice_membership)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    out = client.post(
        _api("assessment-list"),
        {"framework": "eu-ai-act", "system": str(system.uuid)},
        content_type="application/json",
        **auth,
    )
    assert out.status_code == 201, out.content
    assessment = out.json()["id"]
    responses = client.get(_api("assessment-responses", uuid=assessment) + "?page_size=500", **auth)
    first = responses.json()["results"][0]
    assert first["requirement"]["code"].startswith("art_")
    approve = client.post(
        _api("assessment-transitions", uuid=assessment),
        {"action": "approve"},
        content_type="application/json",
        **auth,
    )
    assert approve.status_code in (400, 403)  # not in review, and never a token's move


def test_a_read_only_token_cannot_build_an_assessment(client, world, classified, api_token):
    system = classified()
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    out = client.post(
        _api("assessment-list"),
        {"framework": "eu-ai-act", "system": str(system.uuid)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert out.status_code == 403
