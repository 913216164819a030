"""The organisation's home page: the board dashboard for those who may see it."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from governance.audit.selectors import events_of
from governance.register.selectors import portfolio_summary
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action, Role
from governance.tenancy.selectors import organization_counts_for

from .presentation import board_charts, you_can
from .selectors import dashboard_for


def _stats(membership, portfolio) -> list[tuple]:
    stats = []
    if portfolio is not None:
        tiers = {t["code"]: t["count"] for t in portfolio["tiers"]}
        stats += [
            ("AI systems", portfolio["total"], "in the register"),
            ("High-risk", tiers["high_risk"], "under Art. 6 of the AI Act"),
        ]
    # Counters only for those who may act on them (the API applies the same rule).
    counts = organization_counts_for(membership)
    if "members" in counts:
        stats.append(("Members", counts["members"], "people and service accounts"))
    if "pending_invitations" in counts:
        stats.append(("Pending invitations", counts["pending_invitations"], "not yet accepted"))
    if "active_tokens" in counts:
        stats.append(("Active API tokens", counts["active_tokens"], "for integrations"))
    return stats


@require_action(Action.VIEW_ORGANIZATION)
def organization_home(request, org_slug):
    org, membership = request.organization, request.membership
    today = timezone.localdate()
    board = None
    portfolio = None
    context = {"you_can": you_can(membership), "today": today}
    if membership.can(Action.VIEW_DASHBOARDS):
        board = dashboard_for(org, today)
        portfolio = board.portfolio
        # Officers drill into the risk list; the board sees counts only.
        officer = membership.can(Action.VIEW_RISKS) and membership.role != Role.BOARD
        risk_list = reverse("risks:risk-list", kwargs={"org_slug": org.slug})
        cell_link = (lambda li, im: f"{risk_list}?likelihood={li}&impact={im}") if officer else None
        context.update(
            board=board, charts=board_charts(board, cell_link=cell_link), drill_down=officer
        )
    elif membership.can(Action.VIEW_REGISTER):
        portfolio = portfolio_summary(org)
    context["portfolio"] = portfolio
    context["can_request_board_report"] = membership.can(Action.REQUEST_BOARD_REPORT)
    context["can_view_register"] = membership.can(Action.VIEW_REGISTER)
    context["can_view_risks"] = membership.can(Action.VIEW_RISKS)
    context["can_view_assessments"] = membership.can(Action.VIEW_ASSESSMENTS)
    # The dashboard shows the portfolio itself; the counters row keeps the members' counts.
    stats = _stats(membership, None if board else portfolio)
    context["stats"] = stats[:4]
    context["stats_columns"] = max(2, min(len(stats), 4))
    if membership.can(Action.VIEW_AUDIT):
        context["recent_events"] = list(events_of(org)[:8])
    return render(request, "dashboards/home.html", context)
