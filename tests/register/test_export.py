"""The lossless export: every field, vendors and models, CSV / XLSX / ZIP, web and API."""

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register import services
from governance.register.export import COLUMNS
from governance.tenancy.roles import Role

BASE = "/o/acme/register"


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _fill(world, n: int, start: int = 0):
    """n systems, each with its vendor, model and tags; every other one archived."""
    acting = world.alice_membership
    with scopes_disabled():
        for i in range(start, start + n):
            vendor = services.create_vendor(
                organization=world.acme, acting=acting, data={"name": f"Vendor {i}"}
            )
            model = services.create_model(organization=world.acme, acting=acting, data={
                "name": f"Model {i}", "version": "x", "vendor": vendor, "languages": ["en"],
            })  # fmt: skip
            system = services.create_system(organization=world.acme, acting=acting, data={
                "name": f"System {i:04}", "intended_purpose": "p", "vendor": vendor,
                "business_owner": world.bob,
            }, ai_models=[model], tags=[f"t{i}", "shared"])  # fmt: skip
            if i % 2:
                services.archive_system(system=system, acting=acting)


@pytest.fixture
def one(world):
    acting = world.alice_membership
    with scopes_disabled():
        vendor = services.create_vendor(organization=world.acme, acting=acting, data={
            "name": "TalentCo", "website": "https://talent.example", "notes": "n"})  # fmt: skip
        model = services.create_model(organization=world.acme, acting=acting, data={
            "name": "Ranker", "version": "2", "vendor": vendor, "evaluations": [{"m": 1}],
            "training_compute_flops": 3.5e24,
        }, source="model_card", source_ref="org/ranker", source_file="README.md")  # fmt: skip
        active = services.create_system(organization=world.acme, acting=acting, data={
            "name": "Screener", "reference": "S-1", "intended_purpose": "Rank.",
            "description": "Long text", "vendor": vendor, "processes_personal_data": False,
            "legal_basis": "Act 1", "published_on": dt.date(2025, 1, 2), "fria_done": True,
        }, ai_models=[model], tags=["HR"])  # fmt: skip
        gone = services.create_system(
            organization=world.acme,
            acting=acting,
            data={"name": "Gone", "intended_purpose": "Old."},
        )
        services.archive_system(system=gone, acting=acting)
    return active


def test_the_systems_csv_has_every_field_and_unknowns_stay_empty(world, client, one):
    client.force_login(world.alice)
    rows = _csv(_body(client.get(f"{BASE}/systems/export.csv")))
    assert [r["Name"] for r in rows] == ["Screener"]  # archived ones only on request
    row = rows[0]
    assert list(row) == [c.header for c in COLUMNS["systems"]]
    assert row["Description"] == "Long text" and row["Legal basis"] == "Act 1"
    assert row["Personal data"] == "no" and row["Biometric data"] == ""
    assert row["FRIA done"] == "yes" and row["DPIA done"] == ""
    assert row["Deployment context"] == "" and row["Published on"] == "2025-01-02"
    assert row["Vendor"] == "TalentCo" and row["Models"] == "Ranker 2" and row["Tags"] == "HR"
    assert row["Id"] == str(one.uuid) and row["Archived at (UTC)"] == ""
    assert row["Risk tier"] == "Not screened" and row["Classification version"] == ""
    both = _csv(_body(client.get(f"{BASE}/systems/export.csv", {"archived": "true"})))
    assert [r["Name"] for r in both] == ["Gone", "Screener"]
    assert both[0]["Archived at (UTC)"]


