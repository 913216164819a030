"""Value mapping, unknown facts and user-chosen defaults in the spreadsheet import."""

import csv
import io

import pytest
from django_scopes import scopes_disabled

from governance.register import imports
from governance.register.imports import MappingError, suggest_import_mapping
from governance.register.models import AISystem
from governance.register.spreadsheets import read_table
from governance.register.value_mapping import UNKNOWN, clean_defaults, distinct_values
from tests.factories import make_system

DUTCH = ["Algoritme-ID", "Naam", "Doel", "Status", "Persoonsgegevens", "Rol", "Context"]


def table_of(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return read_table(buffer.getvalue().encode(), "register.csv")


COLUMNS = {
    "Algoritme-ID": "reference",
    "Naam": "name",
    "Doel": "intended_purpose",
    "Status": "lifecycle_stage",
    "Persoonsgegevens": "processes_personal_data",
    "Rol": "operator_role",
    "Context": "deployment_context",
}


def preview(world, rows, **kwargs):
    table = table_of(rows)
    kwargs.setdefault("mapping", COLUMNS)
    return imports.preview_import(organization=world.acme, table=table, **kwargs)


def stored(org):
    with scopes_disabled():
        return {
            s.reference: s
            for s in AISystem.objects.filter(organization=org).select_related("vendor")
        }


def test_the_distinct_values_of_each_value_column_come_with_counts_and_suggestions():
    table = table_of(
        [DUTCH]
        + [["A-1", "A", "p", "In gebruik", "Ja", "Gebruiksverantwoordelijke", ""]] * 3
        + [["A-2", "B", "p", "in GEBRUIK", "Nee", "", "Intern"]]
        + [["A-3", "C", "p", "Bijna klaar", "Onbekend", "", ""]]
    )
    found = distinct_values(table, COLUMNS)
    assert set(found) == {
        "lifecycle_stage",
        "processes_personal_data",
        "operator_role",
        "deployment_context",
    }
    # Case and spacing do not make a new value; most frequent first.
    assert [(v["value"], v["count"], v["suggestion"]) for v in found["lifecycle_stage"]] == [
        ("In gebruik", 4, "in_production"),
        ("Bijna klaar", 1, None),
    ]
    assert [(v["value"], v["suggestion"]) for v in found["processes_personal_data"]] == [
        ("Ja", True),
        ("Nee", False),
        ("Onbekend", UNKNOWN),
    ]


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("Gepland", "planned"),
        ("In ontwikkeling", "in_development"),
        ("Buiten gebruik", "retired"),
        ("En production", "in_production"),
        ("In Betrieb", "in_production"),
        ("En desarrollo", "in_development"),
        ("In produzione", "in_production"),
    ],
)
def test_stages_in_eu_languages_need_no_mapping(world, stage, expected):
    result = preview(world, [DUTCH, ["A-1", "A", "p", stage, "", "Deployer", ""]])
    assert result.ok, result.errors
    assert result.rows[0].data["lifecycle_stage"] == expected


def test_a_value_map_turns_the_files_values_into_ours_and_unknown_into_not_stated(world):
    rows = [
        DUTCH,
        ["A-1", "A", "p", "Bijna klaar", "Wellicht", "Deployer", ""],
        ["A-2", "B", "p", "In gebruik", "Onbekend", "Deployer", "Intern"],
    ]
    values = {
        "lifecycle_stage": {"bijna KLAAR": "testing"},  # case does not count
        "processes_personal_data": {"Wellicht": UNKNOWN},
        "deployment_context": {"Intern": "internal"},
    }
    result = preview(world, rows, values=values)
    assert result.ok, result.errors
    first, second = result.rows
    assert first.data["lifecycle_stage"] == "testing"
    # Unknown is not no: the flag is left out, so the system keeps it null.
    assert "processes_personal_data" not in first.data
    assert "processes_personal_data" not in second.data
    assert second.data["deployment_context"] == "internal"
    assert first.display["processes_personal_data"] == ""


