"""The web import updates: choose the mode, see old → new per row, apply exactly that."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register.models import AISystem
from tests.factories import make_system

FILE = (
    "Reference,Name,Intended purpose,Lifecycle stage\n"
    "S-1,Scorer,Scorer: what it is for.,In production\n"
    "N-1,New one,Something new,Planned\n"
)


def _mapping_url(client):
    upload = SimpleUploadedFile("register.csv", FILE.encode(), content_type="text/csv")
    response = client.post(reverse("register_import:upload", kwargs={"org_slug": "acme"}),
                           {"file": upload})  # fmt: skip
    assert response.status_code == 302
    return response["Location"]


def _post_mapping(client, url, **options):
    """Post the columns, then the value step (a default operator role); answer its response."""
    fields = ["reference", "name", "intended_purpose", "lifecycle_stage"]
    data = {f"col_{i}": f for i, f in enumerate(fields)}
    response = client.post(url, {**data, **options})
    if response.status_code != 302:
        return response
    return client.post(response["Location"], {"d_operator_role": "deployer"})


def test_an_upsert_shows_the_changes_and_applies_them(world, client):
    make_system(world, "Scorer", reference="S-1", lifecycle_stage="planned")
    client.force_login(world.alice)
    response = _post_mapping(client, _mapping_url(client), mode="upsert", match_on="reference")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Changed" in html and "<del>Planned</del> → <ins>In production</ins>" in html
    assert "1 system will be added, 1 updated and 0 left as they are" in html
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html)[1]
    done = client.post(response["Location"], {"fingerprint": fingerprint})
    assert done.status_code == 302
    with scopes_disabled():
        stages = dict(AISystem.objects.values_list("reference", "lifecycle_stage"))
    assert stages == {"S-1": "in_production", "N-1": "planned"}


def test_add_mode_lists_a_known_reference_as_an_error(world, client):
    make_system(world, "Scorer", reference="S-1")
    client.force_login(world.alice)
    response = _post_mapping(client, _mapping_url(client), mode="add")
    html = client.get(response["Location"]).content.decode()
    assert "the reference &#x27;S-1&#x27; is in the register already" in html


def test_upsert_on_an_unmapped_column_is_an_error_next_to_the_choice(world, client):
    client.force_login(world.alice)
    response = _post_mapping(client, _mapping_url(client), mode="upsert",
                             match_on="eu_database_id")  # fmt: skip
    assert response.status_code == 400
    assert "No column is imported as EU database ID" in response.content.decode()


def test_the_check_page_groups_identical_problems(world, client):
    client.force_login(world.alice)
    lines = ["Reference,Name,Intended purpose,Lifecycle stage"]
    lines += [f"R-{i},S {i},p,Bijna klaar" for i in range(12)]
    upload = SimpleUploadedFile("r.csv", ("\n".join(lines) + "\n").encode(), "text/csv")
    url = client.post(reverse("register_import:upload", kwargs={"org_slug": "acme"}),
                      {"file": upload})["Location"]  # fmt: skip
    response = _post_mapping(client, url)
    html = client.get(response["Location"]).content.decode()
    assert "12 rows</td>" in html and "Every problem, row by row" in html
