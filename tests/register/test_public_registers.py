"""Public register records: the Dutch publication standard v1.0 and the UK ATRS."""

import json
from datetime import date
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from governance.register.models import AISystem, LifecycleStage, RiskTier
from governance.register.public_registers import nl_v1, sources, uk_atrs
from governance.register.public_registers.missing import atrs_readiness, nl_readiness
from governance.register.public_registers.validate import validate_record
from governance.risks.models import Risk
from tests.factories import make_system
from tests.register.test_register_api import model, vendor

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "public_registers"
EXAMPLES = FIXTURES / "nl-algoritmeregister"


def rich_system(world, **overrides):
    """A system that states everything the two standards ask of Annex."""
    supplier = vendor(world, "Haaks softwarebedrijf")
    ranker = model(world, "Verkeersmodel", "2", provider="Haaks", training_data="Sensordata 2022")
    data = dict(
        reference="ALG-001",
        intended_purpose="Het verkeer laten doorstromen.",
        description="Dit algoritme regelt de verkeerslichten.",
        lifecycle_stage=LifecycleStage.IN_PRODUCTION,
        vendor=supplier,
        human_oversight="Een medewerker kan ingrijpen.\nOok 's nachts.",
        put_into_service_on=date(2023, 1, 15),
        legal_basis="Wegenverkeerswet 1994\nArtikel 15.",
        legal_basis_url="https://wetten.overheid.nl/BWBR0006622",
        public_page_url="https://gemeente.example/vri",
        source_code_url="https://github.com/example/vri",
        processing_register_url="https://avg.example/verwerking/1",
        contact_point="algoritmes@gemeente.example",
        published_on=date(2024, 2, 1),
        dpia_done=True,
        fria_done=True,
    )
    data.update(overrides)
    system = make_system(world, "Automatische Verkeersregeling", tags=["Verkeer", "VRI"], **data)
    with scopes_disabled():
        AISystem.objects.filter(pk=system.pk).update(risk_tier=RiskTier.HIGH_RISK)
        system.ai_models.add(ranker)
        Risk.objects.create(
            organization=world.acme, system=system, title="Defecte sensor",
            description="Lang wachten.", harm_domain="safety", likelihood=2, impact=3,
            treatment="mitigate", treatment_notes="Constante monitoring.",
        )  # fmt: skip
        return sources.system_for_export(world.acme, system.uuid)


def sparse_system(world):
    system = make_system(world, "Chatbot", intended_purpose="Answer questions.")
    with scopes_disabled():
        return sources.system_for_export(world.acme, system.uuid)


@pytest.mark.django_db
def test_a_rich_system_gives_a_valid_record_with_each_fact_in_its_place(world):
    system = rich_system(world)
    readiness = nl_readiness(system)
    record = readiness.record
    assert readiness.valid, (readiness.errors, readiness.missing)
    assert validate_record(record) == []
    assert record["name"] == "Automatische Verkeersregeling"
    assert record["organization"] == "Acme"
    assert record["status"] == "In gebruik"
    assert record["publication_category"] == "Hoog-risico AI-systeem"
    assert record["begin_date"] == "2023-01"
    assert "end_date" not in record
    assert record["category"] == ["Verkeer"]
    assert record["human_intervention"] == "Een medewerker kan ingrijpen.<br>Ook &#x27;s nachts."
    assert record["lawful_basis_grouping"] == [
        {"title": "Wegenverkeerswet 1994", "link": "https://wetten.overheid.nl/BWBR0006622"}
    ]
    assert [i["title"] for i in record["impacttoetsen_grouping"]] == [
        nl_v1.DPIA_TITLE,
        nl_v1.FRIA_TITLE,
    ]
    assert record["risks"] == "<ul><li>Defecte sensor: Constante monitoring.</li></ul>"
    assert record["methods_and_models"].startswith("<ul><li>Verkeersmodel 2 (")
    assert record["source_data"] == "<ul><li>Verkeersmodel 2: Sensordata 2022</li></ul>"
    assert record["provider"] == "Haaks softwarebedrijf"
    assert record["lang"] == "nld" and record["standard_version"] == "1.0"
    assert record["source_id"] == "ALG-001"
    assert record["tags"] == "Verkeer, VRI"
    assert record["publication_dt"] == "2024-02-01"
    # Keys in the standard's order, and only its keys.
    order = list(nl_v1.standard())
    assert list(record) == sorted(record, key=order.index)