def test_values_that_map_to_nothing_are_one_grouped_error_per_value(world):
    rows = (
        [DUTCH]
        + [[f"A-{i}", f"S{i}", "p", "Bijna klaar", "", "Deployer", ""] for i in range(412)]
        + [["B-1", "T", "p", "Afgeschaald", "", "Deployer", ""]]
    )
    result = preview(world, rows)
    groups = result.error_groups
    assert [(g["count"], g["field"]) for g in groups] == [
        (412, "lifecycle_stage"),
        (1, "lifecycle_stage"),
    ]
    assert groups[0]["message"].startswith("'Bijna klaar' is not a lifecycle stage: map it to")
    assert groups[0]["rows"][:3] == [2, 3, 4] and len(groups[0]["rows"]) == 20


def test_blank_cells_never_become_facts(world):
    rows = [
        DUTCH + ["Leverancier"],
        ["A-1", "A", "p", "In gebruik", "", "Deployer", "", ""],
    ]
    mapping = {**COLUMNS, "Leverancier": "vendor"}
    table = table_of(rows)
    imports.commit_import(
        organization=world.acme,
        acting=world.alice_membership,
        table=table,
        mapping=mapping,
    )
    system = stored(world.acme)["A-1"]
    assert system.processes_personal_data is None
    assert system.processes_biometric_data is None
    assert system.deployment_context == ""
    assert system.vendor is None
    assert system.dpia_done is None and system.fria_done is None


def test_a_new_system_without_a_stated_role_is_an_error_unless_a_default_was_chosen(world):
    rows = [DUTCH[:4]] + [[f"A-{i}", f"S{i}", "p", "In gebruik"] for i in range(5)]
    mapping = {h: COLUMNS[h] for h in DUTCH[:4]}
    result = preview(world, rows, mapping=mapping)
    [group] = result.error_groups
    assert group["count"] == 5 and group["field"] == "operator_role"
    assert group["message"].startswith("no column gives the operator role")

    result = preview(world, rows, mapping=mapping, defaults={"operator_role": "Deployer"})
    assert result.ok
    assert {r.data["operator_role"] for r in result.rows} == {"deployer"}
    assert result.applied_defaults == [
        {"field": "operator_role", "label": "Operator role", "value": "Deployer", "rows": 5}
    ]


def test_an_unknown_role_in_a_mapped_column_needs_the_default_too(world):
    rows = [DUTCH, ["A-1", "A", "p", "In gebruik", "", "onbekend", ""]]
    [error] = preview(world, rows).errors
    assert (error.field, error.column_header) == ("operator_role", "Rol")
    assert "is not stated" in error.message
    ok = preview(world, rows, defaults={"operator_role": "provider"})
    assert ok.ok and ok.rows[0].data["operator_role"] == "provider"


def test_defaults_fill_only_what_a_row_leaves_out_and_never_change_existing_systems(world):
    make_system(
        world,
        "Old",
        reference="A-1",
        processes_personal_data=False,
        lifecycle_stage="planned",
    )
    rows = [
        DUTCH,
        ["A-1", "Old", "Old: what it is for.", "", "", "", ""],
        ["A-2", "New", "p", "", "", "Provider", ""],
        ["A-3", "Newer", "p", "", "Nee", "", ""],
    ]
    defaults = {
        "processes_personal_data": "yes",
        "operator_role": "deployer",
        "lifecycle_stage": "in_production",
    }
    result = preview(world, rows, mode="upsert", defaults=defaults)
    assert result.ok, result.errors
    old, new, newer = result.rows
    assert old.outcome == "unchanged" and not old.defaulted
    assert new.data["processes_personal_data"] is True and new.data["operator_role"] == "provider"
    assert newer.data["processes_personal_data"] is False
    assert {d["field"]: d["rows"] for d in result.applied_defaults} == {
        "operator_role": 1,
        "processes_personal_data": 1,
        "lifecycle_stage": 2,
    }


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ({"operator_role": "Overlord"}, "Operator role: The default 'Overlord' is not one of"),
        ({"operator_role": UNKNOWN}, "Operator role: A required field's default must be a value"),
        ({"name": "X"}, "'name' cannot have a default"),
        ({"processes_personal_data": "maybe"}, "'maybe' is not yes, no or unknown"),
    ],
)
def test_bad_defaults_are_refused_naming_the_field(world, defaults, message):
    with pytest.raises(MappingError) as caught:
        preview(world, [DUTCH, ["A-1", "A", "p", "", "", "", ""]], defaults=defaults)
    assert caught.value.param == "defaults"
    assert message in str(caught.value)


