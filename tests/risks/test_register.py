"""The risk register and incidents through the services, the web and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import services as register_services
from governance.risks import services
from governance.risks.models import Incident, Risk
from governance.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def system(world):
    with scopes_disabled():
        return register_services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "CV screener", "intended_purpose": "Rank job applicants."},
        )


@pytest.fixture
def officer(world, member_of):
    return member_of(world.acme, Role.COMPLIANCE_OFFICER)


def _risk_data(system, **extra):
    return {
        "system": system,
        "title": "Biased ranking",
        "description": "Ranks women lower.",
        "harm_domain": "discrimination",
        "likelihood": 4,
        "impact": 4,
        **extra,
    }


def test_it_computes_inherent_and_residual_levels(world, system):
    with scopes_disabled():
        risk = services.create_risk(
            organization=world.acme,
            acting=world.alice_membership,
            data=_risk_data(system, residual_likelihood=2, residual_impact=2),
        )
    assert (risk.inherent_score, risk.inherent_level) == (16, "high")
    assert (risk.residual_score, risk.residual_level) == (4, "low")


@pytest.mark.parametrize("field", ["likelihood", "impact", "residual_likelihood"])
@pytest.mark.parametrize("value", [0, 6, "x"])
def test_it_refuses_a_value_outside_one_to_five(world, system, field, value):
    with scopes_disabled(), pytest.raises(ValidationError) as caught:
        services.create_risk(
            organization=world.acme,
            acting=world.alice_membership,
            data=_risk_data(system, **{field: value}),
        )
    assert field in caught.value.message_dict
    with scopes_disabled():
        assert not Risk.objects.exists()


def test_accepting_a_high_residual_risk_needs_an_approver_other_than_the_owner(
    world, system, officer
):
    data = _risk_data(system, treatment="accept", owner=world.alice)
    with scopes_disabled():
        with pytest.raises(ValidationError) as caught:
            services.create_risk(organization=world.acme, acting=officer, data=data)
        assert "approver" in caught.value.message_dict["accepted_by"][0]
        with pytest.raises(ValidationError) as caught:
            services.create_risk(
                organization=world.acme,
                acting=officer,
                data={**data, "accepted_by": world.alice},
            )
        assert "other than the risk owner" in caught.value.message_dict["accepted_by"][0]
        assert not Risk.objects.exists()
        risk = services.create_risk(
            organization=world.acme, acting=officer, data={**data, "accepted_by": officer.user}
        )
    assert risk.accepted_by == officer.user and risk.accepted_at is not None


def test_accepting_a_low_residual_risk_needs_no_approver(world, system):
    with scopes_disabled():
        risk = services.create_risk(
            organization=world.acme,
            acting=world.alice_membership,
            data=_risk_data(system, treatment="accept", residual_likelihood=1, residual_impact=3),
        )
    assert risk.treatment == "accept" and risk.accepted_by is None


def test_it_refuses_a_risk_on_another_organisations_system(world):
    with scopes_disabled():
        foreign = register_services.create_system(
            organization=world.globex,
            acting=world.charlie_membership,
            data={"name": "Globex bot", "intended_purpose": "Chat."},
        )
        with pytest.raises(ValidationError) as caught:
            services.create_risk(
                organization=world.acme,
                acting=world.alice_membership,
                data=_risk_data(foreign.uuid),
            )
    assert "system" in caught.value.message_dict


def test_an_update_from_an_old_version_is_refused_and_changes_are_audited(world, system):
    from governance.core.concurrency import StaleWrite

    with scopes_disabled():
        risk = services.create_risk(
            organization=world.acme, acting=world.alice_membership, data=_risk_data(system)
        )
        services.update_risk(
            risk=risk, acting=world.alice_membership, expected_version=1, data={"impact": 2}
        )
        with pytest.raises(StaleWrite):
            services.update_risk(
                risk=risk, acting=world.alice_membership, expected_version=1, data={"impact": 5}
            )
        risk.refresh_from_db()
        assert (risk.impact, risk.row_version) == (2, 2)
        actions = list(
            AuditEvent.objects.filter(object_id=str(risk.uuid)).values_list("action", flat=True)
        )
    assert sorted(actions) == ["risk.created", "risk.updated"]


def test_an_auditor_and_the_board_may_not_write(world, system, member_of):
    board = member_of(world.acme, Role.BOARD)
    for acting in (world.bob_membership, board):
        with scopes_disabled(), pytest.raises(PermissionDenied):
            services.create_risk(organization=world.acme, acting=acting, data=_risk_data(system))


# --- incidents ------------------------------------------------------------------------------


def _incident(system, **extra):
    return {
        "system": system,
        "title": "Wrong rejections",
        "description": "Applicants rejected wholesale.",
        "kind": "other_serious",
        "aware_at": timezone.localdate() - timedelta(days=3),
        **extra,
    }


def test_an_incident_gets_the_earliest_deadline_of_its_kinds(world, system):
    with scopes_disabled():
        incident = services.create_incident(
            organization=world.acme,
            acting=world.alice_membership,
            data=_incident(system, other_kinds=["death"]),
        )
    assert incident.report_due == incident.aware_at + timedelta(days=10)
    assert incident.clock_rule == "Art. 73(4)"


def test_it_refuses_an_awareness_date_in_the_future(world, system):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with scopes_disabled(), pytest.raises(ValidationError) as caught:
        services.create_incident(
            organization=world.acme,
            acting=world.alice_membership,
            data=_incident(system, aware_at=tomorrow),
        )
    assert "future" in caught.value.message_dict["aware_at"][0]
    with scopes_disabled():
        assert not Incident.objects.exists()


def test_changing_the_kind_moves_the_deadline(world, system):
    with scopes_disabled():
        incident = services.create_incident(
            organization=world.acme, acting=world.alice_membership, data=_incident(system)
        )
        updated = services.update_incident(
            incident=incident,
            acting=world.alice_membership,
            expected_version=1,
            data={"kind": "critical_infrastructure"},
        )
    assert updated.report_due == incident.aware_at + timedelta(days=2)


# --- API ------------------------------------------------------------------------------------


def test_the_api_records_an_incident_with_its_deadline(world, system, client_for):
    client = client_for(world.alice)
    aware = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("api:incident-list", kwargs={"org_slug": "acme"}),
        {
            "system": str(system.uuid),
            "title": "Power grid dispatch failure",
            "description": "Load shedding ordered in error.",
            "kind": "critical_infrastructure",
            "aware_at": aware.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["report_due"] == (aware + timedelta(days=2)).isoformat()
    assert body["system"] == str(system.uuid)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="incident.created").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"aware_at": "2999-01-01"}, "aware_at"),
        ({"kind": "bad_weather"}, "kind"),
        ({"system": "00000000-0000-0000-0000-000000000000"}, "system"),
        ({"title": ""}, "title"),
    ],
)
def test_the_api_names_the_bad_field_and_saves_nothing(world, system, client_for, payload, field):
    data = {
        "system": str(system.uuid),
        "title": "T",
        "description": "D",
        "kind": "death",
        "aware_at": timezone.localdate().isoformat(),
        **payload,
    }
    response = client_for(world.alice).post(
        reverse("api:incident-list", kwargs={"org_slug": "acme"}),
        data,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    with scopes_disabled():
        assert not Incident.objects.exists()


def test_the_api_creates_and_edits_a_risk_with_if_match(world, system, client_for):
    client = client_for(world.alice)
    url = reverse("api:risk-list", kwargs={"org_slug": "acme"})
    response = client.post(
        url,
        {
            "system": str(system.uuid),
            "title": "Drift",
            "description": "Model drifts.",
            "harm_domain": "safety",
            "likelihood": 6,
            "impact": 3,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "likelihood" in response.json()["error"]["fields"]
    response = client.post(
        url,
        {
            "system": str(system.uuid),
            "title": "Drift",
            "description": "Model drifts.",
            "harm_domain": "safety",
            "likelihood": 3,
            "impact": 3,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    detail = reverse("api:risk-detail", kwargs={"org_slug": "acme", "uuid": response.json()["id"]})
    ok = client.patch(detail, {"impact": 5}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.json()["inherent_score"] == 15
    stale = client.patch(
        detail, {"impact": 1}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412


def test_the_board_cannot_read_the_register_api(world, system, client_for, member_of):
    board = member_of(world.acme, Role.BOARD)
    response = client_for(board.user).get(reverse("api:risk-list", kwargs={"org_slug": "acme"}))
    assert response.status_code == 403


# --- web ------------------------------------------------------------------------------------


def test_the_web_form_shows_the_field_error_and_saves_nothing(world, system, client_for):
    client = client_for(world.alice)
    response = client.post(
        reverse("risks:risk-create", kwargs={"org_slug": "acme"}),
        {
            "system": str(system.uuid),
            "title": "Drift",
            "description": "Model drifts.",
            "harm_domain": "safety",
            "likelihood": "7",
            "impact": "3",
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "likelihood" in response.context["form"].errors
    with scopes_disabled():
        assert not Risk.objects.exists()


def test_the_web_records_an_incident_and_shows_its_countdown(world, system, client_for):
    client = client_for(world.alice)
    aware = timezone.localdate() - timedelta(days=20)
    response = client.post(
        reverse("risks:incident-create", kwargs={"org_slug": "acme"}),
        {
            "system": str(system.uuid),
            "title": "Late",
            "description": "Found late.",
            "kind": "other_serious",
            "aware_at": aware.isoformat(),
            "status": "open",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Overdue by 5 days" in response.content.decode()


def test_pages_list_and_edit_render(world, system, client_for):
    from tests.risks.isolation_objects import incident_uuid, risk_uuid

    risk, incident = risk_uuid(world), incident_uuid(world)
    client = client_for(world.alice)
    for name, kwargs in [
        ("risks:risk-list", {}),
        ("risks:risk-detail", {"risk_uuid": risk}),
        ("risks:risk-edit", {"risk_uuid": risk}),
        ("risks:incident-list", {}),
        ("risks:incident-detail", {"incident_uuid": incident}),
        ("risks:incident-edit", {"incident_uuid": incident}),
    ]:
        assert client.get(reverse(name, kwargs={"org_slug": "acme", **kwargs})).status_code == 200