@pytest.mark.django_db
def test_a_sparse_system_lists_exactly_what_is_missing_and_states_nothing_else(world):
    system = sparse_system(world)
    readiness = nl_readiness(system)
    assert not readiness.valid
    assert [m.field for m in readiness.required_missing] == [
        "description_short",
        "contact_email",
        "publication_category",
    ]
    assert [m.field for m in readiness.optional_missing] == [
        "begin_date", "website", "human_intervention", "risks", "lawful_basis",
        "lawful_basis_grouping", "process_index_url", "impacttoetsen_grouping", "source_data",
        "methods_and_models", "provider", "publiccode", "tags", "publication_dt",
    ]  # fmt: skip
    # The validator finds the same three; they are listed once, as missing, not as problems.
    assert {e.field for e in validate_record(readiness.record)} == {
        "description_short",
        "contact_email",
        "publication_category",
    }
    assert readiness.errors == []
    messages = {m.field: m.message for m in readiness.missing}
    assert messages["lawful_basis"] == (
        "Legal basis: not stated — fill it on the system's edit page."
    )
    assert "not screened" in messages["publication_category"]
    # Unknown facts are left out, never guessed: no provider, no "no DPIA", no category.
    assert set(readiness.record) == {
        "name", "organization", "status", "goal", "lang", "standard_version", "source_id",
    }  # fmt: skip
    assert readiness.record["status"] == "In ontwikkeling"
    assert readiness.record["source_id"] == str(system.uuid)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tier", "chosen", "expected"),
    [
        (RiskTier.HIGH_RISK, "other", "Hoog-risico AI-systeem"),
        (RiskTier.LIMITED_RISK, "impactful", "Impactvolle algoritmes"),
        (RiskTier.MINIMAL_RISK, "other", "Overige algoritmes"),
        (RiskTier.MINIMAL_RISK, None, None),
        (RiskTier.UNSCREENED, "other", None),
        (RiskTier.PROHIBITED, "impactful", None),
    ],
)
def test_the_category_follows_the_tier_and_only_then_the_users_choice(
    world, tier, chosen, expected
):
    system = sparse_system(world)
    system.risk_tier = tier
    assert nl_v1.publication_category(system, chosen) == expected
    readiness = nl_readiness(system, category=chosen)
    assert readiness.record.get("publication_category") == expected
    assert ("publication_category" in {m.field for m in readiness.missing}) == (expected is None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "status"),
    [
        ("planned", "In ontwikkeling"),
        ("in_development", "In ontwikkeling"),
        ("testing", "In ontwikkeling"),
        ("in_production", "In gebruik"),
        ("retired", "Buiten gebruik"),
    ],
)
def test_each_lifecycle_stage_has_a_status_of_the_standard(world, stage, status):
    system = sparse_system(world)
    system.lifecycle_stage = stage
    assert nl_v1.build_record(system)["status"] == status
    assert status in nl_v1.standard()["status"]["permitted_values"]


@pytest.mark.django_db
def test_an_end_date_is_published_only_once_it_has_passed(world):
    system = rich_system(world, ended_on=date(2025, 6, 30))
    assert nl_v1.build_record(system, today=date(2025, 6, 1)).get("end_date") is None
    assert nl_v1.build_record(system, today=date(2025, 7, 1))["end_date"] == "2025-06"


@pytest.mark.django_db
def test_a_retired_system_without_end_date_lists_it(world):
    system = rich_system(world, lifecycle_stage=LifecycleStage.RETIRED)
    readiness = nl_readiness(system)
    assert [m.field for m in readiness.missing if m.field == "end_date"] == ["end_date"]
    assert readiness.valid  # recommended, not required


@pytest.mark.django_db
def test_long_or_malformed_facts_are_reported_never_cut(world):
    system = rich_system(world, description="x" * 401, contact_point="the AI team")
    readiness = nl_readiness(system)
    assert readiness.record["description_short"] == "x" * 401
    assert {e.field for e in readiness.errors} == {"description_short", "contact_email"}
    assert not readiness.valid


@pytest.mark.django_db
def test_html_in_free_text_is_escaped_so_the_record_holds_only_allowed_tags(world):
    system = rich_system(world, human_oversight="<script>alert(1)</script> & <b>bold</b>")
    record = nl_v1.build_record(system)
    assert "<script>" not in record["human_intervention"]
    assert validate_record(record) == []


# ---- the validator against the standard's file ------------------------------------------


def _example(n):
    return json.loads((EXAMPLES / f"example_algorithm_{n}_v1_0.json").read_text())