def test_a_value_map_for_a_field_without_choices_is_refused(world):
    with pytest.raises(MappingError) as caught:
        preview(world, [DUTCH, ["A-1", "A", "p", "", "", "", ""]], values={"name": {"a": "b"}})
    assert caught.value.param == "values"
    assert "'name' is not a field whose values can be mapped" in str(caught.value)


def test_a_not_stated_default_for_an_optional_field_is_no_default():
    assert clean_defaults({"deployment_context": UNKNOWN, "dpia_done": "no"}) == {
        "dpia_done": False
    }


def test_the_public_register_fields_can_be_imported(world):
    headers = [
        "Name",
        "Purpose",
        "Role",
        "Stage",
        "Legal basis",
        "Public page",
        "Contact point",
        "Published on",
        "Ended on",
        "DPIA",
        "FRIA",
    ]
    mapping = suggest_import_mapping(headers)
    assert mapping["Public page"] == "public_page_url" and mapping["DPIA"] == "dpia_done"
    rows = [
        headers,
        [
            "A",
            "p",
            "Deployer",
            "Live",
            "Art. 5 Wet X",
            "https://example.org/a",
            "ai@example.org",
            "2024-01-02",
            "",
            "Ja",
            "Onbekend",
        ],
        ["B", "p", "Deployer", "Live", "", "not a url", "", "", "", "", ""],
    ]
    result = imports.preview_import(organization=world.acme, table=table_of(rows), mapping=mapping)
    [error] = result.errors
    assert error.field == "public_page_url" and "is not a web address" in error.message
    first = result.rows[0].data
    assert first["legal_basis"] == "Art. 5 Wet X" and first["dpia_done"] is True
    assert "fria_done" not in first and str(first["published_on"]) == "2024-01-02"


def test_two_rows_with_one_reference_and_a_reference_taken_are_errors_before_any_write(world):
    make_system(world, "Scorer", reference="S-1")
    make_system(world, "Chatbot", reference="C-1")
    rows = [
        ["Reference", "Name", "Purpose", "Role", "Stage"],
        ["N-1", "New", "p", "Deployer", "Live"],
        ["n-1", "Newer", "p", "Deployer", "Live"],
    ]
    table = table_of(rows)
    mapping = suggest_import_mapping(table.headers)
    result = imports.preview_import(organization=world.acme, table=table, mapping=mapping)
    [error] = result.errors
    assert error.row_number == 3 and "the reference 'n-1' is also in row 2" in error.message
    # Matched on the name, a row that gives Scorer the reference of Chatbot.
    rows = [["Reference", "Name", "Purpose"], ["C-1", "Scorer", "p"]]
    table = table_of(rows)
    with pytest.raises(imports.ImportFailed) as caught:
        imports.commit_import(
            organization=world.acme,
            acting=world.alice_membership,
            table=table,
            mapping=suggest_import_mapping(table.headers),
            mode="upsert",
            match_on="name",
        )
    assert "belongs to another system, 'Chatbot'" in str(caught.value.errors[0])
    assert stored(world.acme)["S-1"].name == "Scorer"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("operator_role", "Gebruiksverantwoordelijke", "deployer"),  # the AI Act in Dutch
        ("operator_role", "Aanbieder", "provider"),
        ("operator_role", "Betreiber", "deployer"),
        ("operator_role", "Fournisseur", "provider"),
        ("deployment_context", "Intern", "internal"),
        ("deployment_context", "Publieke dienstverlening", "public_service"),
        ("affected_persons", "Burgers", "citizens"),
        ("affected_persons", "Sollicitanten", "employees"),
        ("processes_personal_data", "Sí", True),
        ("processes_personal_data", "Onbekend", UNKNOWN),
        ("processes_personal_data", "Misschien", None),  # not obvious: the user decides
    ],
)
def test_obvious_values_in_eu_languages_are_suggested(field, value, expected):
    from governance.register.value_mapping import suggest

    assert suggest(field, value) == expected
