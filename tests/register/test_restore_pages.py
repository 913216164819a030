"""Restore from an Annex export: web pages, API, bad input and isolation."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register.export import COLUMNS
from governance.register.models import AIModel, AISystem, Vendor
from governance.tenancy.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _headers(kind):
    return [c.header for c in COLUMNS[kind]]


def _row(kind, **cells):
    return [cells.get(h, "") for h in _headers(kind)]


def _export(systems=(), vendors=(), models=()) -> bytes:
    return _workbook({
        "Systems": [_headers("systems"), *[_row("systems", **s) for s in systems]],
        "Vendors": [_headers("vendors"), *[_row("vendors", **v) for v in vendors]],
        "Models": [_headers("models"), *[_row("models", **m) for m in models]],
    })  # fmt: skip


GOOD = {
    "vendors": [{"Name": "TalentCo", "Country": "Netherlands"}],
    "models": [{"Name": "Ranker", "Version": "2", "Vendor": "TalentCo"}],
    "systems": [
        {"Name": "CV screener", "Intended purpose": "Rank applicants.", "Vendor": "TalentCo",
         "Models": "Ranker 2", "Tags": "HR; pilot", "Operator role": "Provider",
         "Business owner email": "alice@acme.test"},
        {"Name": "Old bot", "Intended purpose": "Answer questions.",
         "Archived at (UTC)": "2025-02-03 04:05:06", "Business owner email": "x@nowhere.test"},
    ],
}  # fmt: skip


def _upload(data: bytes, name="register.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.fixture
def empty(world):
    with scopes_disabled():
        org = OrganizationFactory(name="Initech", slug="initech")
        MembershipFactory(organization=org, user=world.alice, role=Role.OWNER)
    return org


def _counts(org):
    with scopes_disabled():
        return tuple(
            m.objects.filter(organization=org).count() for m in (Vendor, AIModel, AISystem)
        )


def test_the_import_page_offers_the_restore(world, client):
    client.force_login(world.alice)
    page = client.get(reverse("register_import:upload", args=["acme"])).content.decode()
    assert reverse("register_import:restore", args=["acme"]) in page


def test_the_web_restore_previews_counts_then_restores(world, client, empty):
    client.force_login(world.alice)
    url = reverse("register_import:restore", args=["initech"])
    response = client.post(url, {"file": _upload(_export(**GOOD))})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200 and _counts(empty) == (0, 0, 0)
    assert "Restored systems are unscreened" in page and "x@nowhere.test" in page
    assert "Restore 2 AI systems, 1 model and 1 vendor" in page
    done = client.post(response["Location"])
    assert done.status_code == 302 and _counts(empty) == (1, 1, 2)
    with scopes_disabled():
        old = AISystem.objects.get(organization=empty, name="Old bot")
        cv = AISystem.objects.get(organization=empty, name="CV screener")
        assert old.archived_at.isoformat() == "2025-02-03T04:05:06+00:00"
        assert old.business_owner is None and cv.business_owner == world.alice
        assert sorted(t.name for t in cv.tags.all()) == ["HR", "pilot"]
        assert [str(m) for m in cv.ai_models.all()] == ["Ranker 2"]
    # The upload is used up.
    assert client.get(response["Location"]).status_code == 404


def test_a_bad_row_is_named_by_sheet_row_and_column_and_nothing_is_written(world, client, empty):
    bad = dict(GOOD, systems=[GOOD["systems"][0], {"Name": "X", "Intended purpose": "p",
                                                   "Legal basis URL": "not a url",
                                                   "Personal data": "maybe"}])  # fmt: skip
    client.force_login(world.alice)
    response = client.post(reverse("register_import:restore", args=["initech"]),
                           {"file": _upload(_export(**bad))})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "Legal basis URL" in page and "Personal data" in page and "maybe" in page
    assert "Systems, row 3, column" in page
    assert _counts(empty) == (0, 0, 0)


@pytest.mark.parametrize(
    "data, message",
    [
        (_workbook({"Sheet1": [["Name"], ["x"]]}), "has no Vendors, Models, Systems sheets"),
        (_workbook({"Systems": [["Name"]], "Vendors": [["Name"]]}), "has no Models sheet"),
        (b"Name,Intended purpose\r\nx,y\r\n", "not an Annex export"),
        (b"PK\x03\x04 broken", "not an Annex export"),
    ],
    ids=["another workbook", "a sheet missing", "a csv", "a broken zip"],
)
def test_a_file_that_is_not_an_export_is_refused_on_the_field(world, client, empty, data, message):
    client.force_login(world.alice)
    response = client.post(reverse("register_import:restore", args=["initech"]),
                           {"file": _upload(data)})  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert _counts(empty) == (0, 0, 0)


def test_a_sheet_without_its_required_column_is_an_error(world):
    from governance.register.restore import plan_restore
    from governance.register.restore_files import read_export

    data = _workbook({"Systems": [["Name"], ["x"]], "Vendors": [["Name"]], "Models": [["Name"]]})
    tables, _fmt = read_export(data)
    plan = plan_restore(organization=world.globex, tables=tables)
    assert [str(e) for e in plan.errors] == ["Systems: The sheet has no column 'Intended purpose'."]


def test_a_zip_bomb_is_refused_before_it_is_read(world):
    from governance.register.restore_files import read_export
    from governance.register.spreadsheets import SpreadsheetError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("systems.csv", "vendors.csv"):
            archive.writestr(name, "Name\r\n")
        archive.writestr("models.csv", "Name\r\n" + "a" * (9 * 1024 * 1024))
    with pytest.raises(SpreadsheetError, match="more data than can be restored"):
        read_export(buffer.getvalue())


def test_the_restore_is_for_editors_of_the_register(world, client, member_of):
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    client.force_login(contributor.user)
    assert client.get(reverse("register_import:restore", args=["acme"])).status_code == 403


def test_another_users_or_organisations_upload_is_a_404(world, client, empty):
    client.force_login(world.alice)
    response = client.post(reverse("register_import:restore", args=["initech"]),
                           {"file": _upload(_export(**GOOD))})  # fmt: skip
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    with scopes_disabled():
        MembershipFactory(organization=empty, user=world.charlie, role=Role.OWNER)
    client.force_login(world.charlie)
    url = reverse("register_import:restore-preview", args=["initech", token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(world.alice)
    assert (
        client.get(reverse("register_import:restore-preview", args=["acme", token])).status_code
        == 404
    )
    assert _counts(empty) == (0, 0, 0)


def test_a_systems_import_upload_is_not_a_restore(world, client):
    from governance.register import imports
    from governance.register.spreadsheets import Table

    table = Table(headers=["Name"], rows=[["x"]], row_numbers=[2])
    upload = imports.save_upload(
        organization=world.acme, user=world.alice, filename="x.csv", table=table
    )
    client.force_login(world.alice)
    url = reverse("register_import:restore-preview", args=["acme", upload.token])
    assert client.get(url).status_code == 404


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def api_empty(client, world, empty, api_token):
    with scopes_disabled():
        owner = world.alice.memberships.get(organization=empty)
    _token, secret = api_token(empty, owner, scope="read_write")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_api_dry_run_counts_and_the_restore_writes(api_empty, empty):
    url = reverse("api:import-register", kwargs={"org_slug": "initech"})
    dry = api_empty.post(url, {"file": _upload(_export(**GOOD)), "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert (
        body["valid"] and body["counts"]["systems"] == 2 and body["counts"]["archived_systems"] == 1
    )
    assert body["warnings"][0]["sheet"] == "Systems" and body["warnings"][0]["row"] == 3
    assert "unscreened" in body["note"] and _counts(empty) == (0, 0, 0)
    done = api_empty.post(url, {"file": _upload(_export(**GOOD))})
    assert done.status_code == 201 and done.json()["counts"]["models"] == 1
    assert _counts(empty) == (1, 1, 2)
    again = api_empty.post(url, {"file": _upload(_export(**GOOD))})
    assert again.status_code == 400
    rows = again.json()["error"]["fields"]["rows"]
    assert {"sheet": "Vendors", "row": 2, "column": "Name",
            "message": "A vendor named 'TalentCo' is in the register already."} in rows  # fmt: skip
    assert _counts(empty) == (1, 1, 2)


def test_the_api_names_the_file_field_for_a_file_that_is_not_an_export(api_empty):
    url = reverse("api:import-register", kwargs={"org_slug": "initech"})
    response = api_empty.post(url, {"file": _upload(b"just text", "x.csv")})
    assert response.status_code == 400
    assert "not an Annex export" in response.json()["error"]["fields"]["file"][0]


def test_the_api_restore_is_a_404_for_another_organisation(api_empty):
    url = reverse("api:import-register", kwargs={"org_slug": "acme"})
    assert api_empty.post(url, {"file": _upload(_export(**GOOD))}).status_code == 404


def test_a_read_only_token_cannot_restore(client, world, api_token):
    _token, secret = api_token(world.acme, world.alice_membership, scope="read")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    url = reverse("api:import-register", kwargs={"org_slug": "acme"})
    assert client.post(url, {"file": _upload(_export(**GOOD))}).status_code == 403
    assert _counts(world.acme) == (0, 0, 0)


def _many(n: int) -> bytes:
    return _export(
        vendors=[{"Name": f"V{i}", "Website": "https://v.example"} for i in range(n)],
        models=[{"Name": f"M{i}", "Version": "1", "Vendor": f"V{i}"} for i in range(n)],
        systems=[{"Name": f"S{i}", "Reference": f"R-{i}", "Intended purpose": "p",
                  "Vendor": f"V{i}", "Models": f"M{i} 1", "Tags": f"t{i}; all",
                  "Archived at (UTC)": "2025-01-01 10:00:00" if i % 2 else ""}
                 for i in range(n)],
    )  # fmt: skip


def test_the_restore_costs_queries_per_batch_not_per_row(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.register import restore
    from governance.register.restore_files import read_export

    counts = []
    for n, slug in ((5, "small"), (60, "large")):
        with scopes_disabled():
            org = OrganizationFactory(name=slug, slug=slug)
            owner = MembershipFactory(organization=org, user=world.alice, role=Role.OWNER)
        tables, _fmt = read_export(_many(n))
        with CaptureQueriesContext(connection) as queries:
            restore.commit_restore(organization=org, acting=owner, tables=tables)
        counts.append(len(queries))
        assert _counts(org) == (n, n, n)
        with scopes_disabled():
            assert AISystem.objects.filter(organization=org).exclude(archived_at=None).count() == (
                n // 2)  # fmt: skip
    # Queries per batch, not per row: 12 times the rows cost at most a few more INSERTs, as
    # SQLite takes 999 parameters a statement (about 20 systems of 45 columns).
    assert counts[1] - counts[0] <= 5, counts
