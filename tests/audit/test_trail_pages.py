"""The audit trail reads as plain language: changes as field → before → after, service names."""

from django.urls import reverse
from django_scopes import scope, scopes_disabled

from governance.audit.labels import change_rows, display_value
from governance.audit.models import AuditEvent
from governance.register import services as register
from governance.tenancy import services as tenancy
from governance.tenancy.models import ApiToken, Membership
from tests.factories import make_system


def _detail(client, event):
    url = reverse("audit:event-detail", kwargs={"org_slug": "acme", "event_uuid": event.uuid})
    return client.get(url).content.decode()


def test_an_edit_shows_each_field_with_its_label_before_and_after(world, client):
    system = make_system(world, "CV screener", lifecycle_stage="testing")
    with scope(organization=world.acme):
        register.update_system(
            system=system,
            acting=world.alice_membership,
            data={"lifecycle_stage": "in_production", "description": "Ranks CVs"},
        )
        event = AuditEvent.objects.filter(action="system.updated").get()
    client.force_login(world.alice)
    html = _detail(client, event)
    assert "{&#x27;" not in html and "[&#x27;" not in html  # no raw Python dict or list
    assert '<th scope="row">Lifecycle stage</th>' in html
    rows = {r["label"]: r for r in change_rows(event.object_type, event.changes)}
    assert rows["Lifecycle stage"]["before"] == "Testing / pilot"
    assert rows["Lifecycle stage"]["after"] == "In production"
    assert rows["Description"]["after"] == "Ranks CVs" and rows["Description"]["pair"]


def test_a_recorded_value_is_shown_as_after_and_a_tag_list_is_not_a_pair():
    rows = change_rows("register.aisystem", {"name": "Bot", "tags": ["hr", "web"]})
    assert rows[0] == {"label": "Name", "before": "", "after": "Bot", "pair": False}
    assert rows[1]["after"] == "hr, web" and not rows[1]["pair"]
    assert display_value("2026-11-30") == "30 Nov 2026"
    assert display_value(None) == "—" and display_value(True) == "Yes"


def test_a_service_account_is_named_by_its_service_not_a_pseudo_email(world, client):
    with scopes_disabled():
        tenancy.issue_api_token(
            organization=world.acme,
            name="Nightly sync",
            scope=ApiToken.Scope.READ_WRITE,
            acting=world.alice_membership,
            service_account="MLflow sync",
        )
        service = Membership.objects.get(organization=world.acme, user__is_service_account=True)
    make_system(world, "Fraud model", acting=service)
    client.force_login(world.alice)
    page = client.get(reverse("audit:event-list", kwargs={"org_slug": "acme"})).content.decode()
    assert "MLflow sync (service account)" in page
    assert "service-accounts.annex.invalid" not in page
    with scopes_disabled():
        event = AuditEvent.objects.filter(action="system.created").get()
    assert "MLflow sync (service account)" in _detail(client, event)
    api = client.get(reverse("api:audit-event-list", kwargs={"org_slug": "acme"})).json()
    actors = {row["actor"] for row in api["results"]}
    assert "MLflow sync (service account)" in actors
    assert not any("service-accounts.annex.invalid" in a for a in actors)


def test_a_classification_shows_the_tier_by_its_name():
    rows = change_rows("register.aisystem", {"tier": [None, "high_risk"], "version": 2})
    assert rows[0]["label"] == "Risk tier" and rows[0]["before"] == "—"
    assert rows[0]["after"] == "High-risk" and rows[1] == {
        "label": "Version", "before": "", "after": "2", "pair": False
    }  # fmt: skip
