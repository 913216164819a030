"""The board dashboard: numbers against hand-computed values, roles, queries, snapshots."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from compliance.assessments.selectors import score_of
from governance.dashboards import charts, tasks
from governance.dashboards.models import DailySnapshot
from governance.dashboards.selectors import dashboard_for
from governance.tenancy.roles import Role
from tests.dashboards.conftest import build_org, score_iso

pytestmark = pytest.mark.django_db


def test_the_dashboard_numbers_match_hand_computed_values(world, known_org):
    systems, assessment = known_org
    today = timezone.localdate()
    with scope(organization=world.acme):
        board = dashboard_for(world.acme, today)
        tiers = {t["code"]: t["count"] for t in board.portfolio["tiers"]}
        assert board.portfolio["total"] == 3 and tiers["high_risk"] == 1 and tiers[""] == 2
        assert {r["code"]: r["count"] for r in board.by_role}["deployer"] == 1
        assert {r["code"]: r["count"] for r in board.by_role}["provider"] == 2
        assert {r["code"]: r["count"] for r in board.by_lifecycle}["in_production"] == 3
        # ISO: yes 1 + yes 1 + partly 0.5 + no 0 over 4 items = 62.5 %; no EU AI Act yet.
        readiness = {f["slug"]: f["percent"] for f in board.frameworks}
        assert readiness == {"iso-42001": 62.5, "eu-ai-act": None}
        assert score_of(assessment).percent == 62.5  # the assessments app's own scoring agrees
        # Risks: #0 residual 2×2, #1 4×2 (no residual), #2 4×2 → cells (2,2)=1 and (4,2)=2.
        assert board.matrix == {(2, 2): 1, (4, 2): 2}
        assert board.risks_total == 3 and board.high_residual == 0
        assert board.incidents_total == 2
        # The death (aware today) is due in 10 days and lists before the 15-day one.
        assert [i.left for i in board.incidents] == [10, 14]
        assert board.overdue_actions_total == 1
        assert [e.title for e in board.expiring] == ["Policy "]
        assert [s.name for s in board.high_risk] == ["System 0"]
        assert board.next_milestone is not None and board.next_milestone["days"] >= 0


def test_a_high_residual_risk_is_counted_as_high(world, shipped_catalogues):
    build_org(world, risks=4)  # risk #3: 4 × 4 = 16, high, no residual assessed
    with scope(organization=world.acme):
        board = dashboard_for(world.acme, timezone.localdate())
    assert board.matrix[(4, 4)] == 1 and board.high_residual == 1


def test_the_page_runs_the_same_queries_at_two_sizes(world, shipped_catalogues, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.alice)
    build_org(world, systems=2, risks=2, incidents=1, tag="a")
    score_iso(world)
    client.get("/o/acme/")  # warm caches (catalogue, timeline)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/o/acme/").status_code == 200
    build_org(world, systems=12, risks=30, incidents=8, tag="b")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/o/acme/").status_code == 200
    assert len(large) == len(small), [q["sql"][:90] for q in large.captured_queries]
    # Pinned: 26 today (session, membership, navigation and the dashboard's grouped reads).
    assert len(small) <= 26, len(small)


def test_the_board_sees_the_dashboard_with_counts_only(world, known_org, client_for, member_of):
    board = member_of(world.acme, Role.BOARD)
    client = client_for(board.user)
    html = client.get("/o/acme/").content.decode()
    assert "Residual risks: likelihood × impact" in html
    assert "?likelihood=" not in html  # heat map cells are not links for the board
    assert "/risks/" not in html and "/register/systems/" not in html
    for name in ("risks:risk-list", "risks:incident-list", "register:system-list"):
        assert client.get(reverse(name, kwargs={"org_slug": "acme"})).status_code == 403
    assert client.get(reverse("api:risk-list", kwargs={"org_slug": "acme"})).status_code == 403


def test_an_officer_can_open_a_heat_map_cell_as_a_filtered_list(world, known_org, client_for):
    client = client_for(world.alice)
    html = client.get("/o/acme/").content.decode()
    assert "/o/acme/risks/?likelihood=4&amp;impact=2" in html
    page = client.get("/o/acme/risks/?likelihood=4&impact=2")
    assert [r.title for r in page.context["risks"]] == ["Risk 1", "Risk 2"]


def test_a_contributor_gets_no_dashboard(world, client_for, member_of):
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    response = client_for(contributor.user).get("/o/acme/")
    assert response.status_code == 200 and "board" not in response.context


def test_the_snapshot_task_takes_one_snapshot_per_organisation_per_day(world, known_org):
    assert tasks.take_daily_snapshots() == 2  # acme and globex
    assert tasks.take_daily_snapshots() == 0
    with scope(organization=world.acme):
        snap = DailySnapshot.objects.get(organization=world.acme)
    assert snap.day == timezone.localdate()
    assert snap.data["readiness"]["iso-42001"] == 62.5
    assert snap.data["total"] == 3 and snap.data["open_incidents"] == 2


def test_the_trend_reads_the_last_year_of_snapshots(world, known_org, client_for):
    today = timezone.localdate()
    with scope(organization=world.acme):
        for days in (400, 200, 1):
            DailySnapshot.objects.create(
                organization=world.acme,
                day=today - timedelta(days=days),
                data={"readiness": {"iso-42001": 50.0}, "total": days},
            )
        board = dashboard_for(world.acme, today)
    assert [s.data["total"] for s in board.snapshots] == [200, 1]


def test_charts_carry_a_title_a_description_and_escape_labels():
    chart = charts.bar_chart("c", "Tiers <b>", [("<script>", 3), ("Minimal", None)])
    assert '<title id="c-t">Tiers &lt;b&gt;</title>' in chart.svg
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
    assert chart.rows == [["<script>", "3"], ["Minimal", "no data"]]
    heat = charts.heat_map("h", "Heat", {(5, 1): 2}, band_of=lambda li, im: "low")
    assert heat.rows[0] == ["Likelihood 5", 2, 0, 0, 0, 0]
    assert "<a " not in heat.svg
    line = charts.line_chart("l", "Trend", ["2026-01-01", "2026-01-02"], [("A", [1.0, None])])
    assert "polyline" in line.svg and line.rows[-1] == ["2026-01-02", "no data"]
