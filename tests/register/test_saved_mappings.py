"""Saved import mappings: a Dutch register file imported and kept up to date through one."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import saved_mappings
from governance.register.models import AISystem, SavedMapping

# Shaped like the Dutch algorithm register's open data: Dutch headings, Dutch values, a column
# (the publishing body) that is not an operator role, and values only this file uses.
HEADINGS = "Algoritme-ID;Naam;Organisatie;Doel en impact;Status;Persoonsgegevens;DPIA;Zoektermen"
MONTH_1 = [
    HEADINGS,
    "lars-001;Parkeervergunning toetsen;Gemeente Utrecht;Aanvragen controleren;In gebruik;Ja;"
    "Ja;parkeren|vergunning",
    "lars-002;Fraudesignalen;Gemeente Utrecht;Signalen ordenen;Bijna klaar;Nee;Onbekend;fraude",
    "lars-003;Chatbot;Provincie Zeeland;Vragen beantwoorden;In ontwikkeling;Onbekend;Nee;",
]
MONTH_2 = [
    HEADINGS,
    # Stage moved on; DPIA now done; tags changed.
    "lars-001;Parkeervergunning toetsen;Gemeente Utrecht;Aanvragen controleren;In gebruik;Ja;"
    "Ja;parkeren|vergunning|toets",
    "lars-002;Fraudesignalen;Gemeente Utrecht;Signalen ordenen;In gebruik;Nee;Ja;fraude",
    # Unchanged, but an empty cell: it states nothing, so it changes nothing.
    "lars-003;Chatbot;Provincie Zeeland;Vragen beantwoorden;In ontwikkeling;;Nee;",
    "lars-004;Subsidiecheck;Provincie Zeeland;Aanvragen toetsen;Gepland;Nee;Nee;subsidie",
]
NL_MAPPING = {
    "name": "Algoritmeregister export",
    "columns": {
        "Algoritme-ID": "reference",
        "Naam": "name",
        "Doel en impact": "intended_purpose",
        "Status": "lifecycle_stage",
        "Persoonsgegevens": "processes_personal_data",
        "DPIA": "dpia_done",
        "Zoektermen": "tags",
    },
    "values": {"lifecycle_stage": {"Bijna klaar": "testing"}},
    "defaults": {"operator_role": "deployer"},
    "tag_separator": "|",
    "match_on": "reference",
}


def csv_upload(lines, name="algoritmes.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def imports_url(org="acme"):
    return reverse("api:import-systems", kwargs={"org_slug": org})


def list_url(org="acme"):
    return reverse("api:import-mapping-list", kwargs={"org_slug": org})


def detail_url(pk, org="acme"):
    return reverse("api:import-mapping-detail", kwargs={"org_slug": org, "mapping_id": pk})


@pytest.fixture
def api(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def register(org):
    with scopes_disabled():
        return {
            s.reference: {
                "name": s.name,
                "stage": s.lifecycle_stage,
                "role": s.operator_role,
                "personal": s.processes_personal_data,
                "dpia": s.dpia_done,
                "tags": sorted(t.name for t in s.tags.all()),
                "version": s.row_version,
            }
            for s in AISystem.objects.filter(organization=org).prefetch_related("tags")
        }


def save(api, data=NL_MAPPING):
    response = api.post(list_url(), data, content_type="application/json")
    assert response.status_code == 201, response.json()
    return response


def test_a_dutch_register_is_imported_then_kept_up_to_date_through_a_saved_mapping(api, world):
    save(api)
    response = api.post(
        imports_url(), {"file": csv_upload(MONTH_1), "mapping_name": "algoritmeregister EXPORT"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    first = register(world.acme)
    assert first["lars-001"] == {
        "name": "Parkeervergunning toetsen",
        "stage": "in_production",
        "role": "deployer",  # the default the mapping chose
        "personal": True,
        "dpia": True,
        "tags": ["parkeren", "vergunning"],  # split on the mapping's separator only
        "version": 1,
    }
    assert first["lars-002"]["stage"] == "testing" and first["lars-002"]["dpia"] is None
    assert first["lars-003"]["personal"] is None  # "Onbekend" is not "Nee"

    dry = api.post(
        imports_url(),
        {
            "file": csv_upload(MONTH_2),
            "mapping_name": "Algoritmeregister export",
            "mode": "upsert",
            "dry_run": "true",
        },
    ).json()
    assert (dry["created"], dry["updated"], dry["unchanged"]) == (1, 2, 1)
    changes = [o["changes"] for o in dry["outcomes"]]
    assert [sorted(c) for c in changes] == [["tags"], ["dpia_done", "lifecycle_stage"], [], []]
    old, new = changes[0]["tags"]
    assert sorted(old.split(", ")) == ["parkeren", "vergunning"]
    assert sorted(new.split(", ")) == ["parkeren", "toets", "vergunning"]
    assert changes[1] == {
        "lifecycle_stage": ["Testing / pilot", "In production"],
        "dpia_done": ["", "Yes"],
    }
    response = api.post(
        imports_url(),
        {
            "file": csv_upload(MONTH_2),
            "mapping_name": "Algoritmeregister export",
            "mode": "upsert",
            "fingerprint": dry["fingerprint"],
        },
    )
    assert response.status_code == 201, response.json()
    second = register(world.acme)
    # Exactly the previewed changes, nothing else.
    assert second["lars-001"] == {
        **first["lars-001"],
        "tags": ["parkeren", "toets", "vergunning"],
        "version": 2,
    }
    assert second["lars-002"] == {**first["lars-002"], "stage": "in_production", "dpia": True,
                                  "version": 2}  # fmt: skip
    assert second["lars-003"] == first["lars-003"]
    assert second["lars-004"]["stage"] == "planned" and second["lars-004"]["role"] == "deployer"


def test_values_and_defaults_sent_with_a_saved_mapping_override_it_field_by_field(api, world):
    save(api)
    response = api.post(
        imports_url(),
        {
            "file": csv_upload(MONTH_1),
            "mapping_name": "Algoritmeregister export",
            "dry_run": "true",
            "values": json.dumps({"lifecycle_stage": {"In gebruik": "retired"}}),
            "defaults": json.dumps({"operator_role": "provider"}),
        },
    )
    body = response.json()
    stages = [row.get("lifecycle_stage") for row in body["sample"]]
    assert stages == ["Retired", "Testing / pilot", "In development"]
    assert body["sample"][0]["operator_role"] == "Provider"


def test_a_saved_mapping_that_does_not_fit_the_file_is_refused_naming_it(api, world):
    with scopes_disabled():
        SavedMapping.objects.create(
            organization=world.acme,
            name="Old",
            columns={"Naam": "name", "Doel en impact": "intended_purpose", "Risico": "risk_score"},
        )
        SavedMapping.objects.create(
            organization=world.acme,
            name="Other file",
            columns={"Naam": "name", "Purpose": "intended_purpose"},
        )
    response = api.post(imports_url(), {"file": csv_upload(MONTH_1), "mapping_name": "Old"})
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["mapping_name"]
    assert "sends the column 'Risico' to the field 'risk_score', which the register no longer" in (
        message
    )
    response = api.post(imports_url(), {"file": csv_upload(MONTH_1), "mapping_name": "Other file"})
    [message] = response.json()["error"]["fields"]["mapping_name"]
    assert "expects a column 'Purpose', which this file does not have" in message
    response = api.post(imports_url(), {"file": csv_upload(MONTH_1), "mapping_name": "Nope"})
    assert response.json()["error"]["fields"]["mapping_name"] == [
        "No saved mapping or preset is named 'Nope'."
    ]
    with scopes_disabled():
        assert not AISystem.objects.exists()


def test_the_import_groups_identical_errors_in_the_api(api, world):
    lines = [HEADINGS] + [
        f"lars-{i};S{i};Org;Doel;Afgeblazen;Ja;Ja;" for i in range(30)
    ]  # fmt: skip
    save(api)
    response = api.post(
        imports_url(), {"file": csv_upload(lines), "mapping_name": "Algoritmeregister export"}
    )
    assert response.status_code == 400
    [group] = response.json()["error"]["fields"]["groups"]
    assert group["count"] == 30 and group["field"] == "lifecycle_stage"
    assert group["message"].startswith("'Afgeblazen' is not a lifecycle stage")


# --- The API for the mappings themselves ---------------------------------------------------


def test_mappings_are_created_read_listed_edited_and_deleted_with_etags(api, world):
    created = save(api).json()
    assert created["name"] == "Algoritmeregister export" and created["row_version"] == 1
    assert api.get(list_url()).json()[0]["id"] == created["id"]
    read = api.get(detail_url(created["id"]))
    assert read["ETag"] == '"1"'
    response = api.patch(
        detail_url(created["id"]),
        {"name": "NL register"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200 and response["ETag"] == '"2"'
    # A stale write is refused: If-Match → 412, row_version in the body → 409.
    stale = api.patch(
        detail_url(created["id"]),
        {"name": "Stale"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert stale.status_code == 412
    stale = api.patch(
        detail_url(created["id"]),
        {"name": "Stale", "row_version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert api.delete(detail_url(created["id"]), HTTP_IF_MATCH='"1"').status_code == 412
    assert api.delete(detail_url(created["id"]), HTTP_IF_MATCH='"2"').status_code == 204
    assert api.get(list_url()).json() == []
    with scopes_disabled():
        actions = list(
            AuditEvent.objects.filter(action__startswith="import_mapping.").values_list(
                "action", flat=True
            )
        )
    assert sorted(actions) == [
        "import_mapping.created",
        "import_mapping.deleted",
        "import_mapping.updated",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"columns": {"Naam": "risk_score"}}, "columns", "'risk_score' (for 'Naam') is not a"),
        ({"values": {"name": {"a": "b"}}}, "values", "'name' is not a field whose values"),
        ({"defaults": {"operator_role": "boss"}}, "defaults", "The default 'boss' is not one"),
        ({"tag_separator": "#"}, "tag_separator", ""),
    ],
)
def test_a_bad_mapping_is_a_400_naming_the_field(api, world, data, field, message):
    response = api.post(list_url(), {"name": "X", **data}, content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["error"]["fields"][field])


def test_a_mapping_name_is_unique_in_the_organization_whatever_its_case(api, world):
    save(api)
    response = api.post(
        list_url(),
        {**NL_MAPPING, "name": "ALGORITMEREGISTER export"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert (
        "is named 'ALGORITMEREGISTER export' already"
        in response.json()["error"]["fields"]["name"][0]
    )


def test_another_organizations_mapping_is_a_404_and_cannot_be_applied(api, world):
    with scopes_disabled():
        theirs = saved_mappings.create_mapping(
            organization=world.globex,
            acting=world.charlie_membership,
            data={**NL_MAPPING, "name": "Globex mapping"},
        )
    for method in ("get", "patch", "put", "delete"):
        response = getattr(api, method)(
            detail_url(theirs.uuid), {"name": "x"}, content_type="application/json"
        )
        assert response.status_code == 404, method
    assert api.get(detail_url(theirs.uuid, org="globex")).status_code == 404
    response = api.post(imports_url(), {"file": csv_upload(MONTH_1), "saved_mapping": theirs.uuid})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["saved_mapping"] == [
        f"No saved mapping with the id {theirs.uuid}."
    ]
    response = api.post(
        imports_url(), {"file": csv_upload(MONTH_1), "mapping_name": "Globex mapping"}
    )
    assert "mapping_name" in response.json()["error"]["fields"]


def test_a_read_only_member_cannot_manage_mappings(client, world):
    client.force_login(world.bob)
    assert client.get(list_url()).status_code == 403
    assert client.post(list_url(), NL_MAPPING, content_type="application/json").status_code == 403


def test_the_presets_are_listed_read_only_and_apply_by_name(api, world):
    presets = api.get(reverse("api:import-mapping-presets", kwargs={"org_slug": "acme"})).json()
    keys = {p["key"] for p in presets}
    assert {"nl-algoritmeregister-v1.0-titles", "uk-atrs-v3.0"} <= keys
    lines = [
        "Algoritme-ID,Naam,Doel en impact,Status",
        "lars-9,Slimme lantaarn,Licht dimmen,In gebruik",
    ]
    response = api.post(
        imports_url(),
        {
            "file": csv_upload(lines),
            "mapping_name": "nl-algoritmeregister-v1.0-titles",
            "defaults": json.dumps({"operator_role": "deployer"}),
        },
    )
    assert response.status_code == 201, response.json()
    assert register(world.acme)["lars-9"]["stage"] == "in_production"


# --- The web pages ------------------------------------------------------------------------


def web_upload(client, lines, **extra):
    response = client.post(
        reverse("register_import:upload", kwargs={"org_slug": "acme"}),
        {"file": csv_upload(lines), **extra},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def test_the_value_step_lists_values_with_counts_and_saves_the_mapping(client, world):
    client.force_login(world.alice)
    mapping_url = web_upload(client, MONTH_1)
    page = client.get(mapping_url).content.decode()
    assert "Use a saved mapping" in page and "Dutch algorithm register v1.0" in page
    columns = {f"col_{i}": "" for i in range(8)}
    columns.update(
        {
            "col_0": "reference",
            "col_1": "name",
            "col_3": "intended_purpose",
            "col_4": "lifecycle_stage",
            "col_5": "processes_personal_data",
            "col_6": "dpia_done",
            "col_7": "tags",
        }
    )
    response = client.post(mapping_url, {**columns, "mode": "add", "tag_separator": ""})
    assert response.status_code == 400  # tags are mapped: the separator must be chosen
    assert "Choose what separates the tags of a cell." in response.content.decode()
    response = client.post(mapping_url, {**columns, "mode": "add", "tag_separator": "|"})
    values_url = response["Location"]
    page = client.get(values_url).content.decode()
    # Each distinct value with its count; the obvious ones already chosen.
    assert "“In gebruik”" in page and "“Bijna klaar”" in page
    assert re.search(r"“Onbekend”.*?1 row", page, re.S)
    assert re.search(
        r'name="v_lifecycle_stage_0"[^>]*>.*?<option value="in_production" selected>', page, re.S
    )
    assert re.search(
        r'name="v_processes_personal_data_2"[^>]*>.*?<option value="__unknown__" selected>',
        page,
        re.S,
    )
    # Left unmapped, "Bijna klaar" is an error on the check page, grouped.
    response = client.post(values_url, {"d_operator_role": "deployer"})
    preview = client.get(response["Location"]).content.decode()
    assert "&#x27;Bijna klaar&#x27; is not a lifecycle stage" in preview
    # Mapped, and saved under a name.
    order = [v["value"] for v in _found(values_url, client)["lifecycle_stage"]]
    choices = {f"v_lifecycle_stage_{order.index('Bijna klaar')}": "testing"}
    response = client.post(
        values_url, {**choices, "d_operator_role": "deployer", "save_as": "Utrecht export"}
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "Operator role: <strong>Deployer</strong> in 3 new systems" in preview
    with scopes_disabled():
        saved = SavedMapping.objects.get(organization=world.acme)
    assert saved.name == "Utrecht export" and saved.tag_separator == "|"
    assert saved.values["lifecycle_stage"]["Bijna klaar"] == "testing"
    assert saved.defaults == {"operator_role": "deployer"}
    assert saved.columns["Zoektermen"] == "tags"


def selected(page: str) -> dict:
    """The value each select of a page shows as chosen, as a browser would submit it."""
    chosen = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        option = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[name] = option[1] if option else ""
    return chosen


def _found(values_url, client):
    from governance.register import pending
    from governance.register.value_mapping import distinct_values

    token = values_url.rstrip("/").split("/")[-2]
    with scopes_disabled():
        upload = pending.PendingImport.objects.get(token=token)
    return distinct_values(upload.read_table(), {h: f for h, f in upload.mapping.items() if f})


def test_a_saved_mapping_chosen_at_upload_goes_straight_to_the_values(client, world):
    with scopes_disabled():
        mapping = saved_mappings.create_mapping(
            organization=world.acme, acting=world.alice_membership, data=NL_MAPPING
        )
    client.force_login(world.alice)
    values_url = web_upload(client, MONTH_1, saved_mapping=f"saved:{mapping.uuid}")
    assert values_url.endswith("/values/")
    page = client.get(values_url).content.decode()
    # The form shows the saved mapping's choices; submitting it as shown keeps them.
    response = client.post(values_url, selected(page))
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "Every row is ready" in page
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page)[1]
    assert client.post(preview_url, {"fingerprint": fingerprint}).status_code == 302
    assert register(world.acme)["lars-002"]["stage"] == "testing"


def test_a_saved_mapping_that_does_not_fit_is_explained_on_the_mapping_page(client, world):
    with scopes_disabled():
        mapping = SavedMapping.objects.create(
            organization=world.acme, name="Old", columns={"Naam": "name", "Risico": "risk_score"}
        )
    client.force_login(world.alice)
    mapping_url = web_upload(client, MONTH_1, saved_mapping=f"saved:{mapping.uuid}")
    assert mapping_url.endswith("/map/")
    page = client.get(mapping_url).content.decode()
    assert "which the register no longer has" in page
    response = client.post(mapping_url, {"apply": "1", "saved_mapping": f"saved:{mapping.uuid}"})
    assert response.status_code == 400
    assert "the field &#x27;risk_score&#x27;, which the register no longer has" in (
        response.content.decode()
    )


def test_the_mappings_pages_list_rename_and_delete(client, world):
    with scopes_disabled():
        mapping = saved_mappings.create_mapping(
            organization=world.acme, acting=world.alice_membership, data=NL_MAPPING
        )
    client.force_login(world.alice)
    page = client.get(reverse("register_import:mappings", args=["acme"])).content.decode()
    assert "Algoritmeregister export" in page and "Ready-made mappings" in page
    assert "UK ATRS" in page and "Copy to edit" in page
    url = reverse("register_import:mapping-detail", args=["acme", mapping.uuid])
    assert "“Bijna klaar” → Testing / pilot" in client.get(url).content.decode()
    response = client.post(url, {"name": "Renamed", "row_version": 1, "initial-name": mapping.name})
    assert response.status_code == 302
    # A second tab still at version 1 is refused, keeping its input.
    response = client.post(url, {"name": "Stale", "row_version": 1, "initial-name": mapping.name})
    assert response.status_code == 400
    assert "while you were editing it" in response.content.decode()
    delete = reverse("register_import:mapping-delete", args=["acme", mapping.uuid])
    response = client.post(delete, {"row_version": 1})  # stale: the name changed since
    assert response.status_code == 302
    with scopes_disabled():
        assert SavedMapping.objects.filter(uuid=mapping.uuid).exists()
    response = client.post(delete, {"row_version": 2})
    assert response.status_code == 302
    with scopes_disabled():
        assert not SavedMapping.objects.filter(uuid=mapping.uuid).exists()


def test_a_preset_is_copied_to_edit(client, world):
    client.force_login(world.alice)
    url = reverse("register_import:mapping-copy", args=["acme"])
    response = client.post(url, {"preset": "uk-atrs-v3.0"})
    assert response.status_code == 302
    client.post(url, {"preset": "uk-atrs-v3.0"})
    with scopes_disabled():
        names = sorted(SavedMapping.objects.values_list("name", flat=True))
    assert names == [
        "UK ATRS v3.0 (Annex ATRS export headings) (copy)",
        "UK ATRS v3.0 (Annex ATRS export headings) (copy) 2",
    ]
    response = client.post(url, {"preset": "nope"})
    assert response.status_code == 302


def test_another_organizations_mapping_page_is_a_404(client, world):
    with scopes_disabled():
        theirs = saved_mappings.create_mapping(
            organization=world.globex, acting=world.charlie_membership, data=NL_MAPPING
        )
    client.force_login(world.alice)
    for name in ("mapping-detail", "mapping-delete"):
        url = reverse(f"register_import:{name}", args=["acme", theirs.uuid])
        assert client.post(url, {"name": "x", "row_version": 1}).status_code == 404
    detail = reverse("register_import:mapping-detail", args=["acme", theirs.uuid])
    assert client.get(detail).status_code == 404


def test_saving_under_a_taken_name_asks_before_replacing(client, world):
    with scopes_disabled():
        old = saved_mappings.create_mapping(
            organization=world.acme, acting=world.alice_membership, data=NL_MAPPING
        )
    client.force_login(world.alice)
    values_url = web_upload(client, MONTH_1, saved_mapping=f"saved:{old.uuid}", mode="upsert")
    page = client.get(values_url).content.decode()
    choices = {**selected(page), "d_lifecycle_stage": "planned", "save_as": old.name}
    response = client.post(values_url, choices)
    assert response.status_code == 400
    assert "is named &#x27;Algoritmeregister export&#x27; already" in response.content.decode()
    response = client.post(values_url, {**choices, "replace": "on"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.defaults == {"operator_role": "deployer", "lifecycle_stage": "planned"}
    assert old.row_version == 2
    # The mode chosen at upload holds: the check page offers an update.
    assert "will be added, 0 updated" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_mapping_lists_cost_the_same_queries_for_1_and_12_mappings(
    api, client, world, count, django_assert_max_num_queries
):
    with scopes_disabled():
        for i in range(count):
            saved_mappings.create_mapping(
                organization=world.acme,
                acting=world.alice_membership,
                data={**NL_MAPPING, "name": f"Mapping {i}"},
            )
    with django_assert_max_num_queries(12):
        assert len(api.get(list_url()).json()) == count
    del client.defaults["HTTP_AUTHORIZATION"]
    client.force_login(world.alice)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("register_import:mappings", args=["acme"]))
    assert page.content.decode().count("Mapping ") >= count
