"""The side navigation follows the role: a board member sees the dashboard and reports only."""

from django.urls import reverse

from governance.tenancy.roles import Role


def _labels(client, user):
    client.force_login(user)
    response = client.get(reverse("org-home", kwargs={"org_slug": "acme"}))
    return [item["label"] for item in response.context["nav_items"]]


def test_a_board_member_sees_the_dashboard_and_documents_only(world, client, member_of):
    board = member_of(world.acme, Role.BOARD)
    assert _labels(client, board.user) == ["Home", "Documents"]


def test_an_auditor_sees_assessments_and_documents_but_not_the_register(world, client):
    labels = _labels(client, world.bob)
    assert "Assessments" in labels and "Documents" in labels
    assert "AI systems" not in labels and "Risk register" not in labels


def test_an_officer_sees_every_product_section(world, client, member_of):
    officer = member_of(world.acme, Role.COMPLIANCE_OFFICER)
    labels = _labels(client, officer.user)
    for label in ("AI systems", "Assessments", "Evidence", "Documents", "Risk register"):
        assert label in labels
