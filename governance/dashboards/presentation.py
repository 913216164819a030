"""What the home page shows: the charts of a Dashboard, and each role's "you can" list."""

from django.urls import reverse
from django.utils.safestring import mark_safe

from governance.risks import levels
from governance.tenancy.roles import Action

from . import charts
from .selectors import Dashboard

# Things a member can do today, each with the page that does it (only what exists).
YOU_CAN = [
    (Action.VIEW_DASHBOARDS, "Read the board dashboard on this page", None),
    (Action.REQUEST_BOARD_REPORT, "Request the board report as a PDF", "documents:document-list"),
    (Action.VIEW_REGISTER, "Browse the AI system register", "register:system-list"),
    (
        Action.EDIT_REGISTER,
        "Add, import and edit any AI system, model or vendor",
        "register:system-create",
    ),
    (Action.EDIT_OWN_SYSTEMS, "Edit the AI systems you own", "register:system-list"),
    (Action.SCREEN_SYSTEMS, "Screen AI systems against the EU AI Act", "register:system-list"),
    (Action.VIEW_ASSESSMENTS, "Read the gap analyses", "assessments:list"),
    (
        Action.EDIT_ASSESSMENTS,
        "Answer gap analyses, attach evidence and plan actions",
        "assessments:list",
    ),
    (Action.REVIEW_ASSESSMENTS, "Approve and lock gap analyses", "assessments:list"),
    (Action.VIEW_GRANTED_ASSESSMENTS, "Read the assessments you were granted", "assessments:list"),
    (Action.VIEW_RISKS, "Read the AI risk register and serious incidents", "risks:risk-list"),
    (Action.EDIT_RISKS, "Record risks and serious incidents", "risks:incident-create"),
    (Action.GENERATE_DOCUMENTS, "Generate documents and evidence packs", "documents:document-list"),
    (Action.DOWNLOAD_DOCUMENTS, "Download the documents made for you", "documents:document-list"),
    (Action.VIEW_MEMBERS, "See who is a member", "tenancy:member-list"),
    (Action.MANAGE_MEMBERS, "Invite members and change their roles", "tenancy:member-list"),
    (Action.MANAGE_TOKENS, "Issue API tokens for integrations", "tenancy:token-list"),
    (Action.VIEW_AUDIT, "Read the audit trail", "audit:event-list"),
    (Action.MANAGE_ORGANIZATION, "Change the organisation's settings", "tenancy:settings"),
    (Action.USE_API, "Use the REST API", "api-docs"),
]


def you_can(membership) -> list[dict]:
    slug = membership.organization.slug
    out = []
    for action, text, url_name in YOU_CAN:
        if not membership.can(action):
            continue
        url = None
        if url_name == "api-docs":
            url = reverse(url_name)
        elif url_name:
            url = reverse(url_name, kwargs={"org_slug": slug})
        out.append({"text": text, "url": url})
    return out


def _safe(chart: charts.Chart) -> charts.Chart:
    # The chart module escapes every text it writes into the SVG.
    chart.svg = mark_safe(chart.svg)  # noqa: S308
    return chart


def board_charts(board: Dashboard, *, cell_link=None) -> dict[str, charts.Chart]:
    """Return the dashboard's charts; `cell_link(l, i)` makes heat-map cells links."""
    tiers = [(t["label"], t["count"]) for t in board.portfolio["tiers"]]
    days = [s.day.isoformat() for s in board.snapshots]
    out = {
        "tiers": charts.bar_chart("chart-tiers", "AI systems by EU AI Act risk tier", tiers),
        "readiness": charts.bar_chart(
            "chart-readiness",
            "Readiness per framework",
            [(f["name"], f["percent"]) for f in board.frameworks],
            unit="%",
        ),
        "roles": charts.bar_chart(
            "chart-roles",
            "AI systems by the organisation's role",
            [(r["label"], r["count"]) for r in board.by_role],
        ),
        "lifecycle": charts.bar_chart(
            "chart-lifecycle",
            "AI systems by lifecycle stage",
            [(r["label"], r["count"]) for r in board.by_lifecycle],
        ),
        "heat": charts.heat_map(
            "chart-heat",
            "Residual risks: likelihood × impact",
            board.matrix,
            band_of=levels.level,
            link_of=cell_link,
        ),
        "trend_readiness": charts.line_chart(
            "chart-trend-readiness",
            "Readiness over the last year",
            days,
            [
                (
                    "EU AI Act",
                    [s.data.get("readiness", {}).get("eu-ai-act") for s in board.snapshots],
                ),
                (
                    "ISO/IEC 42001",
                    [s.data.get("readiness", {}).get("iso-42001") for s in board.snapshots],
                ),
            ],
            unit="%",
        ),
        "trend_portfolio": charts.line_chart(
            "chart-trend-portfolio",
            "Portfolio over the last year",
            days,
            [
                ("All systems", [s.data.get("total") for s in board.snapshots]),
                ("High-risk", [s.data.get("tiers", {}).get("high_risk") for s in board.snapshots]),
                (
                    "High residual risks",
                    [s.data.get("high_residual_risks") for s in board.snapshots],
                ),
            ],
        ),
    }
    return {name: _safe(chart) for name, chart in out.items()}
