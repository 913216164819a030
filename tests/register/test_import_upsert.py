"""Imports that update: references unique, rows matched, previews of changes, exact commits."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import imports, services
from governance.register.imports import (
    ImportFailed,
    MappingError,
    suggest_import_mapping,
)
from governance.register.models import AISystem
from governance.register.spreadsheets import read_table
from tests.factories import make_system

# A row that adds a system must state its operator role and lifecycle stage, or the user must
# choose defaults for them: these tests are about other things, so they choose defaults.
ROLE_AND_STAGE = {"operator_role": "deployer", "lifecycle_stage": "planned"}


def preview_import(**kwargs):
    kwargs.setdefault("defaults", ROLE_AND_STAGE)
    return imports.preview_import(**kwargs)


def commit_import(**kwargs):
    kwargs.setdefault("defaults", ROLE_AND_STAGE)
    return imports.commit_import(**kwargs)


def table_of(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return read_table(buffer.getvalue().encode(), "register.csv")


HEADERS = ["Reference", "Name", "Intended purpose", "Lifecycle stage", "Tags"]


def register_of(org):
    with scopes_disabled():
        return {
            s.reference: (s.name, s.lifecycle_stage, sorted(t.name for t in s.tags.all()))
            for s in AISystem.objects.filter(organization=org).prefetch_related("tags")
        }


@pytest.fixture
def two_systems(world):
    make_system(world, "Scorer", reference="S-1", lifecycle_stage="planned", tags=["credit"])
    make_system(world, "Chatbot", reference="C-1", lifecycle_stage="in_production")


def run(world, rows, mode="upsert", **kwargs):
    table = table_of(rows)
    mapping = suggest_import_mapping(table.headers)
    return (
        table,
        mapping,
        preview_import(organization=world.acme, table=table, mapping=mapping, mode=mode, **kwargs),
    )


def test_a_reference_is_unique_in_the_organization_whatever_its_case(world, two_systems):
    with pytest.raises(ValidationError) as caught:
        make_system(world, "Other", reference="s-1")
    assert caught.value.message_dict == {
        "reference": ["Another AI system in the register has the reference 's-1' already."]
    }
    make_system(world, "Blank one", reference="")
    make_system(world, "Blank two", reference="")
    make_system(world, "Elsewhere", organization=world.globex, acting=world.charlie_membership,
                reference="S-1")  # fmt: skip


def test_an_edit_to_a_reference_another_system_has_is_refused_on_the_field(world, two_systems):
    with scopes_disabled():
        chatbot = AISystem.objects.get(reference="C-1")
        with pytest.raises(ValidationError) as caught:
            services.update_system(
                system=chatbot, acting=world.alice_membership, data={"reference": "S-1"}
            )
    assert list(caught.value.message_dict) == ["reference"]


def test_the_upsert_preview_says_new_changed_unchanged_with_old_and_new(world, two_systems):
    _t, _m, preview = run(world, [
        HEADERS,
        ["S-1", "Scorer", "Scorer: what it is for.", "In production", "credit"],
        ["c-1", "Chatbot", "Chatbot: what it is for.", "In production", ""],
        ["N-1", "New one", "Something new", "Planned", ""],
    ])  # fmt: skip
    assert preview.ok, preview.errors
    outcomes = {r.row_number: (r.outcome, r.changes) for r in preview.rows}
    assert outcomes == {
        2: ("changed", {"lifecycle_stage": ("Planned", "In production")}),
        3: ("unchanged", {}),
        4: ("new", {}),
    }
    assert (preview.count("new"), preview.count("changed"), preview.count("unchanged")) == (1, 1, 1)


def test_the_commit_applies_exactly_the_preview_with_one_event_per_changed_system(
    world, two_systems
):
    table, mapping, preview = run(world, [
        HEADERS,
        ["S-1", "Scorer v2", "Scorer: what it is for.", "In production", "credit; loans"],
        ["C-1", "Chatbot", "Chatbot: what it is for.", "In production", ""],
        ["N-1", "New one", "Something new", "Planned", ""],
    ])  # fmt: skip
    with scopes_disabled():
        before = AuditEvent.objects.filter(action="system.updated").count()
        result = commit_import(organization=world.acme, acting=world.alice_membership,
                               table=table, mapping=mapping, mode="upsert",
                               expected_fingerprint=preview.fingerprint)  # fmt: skip
    assert (result.created, len(result.updated), result.unchanged) == (1, 1, 1)
    assert register_of(world.acme) == {
        "S-1": ("Scorer v2", "in_production", ["credit", "loans"]),
        "C-1": ("Chatbot", "in_production", []),  # the empty tags cell leaves them alone
        "N-1": ("New one", "planned", []),
    }
    with scopes_disabled():
        events = AuditEvent.objects.filter(action="system.updated").order_by("pk")
        assert events.count() == before + 1
        changes = events.last().changes
    assert changes["name"] == ["Scorer", "Scorer v2"]
    assert changes["lifecycle_stage"] == ["planned", "in_production"]
    assert changes["tags"] == [["credit"], ["credit", "loans"]]
    with scopes_disabled():
        assert AISystem.objects.get(reference="S-1").row_version == 2


def test_the_commit_refuses_when_the_register_changed_since_the_preview(world, two_systems):
    table, mapping, preview = run(world, [
        HEADERS, ["S-1", "Scorer", "Scorer: what it is for.", "In production", ""],
    ])  # fmt: skip
    with scopes_disabled():
        scorer = AISystem.objects.get(reference="S-1")
        services.update_system(system=scorer, acting=world.alice_membership,
                               data={"lifecycle_stage": "testing"})  # fmt: skip
        with pytest.raises(ImportFailed) as caught:
            commit_import(organization=world.acme, acting=world.alice_membership, table=table,
                          mapping=mapping, mode="upsert",
                          expected_fingerprint=preview.fingerprint)  # fmt: skip
    assert "changed since the preview" in str(caught.value.errors[0])
    assert register_of(world.acme)["S-1"][1] == "testing"


def test_add_mode_refuses_rows_that_match_a_system(world, two_systems):
    _t, _m, preview = run(world, [
        HEADERS, ["S-1", "Scorer", "Scorer: what it is for.", "Planned", ""],
    ], mode="add")  # fmt: skip
    assert [str(e) for e in preview.errors] == [
        "Row 2, column 'Reference': the reference 'S-1' is in the register already: 'Scorer'. "
        "Import in 'add and update' mode to update it."
    ]


def test_two_rows_with_one_reference_are_an_error_and_nothing_is_written(world, two_systems):
    table, mapping, preview = run(world, [
        HEADERS,
        ["S-1", "Scorer", "p", "Planned", ""],
        ["s-1", "Scorer again", "p", "Planned", ""],
    ])  # fmt: skip
    assert [e.row_number for e in preview.errors] == [3]
    with scopes_disabled(), pytest.raises(ImportFailed):
        commit_import(organization=world.acme, acting=world.alice_membership, table=table,
                      mapping=mapping, mode="upsert")  # fmt: skip
    assert register_of(world.acme)["S-1"][0] == "Scorer"


def test_matching_on_the_name_refuses_a_reference_changed_to_one_that_exists(world, two_systems):
    _t, _m, preview = run(world, [
        HEADERS, ["C-1", "Scorer", "p", "Planned", ""],
    ], match_on="name")  # fmt: skip
    assert [str(e) for e in preview.errors] == [
        "Row 2, column 'Reference': the reference 'C-1' belongs to another system, 'Chatbot'."
    ]


def test_upsert_needs_the_match_column_mapped(world):
    table = table_of([["Name", "Intended purpose"], ["A", "p"]])
    with pytest.raises(MappingError, match="matched on a mapped column"):
        preview_import(organization=world.acme, table=table,
                       mapping=suggest_import_mapping(table.headers), mode="upsert")  # fmt: skip


def test_the_preview_and_commit_of_an_update_take_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for i in range(30):
        make_system(world, f"System {i}", reference=f"R-{i}")
    rows = [HEADERS] + [[f"R-{i}", f"System {i} renamed", "p", "Testing", "t"] for i in range(30)]
    table, mapping, _preview = run(world, rows[:2])
    table = table_of(rows)
    with scopes_disabled(), django_assert_max_num_queries(40):
        result = commit_import(organization=world.acme, acting=world.alice_membership,
                               table=table, mapping=mapping, mode="upsert")  # fmt: skip
    assert len(result.updated) == 30


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def api(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def upload(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("register.csv", buffer.getvalue().encode(), "text/csv")


def test_the_api_upserts_and_answers_counts_and_outcomes(api, world, two_systems):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    rows = [HEADERS, ["S-1", "Scorer", "Scorer: what it is for.", "Retired", "credit"],
            ["N-1", "New", "p", "", ""]]  # fmt: skip
    defaults = json.dumps({"lifecycle_stage": "planned", "operator_role": "deployer"})
    dry = api.post(url, {"file": upload(rows), "mode": "upsert", "dry_run": "true",
                         "defaults": defaults}).json()  # fmt: skip
    assert (dry["created"], dry["updated"], dry["unchanged"]) == (1, 1, 0)
    assert dry["outcomes"][0]["changes"] == {"lifecycle_stage": ["Planned", "Retired"]}
    response = api.post(url, {"file": upload(rows), "mode": "upsert", "defaults": defaults,
                              "fingerprint": dry["fingerprint"]})  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert [o["outcome"] for o in body["outcomes"]] == ["changed", "new"]
    assert register_of(world.acme)["S-1"][1] == "retired"


def test_the_api_refuses_an_unknown_mode_naming_the_field(api, world):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    response = api.post(url, {"file": upload([HEADERS]), "mode": "replace"})
    assert response.status_code == 400
    assert "mode" in response.json()["error"]["fields"]


def test_the_api_refuses_a_duplicate_reference_on_the_field(api, world, two_systems):
    url = reverse("api:system-list", kwargs={"org_slug": "acme"})
    response = api.post(url, {"name": "X", "intended_purpose": "p", "reference": "S-1"},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "reference" in response.json()["error"]["fields"]


def test_the_api_exports_the_filtered_list_as_csv_and_xlsx(api, world, two_systems):
    url = reverse("api:system-export", kwargs={"org_slug": "acme"})
    response = api.get(url, {"format": "csv", "search": "Scorer"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Reference", "Name"] and [r[1] for r in rows[1:]] == ["Scorer"]
    xlsx = api.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    bad = api.get(url, {"format": "pdf"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {
        "format": ["Choose the format csv, xlsx or zip."]
    }


def test_the_export_is_a_404_for_another_organization(api, world):
    response = api.get(reverse("api:system-export", kwargs={"org_slug": "globex"}))
    assert response.status_code == 404


def test_identical_problems_are_grouped_with_their_rows(world):
    rows = [HEADERS] + [[f"R-{i}", f"S {i}", "p", "Bijna klaar", ""] for i in range(30)]
    _t, _m, preview = run(world, rows, mode="add")
    assert len(preview.errors) == 30
    [group] = preview.error_groups
    assert group["count"] == 30 and group["column"] == "Lifecycle stage"
    assert group["rows"] == list(range(2, 22))
    assert "'Bijna klaar'" in group["message"]


def test_the_api_groups_identical_problems(api, world):
    url = reverse("api:import-systems", kwargs={"org_slug": "acme"})
    rows = [HEADERS] + [[f"R-{i}", f"S {i}", "p", "Bijna klaar", ""] for i in range(3)]
    defaults = json.dumps({"operator_role": "deployer"})
    response = api.post(url, {"file": upload(rows), "defaults": defaults})
    assert response.status_code == 400
    [group] = response.json()["error"]["fields"]["groups"]
    assert (group["count"], group["rows"], group["field"]) == (3, [2, 3, 4], "lifecycle_stage")


@pytest.mark.parametrize(
    ("stage", "personal", "expected"),
    [
        ("In gebruik", "Ja", ("in_production", True)),
        ("In ontwikkeling", "Nee", ("in_development", False)),
        ("En production", "oui", ("in_production", True)),
        ("Buiten gebruik", "non", ("retired", False)),
        ("In Betrieb", "nein", ("in_production", False)),
    ],
)
def test_values_in_eu_languages_are_understood(world, stage, personal, expected):
    table = table_of([["Name", "Intended purpose", "Lifecycle stage", "Personal data"],
                      ["A", "p", stage, personal]])  # fmt: skip
    preview = preview_import(organization=world.acme, table=table,
                             mapping=suggest_import_mapping(table.headers))  # fmt: skip
    assert preview.ok, preview.errors
    data = preview.rows[0].data
    assert (data["lifecycle_stage"], data["processes_personal_data"]) == expected


def test_tags_split_on_the_chosen_separator_and_a_long_tag_is_an_error_not_cut(world):
    rows = [["Name", "Intended purpose", "Tags"], ["A", "p", "credit, loans | retail"]]
    table = table_of(rows)
    mapping = suggest_import_mapping(table.headers)
    preview = preview_import(organization=world.acme, table=table, mapping=mapping,
                             tag_separator="|")  # fmt: skip
    assert preview.rows[0].tags == ["credit, loans", "retail"]
    long = table_of([["Name", "Intended purpose", "Tags"], ["A", "p", "x" * 61]])
    [error] = preview_import(organization=world.acme, table=long, mapping=mapping).errors
    assert "61 characters long; the limit is 60. Nothing is cut" in error.message
