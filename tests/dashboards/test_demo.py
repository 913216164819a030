"""The demo dashboard: every chart has data, a year of trend; running it again adds nothing."""

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from governance.dashboards.models import DailySnapshot
from governance.dashboards.selectors import dashboard_for
from governance.risks.models import Incident, Risk


@pytest.fixture
def demo(db):
    from governance.core.demo import build_demo

    return build_demo().organizations[0]


def test_the_demo_fills_every_chart_and_a_year_of_trend(demo, client):
    from governance.accounts.models import User

    with scope(organization=demo):
        board = dashboard_for(demo, timezone.localdate())
        assert board.portfolio["total"] > 0 and board.high_risk_total > 0
        assert any(f["percent"] is not None for f in board.frameworks)
        assert board.risks_total == 13 and len(board.matrix) >= 8 and board.high_residual > 0
        assert board.incidents_total == 4  # one closed
        assert len(board.snapshots) == 365
        assert board.by_role and board.by_lifecycle
    with scopes_disabled():
        board_user = User.objects.get(email="board@northwind.example")
    client.force_login(board_user)
    response = client.get("/o/northwind/")
    assert response.status_code == 200 and "Readiness over the last year" in response.text


def test_running_the_demo_again_adds_nothing(demo):
    from governance.core.demo import build_demo

    build_demo()
    with scopes_disabled():
        assert Risk.objects.filter(organization=demo).count() == 13
        assert Incident.objects.filter(organization=demo).count() == 5
        assert DailySnapshot.objects.filter(organization=demo).count() == 365
