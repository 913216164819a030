"""Public register exports through the web pages and the API, and their isolation."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register.models import AISystem
from governance.register.public_registers import uk_atrs
from tests.factories import make_system
from tests.register.test_public_registers import rich_system, sparse_system
from tests.register.test_register_api import api  # noqa: F401  (fixture)

BASE = "/api/v1/o/acme"


@pytest.fixture
def alice(world, client_for):
    return client_for(world.alice)


def globex_system(world):
    return make_system(
        world, "Globex bot", organization=world.globex, acting=world.charlie_membership
    )


def web(name, **kwargs):
    return reverse(f"public_registers:{name}", kwargs={"org_slug": "acme", **kwargs})


# ---- web ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_system_page_says_what_is_missing_before_the_download(world, alice):
    system = sparse_system(world)
    response = alice.get(web("system", system_uuid=system.uuid))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not ready: 3 required fields missing" in page
    assert "Contact point: not stated" in page
    assert "Download JSON (v1.0), incomplete" in page
    assert reverse("register:system-edit", args=["acme", system.uuid]) in page


@pytest.mark.django_db
def test_a_ready_system_downloads_a_valid_record_under_a_plain_name(world, alice):
    system = rich_system(world)
    page = alice.get(web("system", system_uuid=system.uuid)).content.decode()
    assert "Ready to publish" in page  # the Dutch record
    assert "Annex's part is complete" in page  # the ATRS: the template asks for more
    response = alice.get(web("system-nl", system_uuid=system.uuid))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ALG-001-nl-v1.0.json"'
    assert json.loads(response.content)["status"] == "In gebruik"


@pytest.mark.django_db
def test_an_incomplete_record_downloads_under_a_name_that_says_so(world, alice):
    system = sparse_system(world)
    response = alice.get(web("system-nl", system_uuid=system.uuid), {"category": "other"})
    assert "-nl-v1.0-incomplete.json" in response["Content-Disposition"]
    assert "publication_category" not in json.loads(response.content)  # unscreened: unknown


@pytest.mark.django_db
def test_a_bad_category_is_refused_with_a_message(world, alice):
    system = sparse_system(world)
    response = alice.get(web("system-nl", system_uuid=system.uuid), {"category": "A"}, follow=True)
    assert "Choose the publication category" in response.content.decode()


@pytest.mark.django_db
def test_the_atrs_downloads_are_json_and_csv(world, alice):
    system = rich_system(world)
    as_json = alice.get(web("system-atrs", system_uuid=system.uuid, fmt="json"))
    body = json.loads(as_json.content)
    assert body["valid"] is True and body["record"]["tier_1"]["name"] == system.name
    as_csv = alice.get(web("system-atrs", system_uuid=system.uuid, fmt="csv"))
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Missing in Annex" and rows[1][0] == "ALG-001"


@pytest.mark.django_db
def test_the_register_page_lists_each_current_systems_readiness(
    world, alice, django_assert_max_num_queries
):
    rich_system(world)
    sparse_system(world)
    archived = make_system(world, "Old tool")
    with scopes_disabled():
        AISystem.objects.filter(pk=archived.pk).update(archived_at="2024-01-01T00:00Z")
    for i in range(5):
        make_system(world, f"Extra {i}")
    with django_assert_max_num_queries(20):
        response = alice.get(web("list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Automatische Verkeersregeling" in page and "Chatbot" in page
    assert "Old tool" not in page
    assert "Ready" in page and "3 required missing</span>" in page


@pytest.mark.django_db
def test_the_whole_register_downloads_as_a_zip_of_records_with_their_validation(world, alice):
    rich_system(world)
    sparse = sparse_system(world)
    response = alice.get(web("nl-zip"), {"category": "other"})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == sorted(
        [
            "records/ALG-001-nl-v1.0.json",
            f"records/{sparse.uuid}-nl-v1.0-incomplete.json",
            "validation.json",
        ]
    )
    report = json.loads(archive.read("validation.json"))["records"]
    assert [r["valid"] for r in report] == [True, False]
    assert json.loads(archive.read("records/ALG-001-nl-v1.0.json"))["source_id"] == "ALG-001"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_whole_register_downloads_as_atrs_rows(world, alice, fmt):
    rich_system(world)
    sparse_system(world)
    response = alice.get(web("atrs", fmt=fmt))
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == [*uk_atrs.csv_headings(), "Missing in Annex"]
        assert [r[0] for r in rows[1:]] == ["ALG-001", rows[2][0]]
        assert rows[1][-1] == "" and "Contact point: not stated" in rows[2][-1]
    else:
        assert response.content[:2] == b"PK"


@pytest.mark.django_db
def test_the_system_page_links_to_the_export(world, alice):
    system = sparse_system(world)
    page = alice.get(reverse("register:system-detail", args=["acme", system.uuid]))
    assert web("system", system_uuid=system.uuid) in page.content.decode()


# ---- API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_answers_record_missing_and_valid(world, api):  # noqa: F811
    system = rich_system(world)
    body = api.get(f"/systems/{system.uuid}/public-registers/nl-v1/").json()
    assert body["valid"] is True and body["errors"] == []
    assert body["record"]["publication_category"] == "Hoog-risico AI-systeem"
    sparse = sparse_system(world)
    body = api.get(f"/systems/{sparse.uuid}/public-registers/nl-v1/").json()
    assert body["valid"] is False
    assert [m["field"] for m in body["missing"] if m["required"]] == [
        "description_short",
        "contact_email",
        "publication_category",
    ]
    atrs = api.get(f"/systems/{sparse.uuid}/public-registers/uk-atrs/").json()
    assert atrs["valid"] is False and atrs["version"] == "3.0"


@pytest.mark.django_db
def test_the_api_refuses_a_bad_category_naming_it(world, api):  # noqa: F811
    system = sparse_system(world)
    response = api.get(f"/systems/{system.uuid}/public-registers/nl-v1/", {"category": "B"})
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    assert api.get("/public-registers/nl-v1/records.zip", {"category": "x"}).status_code == 400


@pytest.mark.django_db
def test_the_api_lists_and_downloads_the_whole_register(world, api):  # noqa: F811
    rich_system(world)
    sparse_system(world)
    listing = api.get("/public-registers/nl-v1/", {"category": "impactful"}).json()
    assert listing["count"] == 2
    assert [r["valid"] for r in listing["results"]] == [True, False]
    assert api.get("/public-registers/uk-atrs/").json()["count"] == 2
    archive = api.get("/public-registers/nl-v1/records.zip", HTTP_ACCEPT="application/zip")
    assert archive.status_code == 200 and archive.content[:2] == b"PK"
    rows = api.get("/public-registers/uk-atrs/records.csv", HTTP_ACCEPT="text/csv")
    assert rows.status_code == 200
    assert len(list(csv.reader(io.StringIO(rows.content.decode("utf-8-sig"))))) == 3


# ---- isolation ------------------------------------------------------------------------------

SYSTEM_WEB = [("system", {}), ("system-nl", {}), ("system-atrs", {"fmt": "json"}),
              ("system-atrs", {"fmt": "csv"})]  # fmt: skip
SYSTEM_API = ["nl-v1", "uk-atrs"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "extra"), SYSTEM_WEB)
def test_another_organisations_system_is_404_on_every_page(world, alice, name, extra):
    theirs = globex_system(world)
    url = web(name, system_uuid=theirs.uuid, **extra)
    assert alice.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("standard", SYSTEM_API)
def test_another_organisations_system_is_404_in_the_api(world, api, standard):  # noqa: F811
    theirs = globex_system(world)
    response = api.get(f"/systems/{theirs.uuid}/public-registers/{standard}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_whole_register_holds_only_the_organisations_systems(world, alice, api):  # noqa: F811
    sparse_system(world)
    globex_system(world)
    archive = zipfile.ZipFile(io.BytesIO(alice.get(web("nl-zip")).content))
    assert "Globex" not in archive.read("validation.json").decode()
    assert len([n for n in archive.namelist() if n.startswith("records/")]) == 1
    assert "Globex bot" not in alice.get(web("atrs", fmt="csv")).content.decode("utf-8-sig")
    assert api.get("/public-registers/uk-atrs/").json()["count"] == 1
    # Another organisation's register is a 404, not an empty one.
    assert alice.get(reverse("public_registers:list", args=["globex"])).status_code == 404
    assert alice.get("/api/v1/o/globex/public-registers/nl-v1/").status_code == 404


@pytest.mark.django_db
def test_the_chosen_category_carries_to_the_register_readiness_and_download(world, alice):
    sparse = sparse_system(world)
    with scopes_disabled():
        AISystem.objects.filter(pk=sparse.pk).update(risk_tier="minimal_risk")
    before = alice.get(web("list")).content.decode()
    assert "Publication category" in before
    after = alice.get(web("list"), {"category": "other"}).content.decode()
    assert "Publication category" not in after.split("Readiness per system")[1]
    assert web("nl-zip") + "?category=other" in after


@pytest.mark.django_db
def test_a_member_who_may_not_edit_sees_the_page_without_edit_links(world, client_for, member_of):
    sparse = sparse_system(world)
    contributor = member_of(world.acme, "contributor").user
    response = client_for(contributor).get(web("system", system_uuid=sparse.uuid))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Contact point: not stated" in page
    assert reverse("register:system-edit", args=["acme", sparse.uuid]) not in page


@pytest.mark.django_db
def test_an_auditor_without_register_access_is_refused(world, client_for):
    sparse = sparse_system(world)
    bob = client_for(world.bob)
    assert bob.get(web("system", system_uuid=sparse.uuid)).status_code == 403
    assert bob.get(web("nl-zip")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_api_lists_cost_the_same_queries_whatever_the_size(
    world,
    api,  # noqa: F811
    count,
    django_assert_max_num_queries,
):
    for i in range(count):
        make_system(world, f"System {i}")
    with django_assert_max_num_queries(15):
        assert api.get("/public-registers/nl-v1/").json()["count"] == count
    with django_assert_max_num_queries(15):
        assert api.get("/public-registers/uk-atrs/records.csv").status_code == 200
