"""A risk's treatment linked to controls, evidence and remediation actions: web and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from governance.register import services as register_services
from governance.risks.models import Risk

pytestmark = pytest.mark.django_db


def _system(organization, membership, name="CV screener"):
    with scopes_disabled():
        return register_services.create_system(
            organization=organization,
            acting=membership,
            data={"name": name, "intended_purpose": "Rank job applicants."},
        )


def _evidence(organization, membership, title):
    from compliance.evidence import services

    with scopes_disabled():
        return services.create_evidence(
            organization=organization,
            acting=membership,
            data={"title": title},
            upload=SimpleUploadedFile("policy.txt", b"Our AI policy.\n"),
        )


def _action(organization, membership, title):
    from compliance.assessments import remediation, services

    with scopes_disabled():
        assessment = services.create_assessment(
            organization=organization, acting=membership, framework_slug="iso-42001"
        )
        return remediation.create_action(
            assessment=assessment, acting=membership, data={"title": title}
        )


def _control(code):
    from compliance.catalogue.models import Requirement

    return Requirement.objects.get(framework__slug="iso-42001", code=code)


@pytest.fixture
def linkables(world, shipped_catalogues):
    return {
        "system": _system(world.acme, world.alice_membership),
        "evidence": _evidence(world.acme, world.alice_membership, "Bias test report"),
        "action": _action(world.acme, world.alice_membership, "Retrain on balanced data"),
        "control": _control("A.6.1.2"),
    }


def _form(system, **extra):
    return {
        "system": str(system.uuid),
        "title": "Biased ranking",
        "description": "Ranks women lower.",
        "harm_domain": "discrimination",
        "likelihood": "4",
        "impact": "4",
        "treatment": "mitigate",
        "status": "open",
        **extra,
    }


def _links(risk):
    with scopes_disabled():
        return (
            [c.code for c in risk.controls.all()],
            [e.uuid for e in risk.evidence.all()],
            [a.uuid for a in risk.actions.all()],
        )


# --- web ------------------------------------------------------------------------------------


def test_the_web_form_links_controls_evidence_and_actions_and_the_detail_lists_them(
    world, linkables, client_for
):
    client = client_for(world.alice)
    form = client.get(reverse("risks:risk-create", kwargs={"org_slug": "acme"}))
    page = form.content.decode()
    assert "A.6.1.2" in page and "Bias test report" in page and "Retrain on balanced data" in page
    response = client.post(
        reverse("risks:risk-create", kwargs={"org_slug": "acme"}),
        _form(
            linkables["system"],
            controls=[str(linkables["control"].pk)],
            evidence=[str(linkables["evidence"].uuid)],
            actions=[str(linkables["action"].uuid)],
        ),
        follow=True,
    )
    assert response.status_code == 200
    with scopes_disabled():
        risk = Risk.objects.get()
    assert _links(risk) == (
        ["A.6.1.2"],
        [linkables["evidence"].uuid],
        [linkables["action"].uuid],
    )
    page = response.content.decode()
    evidence_url = reverse(
        "evidence:detail", kwargs={"org_slug": "acme", "evidence_uuid": linkables["evidence"].uuid}
    )
    action_url = reverse(
        "assessments:action-edit",
        kwargs={"org_slug": "acme", "action_uuid": linkables["action"].uuid},
    )
    control_url = reverse(
        "catalogue:framework-detail", kwargs={"org_slug": "acme", "framework_slug": "iso-42001"}
    )
    assert f'href="{evidence_url}"' in page
    assert f'href="{action_url}"' in page
    assert f'href="{control_url}#g-a6"' in page


def test_the_web_edit_form_keeps_and_replaces_links(world, linkables, client_for):
    client = client_for(world.alice)
    client.post(
        reverse("risks:risk-create", kwargs={"org_slug": "acme"}),
        _form(linkables["system"], evidence=[str(linkables["evidence"].uuid)]),
    )
    with scopes_disabled():
        risk = Risk.objects.get()
    edit = reverse("risks:risk-edit", kwargs={"org_slug": "acme", "risk_uuid": risk.uuid})
    page = client.get(edit).content.decode()
    assert f'value="{linkables["evidence"].uuid}" id="id_evidence_0" checked' in page
    response = client.post(
        edit,
        _form(
            linkables["system"],
            row_version=str(risk.row_version),
            actions=[str(linkables["action"].uuid)],
        ),
    )
    assert response.status_code == 302
    assert _links(risk) == ([], [], [linkables["action"].uuid])


def test_the_web_form_refuses_another_organisations_evidence_and_saves_nothing(
    world, linkables, client_for
):
    foreign = _evidence(world.globex, world.charlie_membership, "Globex secret")
    client = client_for(world.alice)
    response = client.post(
        reverse("risks:risk-create", kwargs={"org_slug": "acme"}),
        _form(linkables["system"], evidence=[str(foreign.uuid)]),
    )
    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert "Globex secret" not in response.content.decode()
    with scopes_disabled():
        assert not Risk.objects.exists()


# --- API ------------------------------------------------------------------------------------


def _api_body(system, **extra):
    return {
        "system": str(system.uuid),
        "title": "Drift",
        "description": "Model drifts.",
        "harm_domain": "safety",
        "likelihood": 3,
        "impact": 3,
        **extra,
    }


def test_the_api_reads_and_writes_links_by_public_id(world, linkables, client_for):
    client = client_for(world.alice)
    url = reverse("api:risk-list", kwargs={"org_slug": "acme"})
    response = client.post(
        url,
        _api_body(
            linkables["system"],
            controls=["iso-42001:A.6.1.2"],
            evidence=[str(linkables["evidence"].uuid)],
            actions=[str(linkables["action"].uuid)],
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["controls"] == ["iso-42001:A.6.1.2"]
    assert body["evidence"] == [str(linkables["evidence"].uuid)]
    assert body["actions"] == [str(linkables["action"].uuid)]
    detail = reverse("api:risk-detail", kwargs={"org_slug": "acme", "uuid": body["id"]})
    assert client.get(detail).json()["controls"] == ["iso-42001:A.6.1.2"]
    changed = client.patch(
        detail,
        {"controls": ["iso-42001:A.6.1.3"], "evidence": []},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{body["row_version"]}"',
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["controls"] == ["iso-42001:A.6.1.3"]
    assert changed.json()["evidence"] == []
    assert changed.json()["row_version"] == body["row_version"] + 1
    stale = client.patch(
        detail,
        {"actions": []},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{body["row_version"]}"',
    )
    assert stale.status_code == 412
    with scopes_disabled():
        assert Risk.objects.get().actions.count() == 1


@pytest.mark.parametrize("field", ["evidence", "actions"])
def test_the_api_refuses_a_foreign_link_naming_the_field_and_saves_nothing(
    world, linkables, client_for, field
):
    foreign = (
        _evidence(world.globex, world.charlie_membership, "Globex secret")
        if field == "evidence"
        else _action(world.globex, world.charlie_membership, "Globex fix")
    )
    client = client_for(world.alice)
    response = client.post(
        reverse("api:risk-list", kwargs={"org_slug": "acme"}),
        _api_body(linkables["system"], **{field: [str(foreign.uuid)]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    with scopes_disabled():
        assert not Risk.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("controls", "iso-42001:Z.9.9"),
        ("controls", "no-such-framework:A.6.1.2"),
        ("evidence", "not-a-uuid"),
        ("actions", "7f0c6c1e-0000-4000-8000-000000000000"),
    ],
)
def test_the_api_refuses_an_unknown_link_naming_the_field(
    world, linkables, client_for, field, value
):
    client = client_for(world.alice)
    response = client.post(
        reverse("api:risk-list", kwargs={"org_slug": "acme"}),
        _api_body(linkables["system"], **{field: [value]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    # A malformed id is named with its position ("evidence.0"), an unknown one as a whole.
    assert field in {k.split(".")[0] for k in response.json()["error"]["fields"]}
    with scopes_disabled():
        assert not Risk.objects.exists()


def test_a_foreign_link_on_edit_changes_nothing(world, linkables, client_for):
    client = client_for(world.alice)
    created = client.post(
        reverse("api:risk-list", kwargs={"org_slug": "acme"}),
        _api_body(linkables["system"], evidence=[str(linkables["evidence"].uuid)]),
        content_type="application/json",
    ).json()
    foreign = _action(world.globex, world.charlie_membership, "Globex fix")
    detail = reverse("api:risk-detail", kwargs={"org_slug": "acme", "uuid": created["id"]})
    response = client.patch(
        detail,
        {"evidence": [], "actions": [str(foreign.uuid)]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "actions" in response.json()["error"]["fields"]
    after = client.get(detail).json()
    assert after["evidence"] == [str(linkables["evidence"].uuid)]
    assert after["row_version"] == created["row_version"]


def test_the_list_and_pages_read_links_in_a_fixed_number_of_queries(
    world, linkables, client_for, django_assert_max_num_queries
):
    from governance.risks import services

    with scopes_disabled():
        for n in range(5):
            services.create_risk(
                organization=world.acme,
                acting=world.alice_membership,
                data={
                    **_api_body(linkables["system"], title=f"Risk {n}"),
                    "system": linkables["system"],
                    "controls": [linkables["control"].pk],
                    "evidence": [linkables["evidence"].pk],
                    "actions": [linkables["action"].pk],
                },
            )
    client = client_for(world.alice)
    url = reverse("api:risk-list", kwargs={"org_slug": "acme"})
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert all(r["controls"] == ["iso-42001:A.6.1.2"] for r in response.json()["results"])
    with scopes_disabled():
        risk = Risk.objects.first()
    for name, most in (("risks:risk-detail", 10), ("risks:risk-edit", 15)):
        with django_assert_max_num_queries(most):
            page = client.get(reverse(name, kwargs={"org_slug": "acme", "risk_uuid": risk.uuid}))
        assert page.status_code == 200


def test_the_form_offers_the_eu_ai_act_items_of_the_systems_assessments(
    world, linkables, client_for
):
    from compliance.assessments import services as assessments
    from governance.classification import services as classification

    system = linkables["system"]
    other = _system(world.acme, world.alice_membership, name="Chatbot")
    screening = {
        "schema": "eu-ai-act-screening/1",
        "role": "provider",
        "is_ai_system": True,
        "eu_nexus": True,
        "established_in_eu": True,
        "annex_iii": ["annex_iii_4_a"],
        "profiling": True,
    }
    with scopes_disabled():
        classification.classify_system(
            system=system, acting=world.alice_membership, screening=screening
        )
        system.refresh_from_db()
        gap = assessments.create_assessment(
            organization=world.acme,
            acting=world.alice_membership,
            framework_slug="eu-ai-act",
            system=system,
        )
        item = gap.responses.filter(requirement__kind="item").first().requirement
    client = client_for(world.alice)
    url = reverse("risks:risk-create", kwargs={"org_slug": "acme"})
    label = f"{item.code} · {item.title}"
    assert label in client.get(url, {"system": str(system.uuid)}).content.decode()
    assert label not in client.get(url, {"system": str(other.uuid)}).content.decode()
    response = client.post(f"{url}?system={system.uuid}", _form(system, controls=[str(item.pk)]))
    assert response.status_code == 302
    with scopes_disabled():
        risk = Risk.objects.get()
    assert _links(risk)[0] == [item.code]
    edit = reverse("risks:risk-edit", kwargs={"org_slug": "acme", "risk_uuid": risk.uuid})
    assert label in client.get(edit).content.decode()
