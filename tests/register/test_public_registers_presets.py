"""The ready-made import mappings for the Dutch algorithm register and the UK ATRS."""

import csv
import io

import pytest
from django_scopes import scopes_disabled

from governance.register import saved_mappings, value_mapping
from governance.register.import_cells import UNKNOWN, VALUE_FIELDS
from governance.register.imports import IMPORT_FIELDS, preview_import
from governance.register.mapping_presets import PRESETS
from governance.register.models import AISystem
from governance.register.public_registers import bundles, nl_v1
from governance.register.spreadsheets import read_table
from tests.register.test_public_registers import rich_system

SHAPE = {"name", "columns", "values", "defaults", "tag_separator", "match_on"}


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_field_is_importable_and_every_value_a_valid_choice(key):
    preset = PRESETS[key]
    assert set(preset) == SHAPE
    for heading, field in preset["columns"].items():
        assert field in IMPORT_FIELDS, (heading, field)
    assert len(set(preset["columns"].values())) == len(preset["columns"])  # one column a field
    for field, pairs in preset["values"].items():
        assert field in IMPORT_FIELDS and field in VALUE_FIELDS
        for ours in pairs.values():
            coerced = value_mapping.coerce(field, ours)
            assert coerced == UNKNOWN or coerced in {v for v, _l in value_mapping.options_of(field)}
    assert preset["defaults"] == {}  # unknown stays unknown: no preset states a fact
    # A preset is a mapping the register would accept when saved (or copied) by a user.
    saved_mappings.clean_spec(preset)


def test_the_dutch_presets_read_the_standards_keys_and_titles_but_not_the_publisher():
    keys = PRESETS["nl-algoritmeregister-v1.0"]["columns"]
    titles = PRESETS["nl-algoritmeregister-v1.0-titles"]["columns"]
    assert keys["status"] == titles["Status"] == "lifecycle_stage"
    assert keys["description_short"] == titles["Korte omschrijving"] == "description"
    assert keys["lawful_basis"] == titles["Wettelijke basis"] == "legal_basis"
    assert "organization" not in keys and "Organisatienaam" not in titles
    assert "operator_role" not in keys.values()
    status = PRESETS["nl-algoritmeregister-v1.0"]["values"]["lifecycle_stage"]
    assert status["In gebruik"] == "in_production"
    assert status["In ontwikkeling"] == "in_development"
    assert status["Buiten gebruik"] == "retired"
    # Every status the standard permits has a mapping.
    assert set(nl_v1.standard()["status"]["permitted_values"]) <= set(status)
    assert PRESETS["nl-algoritmeregister-v1.0"]["values"]["dpia_done"]["Nee"] == "no"


def _nl_csv(rows):
    """A file headed with every title of the standard (and "DPIA", of older versions)."""
    titles = [p["title"] for p in nl_v1.standard().values()] + ["DPIA"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(titles)
    for row in rows:
        writer.writerow([row.get(t, "") for t in titles])
    return buffer.getvalue().encode()


@pytest.mark.django_db
def test_a_dutch_register_file_imports_through_the_titles_preset(world):
    table = read_table(
        _nl_csv([
            {"Algoritme-ID": "100", "Naam": "Parkeerscan", "Organisatienaam": "Gemeente A",
             "Korte omschrijving": "Scant auto's.", "Doel en impact": "Foutparkeerders vinden.",
             "Status": "In gebruik", "DPIA": "Ja", "Zoektermen": "Parkeren, Handhaving"},
            {"Algoritme-ID": "101", "Naam": "Subsidiecheck", "Organisatienaam": "Gemeente A",
             "Doel en impact": "Aanvragen toetsen.", "Status": "Buiten gebruik",
             "DPIA": "Onbekend"},
        ]),
        "algoritmeregister.csv",
    )  # fmt: skip
    spec = saved_mappings.find_spec(world.acme, name="nl-algoritmeregister-v1.0-titles")
    columns, options = saved_mappings.apply_to_headers(spec, table.headers)
    assert columns["Organisatienaam"] is None
    columns["DPIA"] = "dpia_done"  # an older version's column, mapped by the user
    common = dict(organization=world.acme, table=table, mapping=columns,
                  values=options["values"], tag_separator=options["tag_separator"])  # fmt: skip
    # The file states no operator role: the preview asks the user for one, it never guesses.
    without = preview_import(**common, defaults=options["defaults"])
    assert not without.ok
    assert "operator role" in str(without.error_groups).lower()
    chosen = preview_import(**common, defaults={"operator_role": "deployer"})
    assert chosen.ok, chosen.error_groups
    first, second = chosen.rows
    assert first.data["lifecycle_stage"] == "in_production"
    assert first.data["dpia_done"] is True
    assert first.data["reference"] == "100"
    assert first.tags == ["Parkeren", "Handhaving"]
    assert second.data["lifecycle_stage"] == "retired"
    assert second.data.get("dpia_done") is None  # "Onbekend" is unknown, not no


@pytest.mark.django_db
def test_annexs_atrs_export_reads_back_through_the_atrs_preset(world):
    system = rich_system(world)
    table = read_table(bundles.atrs_csv([system]), "atrs.csv")
    spec = saved_mappings.find_spec(world.acme, name="uk-atrs-v3.0")
    columns, options = saved_mappings.apply_to_headers(spec, table.headers)
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).delete()
    preview = preview_import(
        organization=world.acme, table=table, mapping=columns, values=options["values"],
        defaults={"operator_role": "deployer"},
    )  # fmt: skip
    assert preview.ok, preview.error_groups
    row = preview.rows[0]
    assert row.data["name"] == system.name
    assert row.data["reference"] == "ALG-001"
    assert row.data["lifecycle_stage"] == "in_production"
    assert row.data["contact_point"] == system.contact_point
    assert row.data["human_oversight"] == system.human_oversight
