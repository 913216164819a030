"""Export a rich register, restore it into an empty organisation, compare field by field."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.register import restore, services
from governance.register.models import AIModel, AISystem, Vendor
from governance.register.restore_files import read_export
from governance.tenancy.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory

# What a restore may change: ids, timestamps, the lock counter, who created the row, and the
# classification (restored systems are unscreened).
SKIP = {
    "id", "uuid", "organization", "created_at", "updated_at", "row_version", "created_by",
    "archived_at", "risk_tier", "gpai_tier", "classified_at", "obligation_dates",
    "next_obligation_date", "material_changed_at",
}  # fmt: skip


def _system_data(world, vendor, n, **extra):
    data = {
        "name": f"System {n}", "reference": f"SYS-{n}",
        "intended_purpose": f"Purpose {n}\nwith a second line; and a semicolon",
        "description": "=SUM(A1) looks like a formula", "business_owner": world.alice,
        "technical_owner": world.bob, "operator_role": "provider",
        "lifecycle_stage": "in_production", "deployment_context": "public_service",
        "vendor": vendor, "processes_personal_data": True, "processes_biometric_data": False,
        "processes_special_categories": None, "affected_persons": ["citizens", "children"],
        "human_oversight": "A caseworker decides.", "placed_on_market_on": dt.date(2024, 3, 1),
        "put_into_service_on": dt.date(2024, 4, 2), "significantly_changed_on": dt.date(2025, 9, 9),
        "intended_for_public_authorities": True, "annex_x_component": False,
        "eu_database_id": f"EU-{n}", "legal_basis": "Art. 4 of the Benefits Act",
        "legal_basis_url": "https://wetten.example/benefits", "public_page_url":
        "https://acme.example/ai", "source_code_url": "https://git.example/acme",
        "processing_register_url": "https://acme.example/ropa/1",
        "contact_point": "ai-team@acme.test", "published_on": dt.date(2025, 1, 15),
        "ended_on": dt.date(2030, 12, 31), "dpia_done": True, "fria_done": None,
    }  # fmt: skip
    data.update(extra)
    return {k: v for k, v in data.items() if k in services.SYSTEM_FIELDS}


@pytest.fixture
def rich(world):
    """Acme with vendors, models and systems: every field set, unknowns, archived rows."""
    acting = world.alice_membership
    with scopes_disabled():
        org = world.acme
        talent = services.create_vendor(organization=org, acting=acting, data={
            "name": "TalentCo", "website": "https://talent.example", "contact_email":
            "sales@talent.example", "country": "Netherlands", "notes": "Framework contract.\n2024",
        })  # fmt: skip
        old = services.create_vendor(organization=org, acting=acting, data={"name": "OldCo"})
        ranker = services.create_model(organization=org, acting=acting, data={
            "name": "Ranker", "version": "2.1", "provider": "TalentCo", "vendor": talent,
            "licence": "apache-2.0", "model_type": "classification", "is_general_purpose": True,
            "training_compute_flops": 1.25e23, "is_open_source": True,
            "placed_on_market_on": dt.date(2024, 1, 2), "base_model": "bert-base",
            "intended_use": "Rank CVs.", "limitations": "English only.",
            "training_data": "Public CVs.", "languages": ["en", "nl"],
            "evaluations": [{"metric": "accuracy", "value": 0.91, "dataset": "cv-test"}],
        }, source="model_card", source_ref="talentco/ranker", source_file="README.md")  # fmt: skip
        legacy = services.create_model(organization=org, acting=acting, data={
            "name": "Legacy scorer", "version": "", "vendor": old,
        })  # fmt: skip
        first = services.create_system(
            organization=org, acting=acting, data=_system_data(world, talent, 1),
            ai_models=[ranker, legacy], tags=["HR", "pilot, phase 2"],
        )  # fmt: skip
        second = services.create_system(organization=org, acting=acting, data=_system_data(
            world, None, 2, deployment_context="", processes_personal_data=None, reference="",
            affected_persons=[], dpia_done=False, placed_on_market_on=None,
        ))  # fmt: skip
        third = services.create_system(organization=org, acting=acting, data=_system_data(
            world, old, 3, technical_owner=None), ai_models=[legacy], tags=["HR"])  # fmt: skip
        services.archive_system(system=third, acting=acting)
        services.archive_model(model=legacy, acting=acting)
        services.archive_vendor(vendor=old, acting=acting)
        _classify(first, acting)
    return {"systems": [first, second, third], "models": [ranker, legacy], "vendors": [talent, old]}


def _classify(system, acting):
    from governance.classification import services as classification_services

    classification_services.classify_system(system=system, acting=acting, screening={
        "schema": "eu-ai-act-screening/1", "role": "deployer", "is_ai_system": True,
        "eu_nexus": True,
    })  # fmt: skip


@pytest.fixture
def empty_org(world):
    """Initech: alice owns it and bob is a member, as in Acme; nothing in its register."""
    with scopes_disabled():
        org = OrganizationFactory(name="Initech", slug="initech")
        owner = MembershipFactory(organization=org, user=world.alice, role=Role.OWNER)
        MembershipFactory(organization=org, user=world.bob, role=Role.COMPLIANCE_OFFICER)
    return org, owner


def _fields(obj, skip=SKIP) -> dict:
    out = {}
    for f in obj._meta.concrete_fields:
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        out[f.name] = value.name if isinstance(value, Vendor) else value
    out["archived_at"] = obj.archived_at.replace(microsecond=0) if obj.archived_at else None
    return out


def _register(org) -> dict:
    with scopes_disabled():
        systems = AISystem.objects.filter(organization=org).prefetch_related("tags", "ai_models")
        return {
            "vendors": {v.name: _fields(v) for v in Vendor.objects.filter(organization=org)},
            "models": {str(m): _fields(m) for m in AIModel.objects.filter(organization=org)},
            "systems": {
                s.name: {
                    **_fields(s),
                    "tags": sorted(t.name for t in s.tags.all()),
                    "ai_models": sorted(str(m) for m in s.ai_models.all()),
                }
                for s in systems
            },
        }


def _download(client, fmt):
    response = client.get(f"/o/acme/register/systems/export.{fmt}", {"archived": "true"})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_an_export_restored_into_an_empty_organisation_is_the_same_register(
    world, client, rich, empty_org, fmt
):
    client.force_login(world.alice)
    tables, kind = read_export(_download(client, fmt), f"register.{fmt}")
    assert kind == fmt
    org, owner = empty_org
    result = restore.commit_restore(organization=org, acting=owner, tables=tables)
    assert (len(result.vendors), len(result.models), len(result.systems)) == (2, 2, 3)
    assert result.warnings == []
    before, after = _register(world.acme), _register(org)
    assert after == before
    # Spelled out, as these are what a lossy export used to lose.
    first = after["systems"]["System 1"]
    assert first["description"] == "=SUM(A1) looks like a formula"
    assert first["tags"] == ["HR", "pilot, phase 2"]
    assert first["ai_models"] == ["Legacy scorer", "Ranker 2.1"]
    assert first["processes_special_categories"] is None and first["fria_done"] is None
    assert after["systems"]["System 2"]["deployment_context"] == ""
    assert after["systems"]["System 3"]["archived_at"] is not None
    assert after["models"]["Legacy scorer"]["archived_at"] is not None
    assert after["vendors"]["OldCo"]["archived_at"] is not None
    ranker = after["models"]["Ranker 2.1"]
    assert ranker["evaluations"] == [{"metric": "accuracy", "value": 0.91, "dataset": "cv-test"}]
    assert ranker["source_ref"] == "talentco/ranker" and ranker["source"] == "model_card"
    with scopes_disabled():
        # Classification comes from screenings: restored systems are unscreened.
        assert set(
            AISystem.objects.filter(organization=org).values_list("risk_tier", flat=True)
        ) == {""}


def test_the_export_carries_the_current_classification(world, client, rich):
    client.force_login(world.alice)
    tables, _kind = read_export(_download(client, "xlsx"))
    systems = tables["systems"]
    rows = {r[systems.headers.index("Name")]: dict(zip(systems.headers, r, strict=True))
            for r in systems.rows}  # fmt: skip
    assert rows["System 1"]["Classification version"] == "1"
    assert rows["System 1"]["Risk tier"] not in ("", "Not screened")
    assert rows["System 1"]["Classified at (UTC)"]
    assert rows["System 2"]["Classification version"] == "" and rows["System 2"]["Risk tier"] == (
        "Not screened")  # fmt: skip
    plan = restore.plan_restore(organization=world.globex, tables=tables)
    assert plan.ok and plan.counts()["classified_in_file"] == 1


def test_an_owner_who_is_not_a_member_is_left_empty_with_a_warning(world, client, rich):
    client.force_login(world.alice)
    tables, _kind = read_export(_download(client, "xlsx"))
    with scopes_disabled():
        owner = MembershipFactory(organization=world.globex, user=world.alice, role=Role.ADMIN)
    result = restore.commit_restore(organization=world.globex, acting=owner, tables=tables)
    assert {w.message.split(" ")[0] for w in result.warnings} == {"bob@acme.test"}
    assert all(w.sheet == "Systems" and w.row for w in result.warnings)
    with scopes_disabled():
        assert not AISystem.objects.filter(organization=world.globex, technical_owner=world.bob)
        assert AISystem.objects.filter(organization=world.globex, business_owner=world.alice)


def test_restoring_twice_is_refused_with_row_numbers_and_nothing_written(
    world, client, rich, empty_org
):
    client.force_login(world.alice)
    tables, _kind = read_export(_download(client, "xlsx"))
    org, owner = empty_org
    restore.commit_restore(organization=org, acting=owner, tables=tables)
    with scopes_disabled():
        counts = (Vendor.objects.count(), AIModel.objects.count(), AISystem.objects.count())
    with pytest.raises(restore.RestoreFailed) as failed:
        restore.commit_restore(organization=org, acting=owner, tables=tables)
    where = {(e.sheet, e.row) for e in failed.value.errors}
    assert ("Vendors", 2) in where and ("Models", 2) in where and ("Systems", 2) in where
    with scopes_disabled():
        assert (Vendor.objects.count(), AIModel.objects.count(), AISystem.objects.count()) == counts


def test_archived_rows_are_left_out_unless_asked_but_links_never_dangle(world, client, rich):
    client.force_login(world.alice)
    response = client.get("/o/acme/register/systems/export.xlsx")
    tables, _kind = read_export(b"".join(response.streaming_content))
    assert [r[1] for r in tables["systems"].rows] == ["System 1", "System 2"]
    # OldCo and the legacy model are archived, but System 1 uses the legacy model, which OldCo
    # supplies: both stay in the file so the restore can link them.
    assert {r[0] for r in tables["models"].rows} == {"Ranker", "Legacy scorer"}
    assert {r[0] for r in tables["vendors"].rows} == {"TalentCo", "OldCo"}
    assert timezone.now()  # the file is read without the database
