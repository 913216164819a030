"""The register's REST API: systems, models and vendors."""

import uuid

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import services
from governance.register.models import AIModel, AISystem, Vendor
from governance.tenancy.roles import Role

BASE = "/api/v1/o/acme"


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def api(world, client, api_token):
    """A client with a read-write token of Acme: api.get/post/patch/put/delete(path, data)."""
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")

    class Api:
        def __getattr__(self, method):
            def call(path, data=None, **extra):
                kwargs = {**bearer(secret), **extra}
                if method in ("post", "patch", "put"):
                    return getattr(client, method)(
                        BASE + path, data or {}, content_type="application/json", **kwargs
                    )
                if method == "delete":
                    return client.delete(BASE + path, **kwargs)
                return client.get(BASE + path, data or {}, **kwargs)

            return call

    return Api()


def vendor(world, name="TalentCo", organization=None, acting=None):
    with scopes_disabled():
        return services.create_vendor(
            organization=organization or world.acme,
            acting=acting or world.alice_membership,
            data={"name": name},
        )


def model(world, name="Ranker", version="1", organization=None, acting=None, **data):
    with scopes_disabled():
        return services.create_model(
            organization=organization or world.acme,
            acting=acting or world.alice_membership,
            data={"name": name, "version": version, **data},
        )


def system(world, name="CV screener", organization=None, acting=None, tags=(), **data):
    data.setdefault("intended_purpose", "Rank applicants.")
    with scopes_disabled():
        return services.create_system(
            organization=organization or world.acme,
            acting=acting or world.alice_membership,
            data={"name": name, **data},
            tags=tags,
        )


# --- Systems --------------------------------------------------------------------------------


