"""The board report: the board dashboard's content on paper, with the same SVG charts."""

from django.utils import timezone
from django.utils.text import slugify

from compliance.documents.pdf import render_pdf
from compliance.documents.renderers.common import Built, data_version, header


def board_data(board) -> dict:
    """Return the plain data a board report shows (hashed into its data version)."""
    return {
        "as_of": board.today,
        "total": board.portfolio["total"],
        "tiers": [(t["label"], t["count"]) for t in board.portfolio["tiers"]],
        "by_role": [(r["label"], r["count"]) for r in board.by_role],
        "by_lifecycle": [(r["label"], r["count"]) for r in board.by_lifecycle],
        "readiness": [(f["name"], f["percent"]) for f in board.frameworks],
        "high_risk": [
            (s.name, [(r["name"], r["percent"]) for r in s.readiness]) for s in board.high_risk
        ],
        "high_risk_total": board.high_risk_total,
        "matrix": sorted((f"{li}x{im}", n) for (li, im), n in board.matrix.items()),
        "risks_total": board.risks_total,
        "high_residual": board.high_residual,
        "incidents": [(i.title, i.system.name, i.report_due, i.reported) for i in board.incidents],
        "incidents_total": board.incidents_total,
        "overdue_actions": [(a.title, a.due_date) for a in board.overdue_actions],
        "overdue_actions_total": board.overdue_actions_total,
        "expiring": [(e.title, e.valid_until) for e in board.expiring],
        "expiring_total": board.expiring_total,
        "rescreen": [s.name for s in board.rescreen],
        "timeline": [(d["date"], d["headline"]) for d in board.timeline],
        "system_dates": [(d["date"], d["systems"]) for d in board.system_dates],
        "snapshots": len(board.snapshots),
    }


def build_board_report(document) -> Built:
    # Documents may read across the product apps; the figures come from the dashboard itself.
    from governance.dashboards.presentation import board_charts
    from governance.dashboards.selectors import dashboard_for

    organization = document.organization
    board = dashboard_for(organization, timezone.localdate())
    data = board_data(board)
    context = {
        **header(document, title=f"Board report: {organization.name}"),
        "board": board,
        "charts": board_charts(board),
        "data_version": data_version(data),
    }
    pdf = render_pdf("documents/pdf/board_report.html", context)
    name = f"board-report-{slugify(organization.name)[:40] or 'organisation'}-{board.today}.pdf"
    return Built(pdf, name, "application/pdf", data)
