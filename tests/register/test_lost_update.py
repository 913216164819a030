"""No lost update: versions, ETag / If-Match, stale web forms, exact audit entries."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.core.concurrency import StaleWrite
from governance.register import services
from governance.register.models import AIModel, AISystem, Vendor
from governance.tenancy.roles import Role
from tests.factories import make_system

ROUNDS = 40
BASE = "/api/v1/o/acme"


def make_model(world, **data):
    data.setdefault("name", "Ranker")
    with scopes_disabled():
        return services.create_model(
            organization=world.acme, acting=world.alice_membership, data=data
        )


def make_vendor(world, **data):
    data.setdefault("name", "TalentCo")
    with scopes_disabled():
        return services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data=data
        )


def fresh(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def token(world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def patch(client, path, data, auth, **headers):
    return client.patch(BASE + path, data, content_type="application/json", **auth, **headers)


# --- The service: stale in-memory copies never overwrite newer data -------------------------


def test_two_editors_of_different_fields_from_the_same_start_both_keep_their_change(world):
    system = make_system(world)
    for round_ in range(ROUNDS):
        # Both load the system before either saves: the interleaving that lost updates.
        with scopes_disabled():
            first, second = fresh(system), fresh(system)
            services.update_system(
                system=first, acting=world.alice_membership, data={"name": f"Name {round_}"}
            )
            services.update_system(
                system=second,
                acting=world.alice_membership,
                data={"description": f"Description {round_}"},
            )
        stored = fresh(system)
        assert (stored.name, stored.description) == (f"Name {round_}", f"Description {round_}")
    assert fresh(system).row_version == 1 + 2 * ROUNDS


def test_a_write_from_an_older_version_is_refused_and_carries_the_values_now(world):
    system = make_system(world)
    with scopes_disabled():
        services.update_system(
            system=fresh(system),
            acting=world.alice_membership,
            data={"name": "Renamed"},
            expected_version=1,
        )
        with pytest.raises(StaleWrite) as refused:
            services.update_system(
                system=fresh(system),
                acting=world.alice_membership,
                data={"description": "Late"},
                expected_version=1,
            )
    assert refused.value.current_version == 2
    assert refused.value.current_values(["name"]) == {"name": "Renamed"}
    assert fresh(system).description == ""


def test_the_audit_event_records_exactly_what_changed_in_the_data(world):
    system = make_system(world, description="Old")
    with scopes_disabled():
        stale = fresh(system)
        services.update_system(
            system=fresh(system), acting=world.alice_membership, data={"name": "New name"}
        )
        # The stale copy still says "CV screener": only the description is this edit's change.
        services.update_system(
            system=stale,
            acting=world.alice_membership,
            data={"name": "New name", "description": "New"},
        )
        events = list(
            AuditEvent.objects.filter(action="system.updated", object_id=str(system.uuid)).order_by(
                "created_at", "pk"
            )
        )
    assert [e.changes for e in events] == [
        {"name": ["CV screener", "New name"]},
        {"description": ["Old", "New"]},
    ]


@pytest.mark.parametrize("kind", ["model", "vendor"])
def test_models_and_vendors_refuse_a_stale_version_too(world, kind):
    with scopes_disabled():
        if kind == "model":
            obj = make_model(world)
            update = services.update_model
        else:
            obj = make_vendor(world)
            update = services.update_vendor
        update(
            **{kind: fresh(obj)},
            acting=world.alice_membership,
            data={"name": "First"},
            expected_version=1,
        )
        with pytest.raises(StaleWrite):
            update(
                **{kind: fresh(obj)},
                acting=world.alice_membership,
                data={"name": "Second"},
                expected_version=1,
            )
    assert fresh(obj).name == "First"


# --- The API: ETag, If-Match (412), row_version in the body (409) ---------------------------


@pytest.mark.parametrize(
    ("kind", "path", "maker"),
    [
        ("system", "/systems/", make_system),
        ("model", "/models/", make_model),
        ("vendor", "/vendors/", make_vendor),
    ],
)
def test_reads_and_writes_carry_the_version_as_etag(world, client, token, kind, path, maker):
    obj = maker(world)
    read = client.get(f"{BASE}{path}{obj.uuid}/", **token)
    assert read.status_code == 200
    assert read["ETag"] == '"1"' and read.json()["row_version"] == 1
    written = patch(
        client, f"{path}{obj.uuid}/", {"name": "Renamed"}, token, HTTP_IF_MATCH=read["ETag"]
    )
    assert written.status_code == 200, written.json()
    assert written["ETag"] == '"2"'
    stale = patch(
        client, f"{path}{obj.uuid}/", {"name": "Again"}, token, HTTP_IF_MATCH=read["ETag"]
    )
    assert stale.status_code == 412
    body = stale.json()["error"]
    assert body["code"] == "precondition_failed"
    assert body["current"]["name"] == "Renamed"
    assert stale["ETag"] == '"2"'
    assert fresh(obj).name == "Renamed"


def test_two_api_clients_patching_different_fields_both_keep_their_change(world, client, token):
    system = make_system(world)
    for round_ in range(ROUNDS):
        start = client.get(f"{BASE}/systems/{system.uuid}/", **token)["ETag"]
        a = patch(client, f"/systems/{system.uuid}/", {"name": f"N{round_}"}, token)
        b = patch(client, f"/systems/{system.uuid}/", {"reference": f"R{round_}"}, token)
        assert (a.status_code, b.status_code) == (200, 200)
        # With If-Match from the same start the second is refused, never silently applied.
        c = patch(
            client, f"/systems/{system.uuid}/", {"description": "late"}, token, HTTP_IF_MATCH=start
        )
        assert c.status_code == 412
        stored = fresh(system)
        assert (stored.name, stored.reference) == (f"N{round_}", f"R{round_}")
        assert stored.description == ""


def test_a_stale_row_version_in_the_body_is_a_409(world, client, token):
    system = make_system(world)
    patch(client, f"/systems/{system.uuid}/", {"name": "First"}, token)
    response = patch(
        client, f"/systems/{system.uuid}/", {"name": "Second", "row_version": 1}, token
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["current"]["row_version"] == 2
    assert fresh(system).name == "First"


def test_a_patch_writes_only_the_fields_it_sends(world, client, token):
    system = make_system(world, description="Kept")
    with scopes_disabled():
        stale = fresh(system)
        # Someone changes the description directly in between.
        AISystem.objects.filter(pk=system.pk).update(description="Changed meanwhile")
    assert stale.description == "Kept"
    patch(client, f"/systems/{system.uuid}/", {"name": "Renamed"}, token)
    stored = fresh(system)
    assert (stored.name, stored.description) == ("Renamed", "Changed meanwhile")


def test_archiving_with_a_stale_if_match_is_refused(world, client, token):
    system = make_system(world)
    patch(client, f"/systems/{system.uuid}/", {"name": "Renamed"}, token)
    response = client.delete(f"{BASE}/systems/{system.uuid}/", HTTP_IF_MATCH='"1"', **token)
    assert response.status_code == 412
    assert fresh(system).archived_at is None
    response = client.delete(f"{BASE}/systems/{system.uuid}/", HTTP_IF_MATCH='"2"', **token)
    assert response.status_code == 204
    assert fresh(system).archived_at is not None


def test_a_malformed_if_match_never_matches(world, client, token):
    system = make_system(world)
    response = patch(
        client, f"/systems/{system.uuid}/", {"name": "X"}, token, HTTP_IF_MATCH="not-a-tag"
    )
    assert response.status_code == 412
    assert fresh(system).name == "CV screener"


def test_the_schema_documents_etag_if_match_409_and_412(world, client):
    client.force_login(world.alice)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/o/{org_slug}/systems/{uuid}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"])
    assert {"200", "409", "412"} <= set(operation["responses"])
    assert "ETag" in operation["responses"]["200"].get("headers", {})
    delete = schema["paths"]["/api/v1/o/{org_slug}/vendors/{uuid}/"]["delete"]
    assert "412" in delete["responses"]


# --- Web forms: a stale save is refused and shows the other change --------------------------


def _post_form(client, url, **changes):
    """Post the form as the page rendered it (hidden version and starting values included)."""
    page = client.get(url)
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        value = field.prepare_value(value) if not isinstance(value, list) else value
        if value not in (None, False, ""):
            data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
        if field.show_hidden_initial:
            initial = field.prepare_value(bound.initial)
            if isinstance(initial, list):
                data[form.add_initial_prefix(name)] = [str(v) for v in initial]
            elif initial is not None:
                data[form.add_initial_prefix(name)] = str(initial)
    return data, changes


def test_a_stale_web_form_is_refused_and_shows_the_other_officers_change(world, member_of):
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    system = make_system(world, description="Original")
    url = f"/o/acme/register/systems/{system.uuid}/edit/"
    alice = Client()
    alice.force_login(world.alice)
    data, _ = _post_form(alice, url)
    # Another officer saves a new description after Alice opened the form.
    with scopes_disabled():
        services.update_system(
            system=fresh(system), acting=officer, data={"description": "Officer's text"}
        )
    data["name"] = "Alice's name"
    response = alice.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert officer.user.display_name in page
    assert "Officer&#x27;s text" in page or "Officer's text" in page
    form = response.context["form"]
    assert "description" in form.errors and "name" not in form.errors
    assert form["name"].value() == "Alice's name"
    assert fresh(system).name == "CV screener"
    assert fresh(system).description == "Officer's text"
    # The other change is now in the form (Alice had not touched the description), so saving
    # again as shown keeps both.
    assert form["description"].value() == "Officer's text"
    response = alice.post(url, form.data)
    assert response.status_code == 302
    stored = fresh(system)
    assert (stored.name, stored.description) == ("Alice's name", "Officer's text")


def test_when_both_changed_a_field_the_users_input_stays_and_wins_on_the_next_save(
    world, member_of
):
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    system = make_system(world)
    url = f"/o/acme/register/systems/{system.uuid}/edit/"
    alice = Client()
    alice.force_login(world.alice)
    data, _ = _post_form(alice, url)
    with scopes_disabled():
        services.update_system(
            system=fresh(system), acting=officer, data={"name": "Officer's name"}
        )
    data["name"] = "Alice's name"
    response = alice.post(url, data)
    form = response.context["form"]
    assert "You entered something else" in form.errors["name"][0]
    assert form["name"].value() == "Alice's name"
    assert fresh(system).name == "Officer's name"
    assert alice.post(url, form.data).status_code == 302
    assert fresh(system).name == "Alice's name"


@pytest.mark.parametrize("kind", ["model", "vendor"])
def test_stale_model_and_vendor_forms_are_refused(world, client, kind):
    obj = make_model(world) if kind == "model" else make_vendor(world)
    url = f"/o/acme/register/{kind}s/{obj.uuid}/edit/"
    client.force_login(world.alice)
    data, _ = _post_form(client, url)
    with scopes_disabled():
        update = services.update_model if kind == "model" else services.update_vendor
        update(**{kind: fresh(obj)}, acting=world.alice_membership, data={"name": "Meanwhile"})
    data["notes" if kind == "vendor" else "limitations"] = "Mine"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "Meanwhile" in response.content.decode()
    assert fresh(obj).name == "Meanwhile"


def test_an_unchanged_web_form_saves_normally(world, client):
    system = make_system(world)
    url = f"/o/acme/register/systems/{system.uuid}/edit/"
    client.force_login(world.alice)
    data, _ = _post_form(client, url)
    data["name"] = "Renamed"
    response = client.post(url, data)
    assert response.status_code == 302
    assert fresh(system).name == "Renamed" and fresh(system).row_version == 2


# --- Real concurrency on PostgreSQL ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_threads_patching_different_fields_lose_nothing_on_postgres(world, api_token):
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent writers need PostgreSQL (SQLite serialises writers).")
    _token, secret = api_token(world.acme, world.alice_membership, scope="read_write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    system = make_system(world)
    lost = 0
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(2)
        statuses = []

        def edit(field, value, barrier=barrier, statuses=statuses):
            try:
                barrier.wait()
                response = patch(Client(), f"/systems/{system.uuid}/", {field: value}, auth)
                statuses.append(response.status_code)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=edit, args=("name", f"N{round_}")),
            threading.Thread(target=edit, args=("reference", f"R{round_}")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert statuses == [200, 200]
        stored = fresh(system)
        lost += (stored.name, stored.reference) != (f"N{round_}", f"R{round_}")
    assert lost == 0
    assert fresh(system).row_version == 1 + 2 * ROUNDS


def test_models_and_vendors_have_the_lock_counter_under_one_name():
    for model in (AISystem, AIModel, Vendor):
        assert model._meta.get_field("row_version").default == 1


def test_a_put_with_a_stale_if_match_is_refused_and_restore_too(world, client, token):
    vendor = make_vendor(world)
    patch(client, f"/vendors/{vendor.uuid}/", {"country": "FR"}, token)
    response = client.put(
        f"{BASE}/vendors/{vendor.uuid}/",
        {"name": "Replaced"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **token,
    )
    assert response.status_code == 412
    assert fresh(vendor).name == "TalentCo"
    system = make_system(world)
    client.delete(f"{BASE}/systems/{system.uuid}/", **token)
    response = client.post(f"{BASE}/systems/{system.uuid}/restore/", HTTP_IF_MATCH='"1"', **token)
    assert response.status_code == 412
    assert fresh(system).archived_at is not None
    response = client.post(f"{BASE}/systems/{system.uuid}/restore/", HTTP_IF_MATCH='"2"', **token)
    assert response.status_code == 200 and response["ETag"] == '"3"'


def test_a_stale_write_in_any_api_view_is_a_409_in_the_house_shape(world):
    from governance.core.api import exception_handler

    system = make_system(world)
    response = exception_handler(StaleWrite(fresh(system), expected=7), {})
    assert response.status_code == 409
    assert response.data["error"]["code"] == "conflict"