def test_create_a_system_with_related_records(world, api):
    v, m = vendor(world), model(world)
    response = api.post(
        "/systems/",
        {
            "name": "CV screener",
            "intended_purpose": "Rank applicants.",
            "vendor": str(v.uuid),
            "ai_models": [str(m.uuid)],
            "business_owner": "BOB@acme.test",
            "affected_persons": ["employees"],
            "tags": ["HR", "pilot"],
            "operator_role": "deployer",
            "put_into_service_on": "2025-01-31",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["vendor"] == str(v.uuid) and body["ai_models"] == [str(m.uuid)]
    assert body["business_owner"] == "bob@acme.test" and body["tags"] == ["HR", "pilot"]
    assert body["risk_tier"] == "" and body["needs_rescreening"] is False
    assert body["url"] == f"http://testserver/o/acme/register/systems/{body['id']}/"
    with scopes_disabled():
        created = AISystem.objects.get(uuid=body["id"])
        event = AuditEvent.objects.get(action="system.created", object_id=body["id"])
    assert created.vendor == v and event.via == "api"


def test_read_list_and_retrieve(world, api):
    s = system(world, tags=["HR"])
    listing = api.get("/systems/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == str(s.uuid)
    detail = api.get(f"/systems/{s.uuid}/").json()
    assert detail["name"] == "CV screener" and detail["tags"] == ["HR"]


def test_patch_a_system(world, api):
    s = system(world, tags=["HR"])
    response = api.patch(f"/systems/{s.uuid}/", {"name": "Screener", "tags": ["recruiting"]})
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Screener" and response.json()["tags"] == ["recruiting"]
    with scopes_disabled():
        event = AuditEvent.objects.get(action="system.updated")
    assert event.changes["name"] == ["CV screener", "Screener"] and event.via == "api"


def test_a_material_patch_flags_rescreening(world, api):
    s = system(world)
    with scopes_disabled():
        AISystem.objects.filter(pk=s.pk).update(classified_at=timezone.now())
    body = api.patch(f"/systems/{s.uuid}/", {"intended_purpose": "Decide hiring."}).json()
    assert body["needs_rescreening"] is True


def test_read_only_fields_are_ignored_on_write(world, api):
    s = system(world)
    body = api.patch(f"/systems/{s.uuid}/", {"risk_tier": "minimal_risk"}).json()
    assert body["risk_tier"] == ""


def test_validation_errors_name_the_field(world, api):
    response = api.post("/systems/", {"name": "", "operator_role": "wizard"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"name", "intended_purpose", "operator_role"} <= set(fields)


@pytest.mark.parametrize("field", ["vendor", "ai_models", "business_owner"])
def test_another_organisations_record_is_a_400_on_its_field(world, api, field):
    theirs = {
        "vendor": lambda: str(
            vendor(world, "Globex AI", world.globex, world.charlie_membership).uuid
        ),
        "ai_models": lambda: [
            str(model(world, "GX", "1", world.globex, world.charlie_membership).uuid)
        ],
        "business_owner": lambda: "charlie@globex.test",
    }[field]()
    response = api.post("/systems/", {"name": "X", "intended_purpose": "Y", field: theirs})
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == [field]
    # The same answer as for a record that does not exist: nothing leaks.
    missing = {
        "vendor": str(uuid.uuid4()),
        "ai_models": [str(uuid.uuid4())],
        "business_owner": "nobody@nowhere.test",
    }[field]
    other = api.post("/systems/", {"name": "X", "intended_purpose": "Y", field: missing}).json()
    assert other["error"]["fields"][field] == [
        m.replace(
            str(theirs if isinstance(theirs, str) else theirs[0]),
            str(missing if isinstance(missing, str) else missing[0]),
        )
        for m in error["fields"][field]
    ]
    with scopes_disabled():
        assert not AISystem.objects.filter(name="X").exists()


def test_a_service_account_cannot_own_a_system(world, api, api_token):
    token, _secret = api_token(world.acme, world.alice_membership, name="Registry sync")
    response = api.post(
        "/systems/", {"name": "X", "intended_purpose": "Y", "technical_owner": token.user.email}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["technical_owner"]


def test_a_malformed_uuid_is_a_400_on_its_field(world, api):
    response = api.post("/systems/", {"name": "X", "intended_purpose": "Y", "vendor": "nope"})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["vendor"]


def test_delete_archives(world, api):
    s = system(world)
    assert api.delete(f"/systems/{s.uuid}/").status_code == 204
    with scopes_disabled():
        s.refresh_from_db()
        assert s.archived_at is not None and AISystem.objects.filter(pk=s.pk).exists()
    assert api.get("/systems/").json()["count"] == 0
    assert [r["id"] for r in api.get("/systems/", {"archived": "true"}).json()["results"]] == [
        str(s.uuid)
    ]
    assert api.get(f"/systems/{s.uuid}/").json()["archived_at"] is not None
    # Deleting again changes nothing; restoring brings it back.
    assert api.delete(f"/systems/{s.uuid}/").status_code == 204
    restored = api.post(f"/systems/{s.uuid}/restore/")
    assert restored.status_code == 200 and restored.json()["archived_at"] is None


def test_editing_an_archived_system_is_refused(world, api):
    s = system(world)
    api.delete(f"/systems/{s.uuid}/")
    response = api.patch(f"/systems/{s.uuid}/", {"name": "Z"})
    assert response.status_code == 400 and "archived" in response.json()["error"]["message"]


def test_filters_search_and_ordering(world, api, member_of):
    dora = member_of(world.acme, Role.COMPLIANCE_OFFICER).user
    v = vendor(world)
    system(world, "Alpha", operator_role="provider", business_owner=dora)
    system(world, "Beta", vendor=v, lifecycle_stage="in_production")
    gamma = system(world, "Gamma", intended_purpose="Detect fraud.")
    with scopes_disabled():
        AISystem.objects.filter(pk=gamma.pk).update(risk_tier="high_risk")
        services.set_tags(gamma, ["Fraud"])

    def names(**params):
        return [r["name"] for r in api.get("/systems/", params).json()["results"]]

    assert names(role="provider") == ["Alpha"]
    assert names(owner=dora.email.upper()) == ["Alpha"]
    assert names(vendor=str(v.uuid)) == ["Beta"]
    assert names(lifecycle="in_production") == ["Beta"]
    assert names(tier="high_risk") == ["Gamma"] and names(tier="unscreened") == ["Alpha", "Beta"]
    assert names(tag="fraud") == ["Gamma"]
    assert names(search="fraud") == ["Gamma"]
    assert names(ordering="-name") == ["Gamma", "Beta", "Alpha"]
    assert names(ordering="tier")[0] == "Gamma"


def test_an_invalid_filter_is_a_400(world, api):
    response = api.get("/systems/", {"tier": "dangerous"})
    assert response.status_code == 400 and "tier" in response.json()["error"]["fields"]


def test_a_read_only_token_cannot_write(world, client, api_token):
    s = system(world)
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    assert client.get(f"{BASE}/systems/", **bearer(secret)).status_code == 200
    for method, path in [
        ("post", "/systems/"),
        ("patch", f"/systems/{s.uuid}/"),
        ("delete", f"/systems/{s.uuid}/"),
        ("post", "/models/"),
        ("post", "/vendors/"),
    ]:
        response = getattr(client, method)(
            BASE + path, {"name": "Z"}, content_type="application/json", **bearer(secret)
        )
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["message"] == "This API token is read-only."


def test_a_contributor_writes_only_own_systems(world, client, member_of):
    dora = member_of(world.acme, Role.CONTRIBUTOR)
    others = system(world, "Alice's")
    client.force_login(dora.user)
    created = client.post(
        f"{BASE}/systems/",
        {"name": "Mine", "intended_purpose": "X"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["business_owner"] == dora.user.email
    mine = created.json()["id"]
    assert (
        client.patch(
            f"{BASE}/systems/{mine}/", {"name": "Mine 2"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"{BASE}/systems/{others.uuid}/", {"name": "Hijack"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"{BASE}/systems/{others.uuid}/").status_code == 403
    assert (
        client.post(f"{BASE}/vendors/", {"name": "V"}, content_type="application/json").status_code
        == 403
    )


def test_an_auditor_cannot_read_the_register(world, client):
    client.force_login(world.bob)
    assert client.get(f"{BASE}/systems/").status_code == 403


# --- Models and vendors ---------------------------------------------------------------------


def test_models_crud(world, api):
    v = vendor(world)
    response = api.post(
        "/models/",
        {
            "name": "GPT-X",
            "version": "4",
            "vendor": str(v.uuid),
            "model_type": "generative_text",
            "is_general_purpose": True,
            "training_compute_flops": 3e25,
            "languages": ["en", "de"],
            "evaluations": [
                {"metric": "MMLU", "value": 0.86, "dataset": "MMLU"},
                {"metric": "Notes", "value": "n/a"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source"] == "api" and body["vendor"] == str(v.uuid)
    assert body["evaluations"][0] == {
        "metric": "MMLU",
        "value": 0.86,
        "dataset": "MMLU",
        "task": "",
    }
    assert body["training_compute_flops"] == 3e25
    duplicate = api.post("/models/", {"name": "GPT-X", "version": "4"})
    assert duplicate.status_code == 400 and "name" in duplicate.json()["error"]["fields"]
    patched = api.patch(f"/models/{body['id']}/", {"licence": "proprietary"})
    assert patched.status_code == 200 and patched.json()["licence"] == "proprietary"
    assert api.delete(f"/models/{body['id']}/").status_code == 204
    with scopes_disabled():
        assert AIModel.objects.get(uuid=body["id"]).archived_at is not None
    assert api.get("/models/").json()["count"] == 0
    assert api.get("/models/", {"archived": "only"}).json()["count"] == 1


def test_model_filters(world, api):
    model(world, "Llama", "3", is_general_purpose=True, model_type="generative_text")
    model(world, "XGB", "1", model_type="regression")

    def names(**params):
        return [r["name"] for r in api.get("/models/", params).json()["results"]]

    assert names(general_purpose="true") == ["Llama"]
    assert names(type="regression") == ["XGB"]
    assert names(search="lla") == ["Llama"]


def test_a_model_vendor_of_another_organisation_is_refused(world, api):
    theirs = vendor(world, "Globex AI", world.globex, world.charlie_membership)
    response = api.post("/models/", {"name": "M", "vendor": str(theirs.uuid)})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["vendor"]


def test_vendors_crud(world, api):
    response = api.post(
        "/vendors/", {"name": "TalentCo", "website": "https://talent.example", "country": "Germany"}
    )
    assert response.status_code == 201, response.json()
    vid = response.json()["id"]
    assert api.post("/vendors/", {"name": "talentco"}).status_code == 400
    assert api.patch(f"/vendors/{vid}/", {"notes": "DPA signed"}).json()["notes"] == "DPA signed"
    assert api.get("/vendors/", {"search": "talent"}).json()["count"] == 1
    assert api.delete(f"/vendors/{vid}/").status_code == 204
    with scopes_disabled():
        assert Vendor.objects.get(uuid=vid).archived_at is not None


# --- Schema ---------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_register(world, client):
    client.force_login(world.alice)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in (
        "/api/v1/o/{org_slug}/systems/",
        "/api/v1/o/{org_slug}/systems/{uuid}/",
        "/api/v1/o/{org_slug}/systems/{uuid}/restore/",
        "/api/v1/o/{org_slug}/models/",
        "/api/v1/o/{org_slug}/vendors/{uuid}/",
    ):
        assert path in paths, path
    listing = paths["/api/v1/o/{org_slug}/systems/"]["get"]
    assert listing["tags"] == ["register"]
    params = {p["name"] for p in listing["parameters"]}
    assert {
        "search",
        "tier",
        "role",
        "lifecycle",
        "owner",
        "vendor",
        "tag",
        "ordering",
        "archived",
        "page",
    } <= params
    system = schema["components"]["schemas"]["AISystem"]
    assert system["properties"]["ai_models"]["type"] == "array"
    assert {"risk_tier", "classified_at", "needs_rescreening", "url"} <= {
        k for k, v in system["properties"].items() if v.get("readOnly")
    }