def test_the_workbook_has_three_sheets_with_every_column(world, client, one):
    client.force_login(world.alice)
    data = _body(client.get(f"{BASE}/systems/export.xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["Systems", "Vendors", "Models"]
    for title, kind in (("Systems", "systems"), ("Vendors", "vendors"), ("Models", "models")):
        header = next(workbook[title].iter_rows(values_only=True))
        assert list(header) == [c.header for c in COLUMNS[kind]]
    models = list(workbook["Models"].iter_rows(values_only=True))
    model = dict(zip(models[0], models[1], strict=True))
    assert model["Evaluations (JSON)"] == '[{"m": 1}]' and model["Source reference"] == "org/ranker"
    assert model["Training compute (FLOPs)"] == 3.5e24 and model["Source"] == (
        "Imported from a model card")  # fmt: skip


def test_the_zip_holds_the_three_csv_files(world, client, one):
    client.force_login(world.alice)
    response = client.get(f"{BASE}/systems/export.zip", {"archived": "true"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="acme-register-')
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    assert sorted(archive.namelist()) == ["models.csv", "systems.csv", "vendors.csv"]
    assert len(_csv(archive.read("systems.csv"))) == 2
    assert [v["Name"] for v in _csv(archive.read("vendors.csv"))] == ["TalentCo"]


@pytest.mark.parametrize("kind", ["vendors", "models"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_vendors_and_models_export_with_their_lists_filters(world, client, kind, fmt):
    _fill(world, 3)
    acting = world.alice_membership
    with scopes_disabled():
        old = services.create_vendor(
            organization=world.acme, acting=acting, data={"name": "Vendor old"}
        )
        services.archive_vendor(vendor=old, acting=acting)
    client.force_login(world.alice)
    url = reverse(f"register:{kind[:-1]}-export", kwargs={"org_slug": "acme", "fmt": fmt})
    data = _body(client.get(url, {"search": "1"}))
    if fmt == "csv":
        names = [r["Name"] for r in _csv(data)]
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        names = [r[0] for r in rows[1:]]
    assert names == [f"{kind[:-1].capitalize()} 1"]
    if kind == "vendors":
        everything = _csv(_body(client.get(url.replace(".xlsx", ".csv"), {"archived": "true"})))
        assert "Vendor old" in [r["Name"] for r in everything]


def test_an_unknown_format_is_a_404_on_the_web(world, client):
    client.force_login(world.alice)
    assert client.get(f"{BASE}/vendors/export.zip").status_code == 404


@pytest.mark.parametrize("path", ["systems/export.zip", "vendors/export.csv", "models/export.xlsx"])
def test_the_exports_are_closed_to_roles_without_the_register(world, client, member_of, path):
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    assert client.get(f"{BASE}/{path}").status_code == 403
    client.force_login(world.charlie)  # another tenant
    assert client.get(f"{BASE}/{path}").status_code == 404


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        _body(client.get(url, params or {}))
    return len(queries)


@pytest.mark.parametrize(
    "path", ["systems/export.csv", "vendors/export.csv", "models/export.csv", "systems/export.xlsx"]
)
def test_the_export_costs_queries_per_chunk_not_per_row(world, client, path):
    client.force_login(world.alice)
    _fill(world, 2)
    client.get(f"{BASE}/systems/")  # the session's first request writes more
    small = _queries(client, f"{BASE}/{path}", {"archived": "true"})
    _fill(world, 40, start=2)
    assert _queries(client, f"{BASE}/{path}", {"archived": "true"}) == small
    # session, user, membership + the rows and, per chunk, their tags and models (+ a
    # savepoint pair in tests); the workbook adds the vendors' and models' sheets.
    assert small <= (10 if path.endswith(".xlsx") else 8)


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def api(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.mark.parametrize("kind", ["vendors", "models"])
def test_the_api_exports_vendors_and_models(api, world, one, kind):
    url = reverse(f"api:{kind[:-1]}-export", kwargs={"org_slug": "acme"})
    rows = _csv(_body(api.get(url, {"format": "csv"})))
    assert [r["Name"] for r in rows] == ["TalentCo" if kind == "vendors" else "Ranker"]
    assert _body(api.get(url, {"format": "xlsx"}))[:2] == b"PK"
    bad = api.get(url, {"format": "zip"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"format": ["Choose the format csv or xlsx."]}
    assert api.get(url, {"archived": "maybe"}).status_code == 400


def test_the_api_exports_the_register_as_a_zip(api, world, one):
    url = reverse("api:system-export", kwargs={"org_slug": "acme"})
    archive = zipfile.ZipFile(io.BytesIO(_body(api.get(url, {"format": "zip"}))))
    assert len(_csv(archive.read("systems.csv"))) == 1


@pytest.mark.parametrize("name", ["vendor-export", "model-export", "system-export"])
def test_the_api_exports_are_a_404_for_another_organisation(api, name):
    response = api.get(reverse(f"api:{name}", kwargs={"org_slug": "globex"}))
    assert response.status_code == 404


def test_the_systems_csv_reads_back_through_the_systems_import_unchanged(world, client, one):
    from governance.register import imports
    from governance.register.spreadsheets import read_table

    client.force_login(world.alice)
    table = read_table(_body(client.get(f"{BASE}/systems/export.csv")), "systems.csv")
    mapping = imports.suggest_import_mapping(table.headers)
    preview = imports.preview_import(
        organization=world.acme, table=table, mapping=mapping, mode="upsert",
        match_on="reference", tag_separator=";",
    )  # fmt: skip
    assert preview.errors == []
    assert [row.outcome for row in preview.rows] == ["unchanged"]


def test_a_csv_read_half_way_leaves_no_tenant_scope_behind(world, client):
    """A client that stops reading must not leave the worker's thread in the tenant's scope."""
    from django_scopes import ScopeError

    from governance.tenancy.models import Membership

    _fill(world, 3)
    client.force_login(world.alice)
    response = client.get(f"{BASE}/systems/export.csv")
    assert response.status_code == 200
    stream = iter(response.streaming_content)
    assert next(stream)  # the header line, read inside the scope
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    assert b"".join(stream).count(b"System 000") >= 1
