"""The board dashboard's figures: composed from the other apps' selectors, in fixed queries.

Dashboards own no product data. Each function here runs a fixed number of queries whatever
the organisation's size (grouped counts and bounded lists), so the page does too.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count

from compliance.assessments.selectors import overdue_actions
from compliance.evidence.selectors import evidence_of
from governance.classification.selectors import upcoming_dates
from governance.register.models import LifecycleStage, OperatorRole, RiskTier
from governance.register.selectors import portfolio_summary, systems_of
from governance.risks import levels
from governance.risks.selectors import open_incidents, residual_matrix

from . import readiness
from .models import DailySnapshot

LIST_LIMIT = 10
HIGH_RISK_LIMIT = 25
EXPIRY_DAYS = 30
TREND_DAYS = 365


@dataclass
class Dashboard:
    today: date
    portfolio: dict
    by_role: list = field(default_factory=list)
    by_lifecycle: list = field(default_factory=list)
    high_risk: list = field(default_factory=list)
    high_risk_total: int = 0
    frameworks: list = field(default_factory=list)
    matrix: dict = field(default_factory=dict)
    risks_total: int = 0
    high_residual: int = 0
    overdue_actions: list = field(default_factory=list)
    overdue_actions_total: int = 0
    incidents: list = field(default_factory=list)
    incidents_total: int = 0
    expiring: list = field(default_factory=list)
    expiring_total: int = 0
    rescreen: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    system_dates: list = field(default_factory=list)
    next_milestone: dict | None = None
    snapshots: list = field(default_factory=list)


def _grouped(qs, field_name: str, choices) -> list[dict]:
    counts = dict(qs.values_list(field_name).annotate(n=Count("id")).order_by())
    return [
        {"code": code, "label": str(label), "count": counts.get(code, 0)}
        for code, label in choices
        if counts.get(code, 0) or code
    ]


def _high_risk(organization) -> tuple[list, int]:
    qs = systems_of(organization).filter(risk_tier=RiskTier.HIGH_RISK)
    systems = list(qs.order_by("name")[:HIGH_RISK_LIMIT])
    scores = readiness.readiness_of_systems(organization, [s.pk for s in systems])
    for system in systems:
        system.readiness = [
            {"slug": slug, "name": name, "percent": scores.get(system.pk, {}).get(slug)}
            for slug, name in readiness.FRAMEWORKS
        ]
    return systems, qs.count()


def _timeline(organization, today: date) -> tuple[list, list, dict | None]:
    """The law's next dates, and this organisation's systems' own next obligation dates."""
    upcoming = upcoming_dates(today)
    own = list(
        systems_of(organization)
        .filter(next_obligation_date__gte=today)
        .values_list("next_obligation_date")
        .annotate(n=Count("id"))
        .order_by("next_obligation_date")[:LIST_LIMIT]
    )
    system_dates = [{"date": day, "systems": n, "days": (day - today).days} for day, n in own]
    candidates = [(d["date"], d["headline"]) for d in upcoming]
    candidates += [
        (d["date"], f"Obligations start for {d['systems']} of your systems") for d in system_dates
    ]
    nearest = min(candidates, default=None, key=lambda c: c[0])
    milestone = (
        {"date": nearest[0], "headline": nearest[1], "days": (nearest[0] - today).days}
        if nearest
        else None
    )
    return upcoming, system_dates, milestone


def dashboard_for(organization, today: date) -> Dashboard:
    """Return everything the board dashboard shows, for the organisation, as of today."""
    systems = systems_of(organization)
    board = Dashboard(today=today, portfolio=portfolio_summary(organization))
    board.by_role = _grouped(systems, "operator_role", OperatorRole.choices)
    board.by_lifecycle = _grouped(systems, "lifecycle_stage", LifecycleStage.choices)
    board.high_risk, board.high_risk_total = _high_risk(organization)
    board.frameworks = readiness.readiness_by_framework(organization)
    board.matrix = residual_matrix(organization)
    board.risks_total = sum(board.matrix.values())
    board.high_residual = sum(n for (li, im), n in board.matrix.items() if levels.is_high(li, im))
    overdue = overdue_actions(organization).select_related("assessment", "owner")
    board.overdue_actions = list(overdue.order_by("due_date")[:LIST_LIMIT])
    board.overdue_actions_total = overdue.count()
    incidents = open_incidents(organization)
    board.incidents = list(incidents[:LIST_LIMIT])
    for incident in board.incidents:
        incident.left = incident.days_left(today)
    board.incidents_total = incidents.count()
    expiring = evidence_of(organization).filter(
        valid_until__gte=today, valid_until__lte=today + timedelta(days=EXPIRY_DAYS)
    )
    board.expiring = list(expiring.order_by("valid_until")[:LIST_LIMIT])
    board.expiring_total = expiring.count()
    board.rescreen = list(_needs_rescreening(systems)[:LIST_LIMIT])
    board.timeline, board.system_dates, board.next_milestone = _timeline(organization, today)
    board.snapshots = list(
        DailySnapshot.objects.filter(
            organization=organization, day__gt=today - timedelta(days=TREND_DAYS)
        ).order_by("day")
    )
    return board


def _needs_rescreening(systems):
    from django.db.models import F

    return systems.filter(
        classified_at__isnull=False, material_changed_at__gt=F("classified_at")
    ).order_by("name")
