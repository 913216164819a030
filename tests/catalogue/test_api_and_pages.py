"""The catalogues through the API and the web pages: read-only, tenant-isolated, paginated."""

import pytest
from django.urls import reverse

from compliance.catalogue.services import CATALOGUE_DIR, load_catalogue_files

EXAMPLE = CATALOGUE_DIR / "examples" / "internal-ai-policy.yaml"


@pytest.fixture
def own_framework(world):
    load_catalogue_files([EXAMPLE], organization=world.acme)


def _api(name, org="acme", **kwargs):
    return reverse(f"api:{name}", kwargs={"org_slug": org, **kwargs})


def test_the_list_shows_shipped_and_own_frameworks(world, client, own_framework):
    client.force_login(world.alice)
    body = client.get(_api("framework-list")).json()
    slugs = {(r["slug"], r["scope"]) for r in body["results"]}
    assert slugs == {
        ("eu-ai-act", "shipped"),
        ("iso-42001", "shipped"),
        ("internal-ai-policy", "organization"),
    }
    eu = next(r for r in body["results"] if r["slug"] == "eu-ai-act")
    assert eu["item_count"] > 200 and eu["version"] == "2026.2"


def test_another_organizations_framework_is_not_listed_and_is_404(world, client, own_framework):
    client.force_login(world.charlie)
    body = client.get(_api("framework-list", org="globex")).json()
    assert "internal-ai-policy" not in {r["slug"] for r in body["results"]}
    response = client.get(
        _api("framework-detail", org="globex", framework_slug="internal-ai-policy")
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_detail_pages_through_the_requirements(world, client):
    client.force_login(world.bob)  # an auditor reads the catalogues too
    body = client.get(_api("framework-detail", framework_slug="eu-ai-act") + "?page_size=20").json()
    assert body["slug"] == "eu-ai-act" and body["versions"] == ["2026.2"]
    page = body["requirements"]
    assert page["count"] == body["requirement_count"] and len(page["results"]) == 20
    assert page["next"] and page["results"][0]["code"] == "art_4"
    item = page["results"][1]
    assert (
        item["code"] == "art_4.01" and item["parent"] == "art_4" and item["obligation"] == "art_4"
    )


def test_the_requirements_filter_by_kind_and_obligation(world, client):
    client.force_login(world.alice)
    url = _api("framework-requirements", framework_slug="eu-ai-act") + "?kind=item&obligation=art_9"
    body = client.get(url).json()
    assert body["count"] == 18
    assert [r["code"] for r in body["results"]][:2] == ["art_9.01", "art_9.02"]
    cond = client.get(
        _api("framework-requirements", framework_slug="eu-ai-act") + "?obligation=art_26"
    ).json()
    item = next(r for r in cond["results"] if r["code"] == "art_26.11")
    assert item["condition"] == {"public_authority": True}
    assert item["condition_text"] == "Only if the deployer is a public authority."


def test_iso_items_carry_their_indicative_mappings_both_ways(world, client):
    client.force_login(world.alice)
    url = _api("framework-requirements", framework_slug="iso-42001") + "?obligation=A.5"
    a52 = next(r for r in client.get(url).json()["results"] if r["code"] == "A.5.2")
    assert a52["mappings"][0]["framework"] == "eu-ai-act"
    assert a52["mappings"][0]["code"] == "art_27" and a52["mappings"][0]["indicative"] is True
    url = _api("framework-requirements", framework_slug="eu-ai-act") + "?obligation=art_27"
    group = client.get(url).json()["results"][0]
    assert {m["code"] for m in group["mappings"]} >= {"A.5.2", "6.1.4"}


def test_an_unknown_version_is_404(world, client):
    client.force_login(world.alice)
    url = _api("framework-detail", framework_slug="eu-ai-act") + "?version=1999.1"
    assert client.get(url).status_code == 404


def test_the_catalogue_api_is_read_only(world, client):
    client.force_login(world.alice)
    assert client.post(_api("framework-list"), {}).status_code == 405
    url = _api("framework-detail", framework_slug="eu-ai-act")
    assert client.delete(url).status_code == 405


def test_the_api_detail_runs_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries
):
    client.force_login(world.alice)
    url = _api("framework-detail", framework_slug="eu-ai-act") + "?page_size=500"
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_schema_documents_the_catalogue_endpoints(world, client):
    client.force_login(world.alice)
    schema = client.get(reverse("api:schema") + "?format=json").json()
    assert "/api/v1/o/{org_slug}/frameworks/" in schema["paths"]
    assert "/api/v1/o/{org_slug}/frameworks/{framework_slug}/requirements/" in schema["paths"]


# Web pages -----------------------------------------------------------------------------------


def test_the_catalogue_page_lists_the_frameworks(world, client, own_framework):
    client.force_login(world.alice)
    page = client.get(reverse("catalogue:framework-list", kwargs={"org_slug": "acme"}))
    assert page.status_code == 200
    assert b"EU AI Act" in page.content and b"ISO/IEC 42001:2023" in page.content
    assert b"Internal AI use policy" in page.content


def test_the_framework_page_shows_the_tree(world, client, django_assert_max_num_queries):
    client.force_login(world.alice)
    url = reverse(
        "catalogue:framework-detail", kwargs={"org_slug": "acme", "framework_slug": "eu-ai-act"}
    )
    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "art_9.16" in html and "Tests against metrics and thresholds set in advance" in html
    assert "Only if the deployer is a public authority." in html
    only = client.get(url + "?group=art_26").content.decode()
    assert "art_26.11" in only and "art_9.16" not in only


def test_another_organizations_framework_page_is_404(world, client, own_framework):
    client.force_login(world.charlie)
    url = reverse(
        "catalogue:framework-detail",
        kwargs={"org_slug": "globex", "framework_slug": "internal-ai-policy"},
    )
    assert client.get(url).status_code == 404


def test_an_organizations_mappings_never_show_to_another(world, client, own_framework):
    """Acme's policy maps to the shared EU AI Act; Globex must not see that link."""
    url = "?obligation=art_4"
    for user, org, expected in ((world.alice, "acme", True), (world.charlie, "globex", False)):
        client.force_login(user)
        api = _api("framework-requirements", org=org, framework_slug="eu-ai-act") + url
        group = client.get(api).json()["results"][0]
        assert ("POL-3.2" in {m["code"] for m in group["mappings"]}) is expected
        page = reverse(
            "catalogue:framework-detail", kwargs={"org_slug": org, "framework_slug": "eu-ai-act"}
        )
        assert ("Internal AI use policy" in client.get(page).content.decode()) is expected
