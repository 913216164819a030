"""Links between evidence and responses: foreign ids are refused, locked assessments too."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from compliance.assessments.models import Response
from compliance.evidence import services
from compliance.evidence.models import EvidenceLink


def _evidence(org, acting, title="Policy"):
    with scopes_disabled():
        return services.create_evidence(
            organization=org,
            acting=acting,
            data={"title": title},
            upload=SimpleUploadedFile("p.txt", b"policy text\n"),
        )


def test_linking_through_the_api_and_a_foreign_response_is_a_field_error(client, world, gap):
    evidence = _evidence(world.acme, world.alice_membership)
    with scopes_disabled():
        response = Response.objects.filter(assessment=gap).first()
    client.force_login(world.alice)
    url = reverse("api:evidence-links", kwargs={"org_slug": "acme", "uuid": evidence.uuid})
    ok = client.post(
        url,
        {"assessment": str(gap.uuid), "response": str(response.uuid)},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert client.get(url).json()[0]["code"] == response.requirement.code
    bad = client.post(
        url,
        {"assessment": str(gap.uuid), "response": "00000000-0000-0000-0000-000000000001"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "response" in bad.json()["error"]["fields"]
    gone = client.delete(
        url,
        {"assessment": str(gap.uuid), "response": str(response.uuid)},
        content_type="application/json",
    )
    assert gone.status_code == 200
    with scopes_disabled():
        assert not EvidenceLink.objects.exists()


def test_a_foreign_evidence_id_is_refused_on_the_attach_page(client, world, gap):
    foreign = _evidence(world.globex, world.charlie_membership, title="Globex secret")
    with scopes_disabled():
        response = Response.objects.filter(assessment=gap).first()
    client.force_login(world.alice)
    url = reverse(
        "evidence:attach",
        kwargs={"org_slug": "acme", "assessment_uuid": gap.uuid, "response_uuid": response.uuid},
    )
    out = client.post(url, {"op": "link", "evidence": str(foreign.uuid)})
    assert out.status_code == 200 and "No such evidence" in out.content.decode()
    with scopes_disabled():
        assert not EvidenceLink.objects.exists()
    assert "Globex secret" not in client.get(url).content.decode()
