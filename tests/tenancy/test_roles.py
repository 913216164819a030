"""Roles × actions: the permission map, and the pages and API that enforce it."""

import pytest
from django.urls import reverse

from governance.tenancy.roles import READ_ACTIONS, ROLE_ACTIONS, Action, Role, role_can

# The expected matrix, written out by hand from the product brief (not derived from the map).
Y, N = True, False
# fmt: off
MATRIX = {
    #                              owner admin co  contr audit board svc
    "organization.view":          (Y,    Y,    Y,  Y,    Y,    Y,    Y),
    "organization.manage":        (Y,    Y,    N,  N,    N,    N,    N),
    "organization.require_two_factor": (Y, N,  N,  N,    N,    N,    N),
    "members.view":               (Y,    Y,    Y,  Y,    N,    N,    Y),
    "members.manage":             (Y,    Y,    N,  N,    N,    N,    N),
    "members.manage_owners":      (Y,    N,    N,  N,    N,    N,    N),
    "tokens.manage":              (Y,    Y,    N,  N,    N,    N,    N),
    "audit.view":                 (Y,    Y,    N,  N,    N,    N,    N),
    "register.view":              (Y,    Y,    Y,  Y,    N,    N,    Y),
    "register.edit":              (Y,    Y,    Y,  N,    N,    N,    Y),
    "register.edit_own":          (N,    N,    N,  Y,    N,    N,    N),
    "classification.screen":      (Y,    Y,    Y,  Y,    N,    N,    Y),
    "assessments.view":           (Y,    Y,    Y,  Y,    N,    N,    Y),
    "assessments.edit":           (Y,    Y,    Y,  Y,    N,    N,    Y),
    "assessments.review":         (Y,    Y,    Y,  N,    N,    N,    Y),
    "assessments.view_granted":   (N,    N,    N,  N,    Y,    N,    N),
    "dashboards.view":            (Y,    Y,    Y,  N,    N,    Y,    N),
    "risks.view":                 (Y,    Y,    Y,  N,    N,    N,    Y),
    "risks.edit":                 (Y,    Y,    Y,  N,    N,    N,    Y),
    "documents.board_report":     (Y,    Y,    Y,  N,    N,    Y,    N),
    "documents.generate":         (Y,    Y,    Y,  N,    N,    N,    Y),
    "documents.download":         (Y,    Y,    Y,  Y,    Y,    Y,    Y),
    "api.use":                    (Y,    Y,    Y,  Y,    Y,    N,    Y),
}
# fmt: on
ROLES = [
    Role.OWNER,
    Role.ADMIN,
    Role.COMPLIANCE_OFFICER,
    Role.CONTRIBUTOR,
    Role.AUDITOR,
    Role.BOARD,
    Role.SERVICE_ACCOUNT,
]


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(Action.values)


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_map_matches_the_matrix(role, action):
    expected = MATRIX[action][ROLES.index(role)]
    assert role_can(role, action) is expected


def test_an_unknown_role_can_do_nothing():
    assert not any(role_can("janitor", a) for a in Action.values)


def test_read_actions_include_no_write():
    writes = {
        "organization.manage",
        "members.manage",
        "members.manage_owners",
        "tokens.manage",
        "register.edit",
        "register.edit_own",
        "classification.screen",
        "assessments.edit",
        "assessments.review",
        "documents.generate",
        "documents.board_report",
        "risks.edit",
    }
    assert not (READ_ACTIONS & writes)
    assert set(ROLE_ACTIONS) == set(Role.values)


# Pages of the platform and the action each needs.
PAGES = {
    "org-home": Action.VIEW_ORGANIZATION,
    "tenancy:member-list": Action.VIEW_MEMBERS,
    "tenancy:token-list": Action.MANAGE_TOKENS,
    "tenancy:token-create": Action.MANAGE_TOKENS,
    "tenancy:settings": Action.MANAGE_ORGANIZATION,
    "audit:event-list": Action.VIEW_AUDIT,
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != Role.SERVICE_ACCOUNT])
def test_each_role_sees_exactly_the_pages_it_may(world, member_of, client, role):
    member = member_of(world.acme, role)
    client.force_login(member.user)
    for page, action in PAGES.items():
        response = client.get(reverse(page, kwargs={"org_slug": "acme"}))
        expected = 200 if role_can(role, action) else 403
        assert response.status_code == expected, f"{role} → {page}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_api_it_may(world, member_of, client, role):
    member = member_of(world.acme, role)
    client.force_login(member.user)
    checks = {
        reverse("api:member-list", kwargs={"org_slug": "acme"}): Action.VIEW_MEMBERS,
        reverse("api:token-list", kwargs={"org_slug": "acme"}): Action.MANAGE_TOKENS,
        reverse("api:audit-event-list", kwargs={"org_slug": "acme"}): Action.VIEW_AUDIT,
    }
    for url, action in checks.items():
        response = client.get(url)
        expected = 200 if role_can(role, action) else 403
        assert response.status_code == expected, f"{role} → {url}: {response.status_code}"
        if expected == 403:
            assert response.json()["error"]["code"] == "permission_denied"


def test_the_navigation_shows_only_allowed_sections(world, member_of, client):
    board = member_of(world.acme, Role.BOARD)
    client.force_login(board.user)
    labels = [i["label"] for i in client.get("/o/acme/").context["nav_items"]]
    assert "API tokens" not in labels and "Audit trail" not in labels and "Members" not in labels
    client.force_login(world.alice)
    labels = [i["label"] for i in client.get("/o/acme/").context["nav_items"]]
    assert {"Members", "API tokens", "Audit trail", "Settings"} <= set(labels)