# The examples are the register's own test fixtures, with placeholder values: these are the
# problems the standard's file and instructions find in them, no more and no fewer.
EXAMPLE_PROBLEMS = {
    "dpia", "uuid", "language",  # keys of older versions
    "category[0]",  # "Bestuur" is not a theme of v1.0
    "website", "url", "publiccode",  # "test_…" is not a https:// link
    "contact_email",  # neither an address nor a website
    "publication_category",  # required, absent
    "lang",  # "xxx"
    "begin_date", "end_date",  # "tb_date", "te_date"
}  # fmt: skip


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_the_registers_example_records_are_checked_field_by_field(n):
    record = _example(n)
    problems = {e.field for e in validate_record(record)}
    expected = set(EXAMPLE_PROBLEMS)
    if n in (3, 4):
        expected.add("category[1]")  # "Cultuur en Recreatie": the standard writes "recreatie"
    assert problems == expected


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_the_example_records_are_valid_once_their_placeholders_are_real_values(n):
    record = _example(n)
    for key in ("dpia", "uuid", "language"):
        record.pop(key)
    record.update(
        category=["Organisatie en bedrijfsvoering"],
        website="https://example.nl/a",
        url="https://example.nl/b",
        publiccode="https://example.nl/c",
        contact_email="algoritmes@example.nl",
        publication_category="Overige algoritmes",
        lang="nld",
        begin_date="2023-01",
        end_date="2024-05",
    )
    # Example 4's impact assessment has "link": null, which the standard allows.
    assert validate_record(record) == []


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"name": 7}, "name"),
        ({"status": "Actief"}, "status"),
        ({"name": "n" * 101}, "name"),
        ({"goal": "<script>x</script>"}, "goal"),
        ({"begin_date": "2023-13"}, "begin_date"),
        ({"lawful_basis_grouping": [{"title": "Wet"}]}, "lawful_basis_grouping[0].link"),
        ({"lawful_basis_grouping": ["Wet"]}, "lawful_basis_grouping[0]"),
        ({"impacttoetsen_grouping": [{"title": "DPIA", "extra": 1}]},
         "impacttoetsen_grouping[0].extra"),
        ({"category": "Verkeer"}, "category"),
        ({"publication_dt": "yesterday"}, "publication_dt"),
    ],
)  # fmt: skip
def test_the_validator_names_the_field_of_each_problem(record, field):
    base = {
        "name": "A",
        "description_short": "B",
        "organization": "C",
        "status": "In gebruik",
        "contact_email": "https://example.nl/contact",
        "publication_category": "Overige algoritmes",
        "lang": "nld",
    }
    assert validate_record(base) == []
    assert field in {e.field for e in validate_record({**base, **record})}


def test_a_record_that_is_not_an_object_is_refused():
    assert [e.message for e in validate_record([])] == ["A record is a JSON object."]


# ---- UK ATRS ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_atrs_record_of_a_rich_system_fills_annexs_part(world):
    system = rich_system(world)
    readiness = atrs_readiness(system)
    assert readiness.valid, readiness.missing
    record = readiness.record
    assert record["template_version"] == "3.0"
    assert record["tier_1"] == {
        "name": "Automatische Verkeersregeling",
        "description": "Dit algoritme regelt de verkeerslichten.",
        "website": "https://gemeente.example/vri",
        "contact_email": "algoritmes@gemeente.example",
    }
    assert record["metadata"]["phase"] == "Production"
    assert record["owner_and_responsibility"]["external_supplier"] == "Haaks softwarebedrijf"
    assert record["risks_and_impact"]["risks"] == [
        {"name": "Defecte sensor", "description": "Lang wachten.",
         "mitigation": "Constante monitoring."}
    ]  # fmt: skip
    # What Annex does not keep is null in the record and named for the publisher.
    assert record["owner_and_responsibility"]["team"] is None
    assert "Tier 2 - Owner and Responsibility: Team" in readiness.not_in_annex


@pytest.mark.django_db
def test_the_atrs_record_of_a_sparse_system_lists_what_annex_lacks(world):
    readiness = atrs_readiness(sparse_system(world))
    assert not readiness.valid
    assert [m.field for m in readiness.required_missing] == [
        "description", "website", "contact_email", "human_decisions_and_review",
        "impact_assessments", "risks",
    ]  # fmt: skip
    # No vendor on record is not "no supplier": it stays unstated.
    assert readiness.record["owner_and_responsibility"]["external_supplier_involvement"] is None


@pytest.mark.django_db
def test_the_atrs_row_matches_its_headings(world):
    system = rich_system(world)
    headings, row = uk_atrs.csv_headings(), uk_atrs.csv_row(system)
    assert len(headings) == len(row) == len(set(headings))
    cells = dict(zip(headings, row, strict=True))
    assert cells["Tier 1 - Overview: Name"] == "Automatische Verkeersregeling"
    assert cells["Metadata: Phase"] == "Production"
    assert cells["Source ID"] == "ALG-001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dpia", "fria", "value", "missing"),
    [
        (None, None, None, True),
        (False, False, [], False),  # stated: none done
        (False, None, None, True),
        (True, None, ["Data Protection Impact Assessment (DPIA)"], False),
    ],
)
def test_atrs_impact_assessments_tell_none_done_from_not_stated(world, dpia, fria, value, missing):
    system = sparse_system(world)
    system.dpia_done, system.fria_done = dpia, fria
    readiness = atrs_readiness(system)
    got = readiness.record["risks_and_impact"]["impact_assessments"]
    assert (got if got is None else [a["name"] for a in got]) == value
    assert ("impact_assessments" in {m.field for m in readiness.missing}) == missing


def test_every_lifecycle_stage_has_an_atrs_phase():
    assert set(uk_atrs.PHASE) == set(LifecycleStage)
