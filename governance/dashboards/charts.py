"""Charts drawn on the server as SVG strings: the same chart serves the page and the PDF.

Pure functions, plain data in: each returns a Chart with the SVG (a title and a description
for screen readers, text labels on the chart) and the rows of a table alternative. No script,
no external service. Every text put into the SVG is escaped here.
"""

from dataclasses import dataclass, field
from html import escape

PALETTE = ("#1d4ed8", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#475569")
# Heat map colours by risk band (low, medium, high, critical), as the risk levels.
BAND_COLOURS = {"low": "#dcfce7", "medium": "#fef9c3", "high": "#fed7aa", "critical": "#fecaca"}
FONT = 'font-family="system-ui, sans-serif"'


@dataclass
class Chart:
    id: str
    title: str
    svg: str
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="chart" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
    )


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float]], *, unit="") -> Chart:
    """Horizontal bars, one per (label, value); values of None are drawn as "no data"."""
    width, row, label_w = 480, 28, 170
    height = max(row * len(items) + 8, 40)
    top = max((v for _, v in items if v is not None), default=0) or 1
    if unit == "%":
        top = 100
    desc = "; ".join(f"{label}: {_fmt(v, unit)}" for label, v in items) or "No data."
    parts = [_open(chart_id, title, desc, width, height)]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="13" {FONT} fill="#1f2937">'
            f"{escape(_short(label, 24))}</text>"
        )
        bar_w = 0 if value is None else round((width - label_w - 60) * value / top, 1)
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row - 10}" '
            f'rx="3" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 18}" font-size="13" {FONT} '
            f'fill="#1f2937">{escape(_fmt(value, unit))}</text>'
        )
    parts.append("</svg>")
    return Chart(
        chart_id,
        title,
        "".join(parts),
        ["", "Value"],
        [[label, _fmt(v, unit)] for label, v in items],
    )


def heat_map(
    chart_id: str,
    title: str,
    cells: dict[tuple[int, int], int],
    *,
    band_of,
    link_of=None,
) -> Chart:
    """A 5×5 matrix: likelihood up the side (5 on top), impact along the bottom.

    `band_of(likelihood, impact)` names the colour band; `link_of(likelihood, impact)`, when
    given, makes each non-empty cell a link (the risk list filtered to that cell).
    """
    size, left, bottom = 64, 44, 40
    width, height = left + 5 * size + 8, 5 * size + bottom + 8
    total = sum(cells.values())
    desc = f"{total} risks by residual likelihood and impact. " + "; ".join(
        f"likelihood {li}, impact {im}: {n}" for (li, im), n in sorted(cells.items()) if n
    )
    parts = [_open(chart_id, title, desc, width, height)]
    for likelihood in range(5, 0, -1):
        y = 4 + (5 - likelihood) * size
        parts.append(
            f'<text x="{left - 10}" y="{y + size / 2 + 5}" font-size="12" text-anchor="end" '
            f'{FONT} fill="#475569">{likelihood}</text>'
        )
        for impact in range(1, 6):
            x = left + (impact - 1) * size
            n = cells.get((likelihood, impact), 0)
            fill = BAND_COLOURS.get(band_of(likelihood, impact), "#f1f5f9")
            cell = (
                f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" fill="{fill}" '
                f'stroke="#ffffff"/><text x="{x + size / 2 - 1}" y="{y + size / 2 + 6}" '
                f'font-size="{18 if n else 13}" text-anchor="middle" {FONT} '
                f'fill="{"#111827" if n else "#94a3b8"}" font-weight="{700 if n else 400}">'
                f"{n}</text>"
            )
            if link_of is not None and n:
                href = escape(link_of(likelihood, impact), quote=True)
                label = f"{n} risks at likelihood {likelihood}, impact {impact}"
                cell = f'<a href="{href}" aria-label="{escape(label)}">{cell}</a>'
            parts.append(cell)
    for impact in range(1, 6):
        x = left + (impact - 1) * size + size / 2
        parts.append(
            f'<text x="{x}" y="{5 * size + 20}" font-size="12" text-anchor="middle" {FONT} '
            f'fill="#475569">{impact}</text>'
        )
    parts.append(
        f'<text x="{left + 5 * size / 2}" y="{5 * size + 36}" font-size="12" '
        f'text-anchor="middle" {FONT} fill="#475569">Impact →</text>'
    )
    parts.append(
        f'<text x="12" y="{5 * size / 2}" font-size="12" text-anchor="middle" {FONT} '
        f'fill="#475569" transform="rotate(-90 12 {5 * size / 2})">Likelihood →</text>'
    )
    parts.append("</svg>")
    rows = [
        [f"Likelihood {li}"] + [cells.get((li, im), 0) for im in range(1, 6)]
        for li in range(5, 0, -1)
    ]
    headers = [""] + [f"Impact {im}" for im in range(1, 6)]
    return Chart(chart_id, title, "".join(parts), headers, rows)


def line_chart(
    chart_id: str,
    title: str,
    days: list,
    series: list[tuple[str, list[float | None]]],
    *,
    unit="",
    table_every: int = 30,
) -> Chart:
    """Lines over days (the trend); `series` is [(name, values aligned with days)]."""
    width, height, left, bottom, top_pad = 560, 220, 40, 44, 10
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    values = [v for _, vs in series for v in vs if v is not None]
    top = 100 if unit == "%" else max(values, default=0) or 1
    n = max(len(days) - 1, 1)
    desc = (
        f"{title} from {days[0]} to {days[-1]}. "
        + "; ".join(f"{name}: {_fmt(_last(vs), unit)} now" for name, vs in series)
        if days
        else "No snapshots yet."
    )
    parts = [_open(chart_id, title, desc, width, height)]
    for tick in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - tick)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y}" y2="{y}" stroke="#e2e8f0"/>'
            f'<text x="{left - 6}" y="{y + 4}" font-size="11" text-anchor="end" {FONT} '
            f'fill="#475569">{escape(_fmt(round(top * tick, 1), unit))}</text>'
        )
    for i, (name, vs) in enumerate(series):
        points = [
            f"{left + plot_w * j / n:.1f},{top_pad + plot_h * (1 - v / top):.1f}"
            for j, v in enumerate(vs)
            if v is not None
        ]
        colour = PALETTE[i % len(PALETTE)]
        if points:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
        parts.append(
            f'<rect x="{left + i * 170}" y="{height - 16}" width="10" height="10" '
            f'fill="{colour}"/><text x="{left + i * 170 + 14}" y="{height - 7}" '
            f'font-size="12" {FONT} fill="#1f2937">{escape(name)}</text>'
        )
    if days:
        for j in (0, len(days) - 1):
            x = left + plot_w * j / n
            parts.append(
                f'<text x="{x}" y="{height - bottom + 18}" font-size="11" {FONT} '
                f'text-anchor="{"start" if j == 0 else "end"}" fill="#475569">'
                f"{escape(str(days[j]))}</text>"
            )
    parts.append("</svg>")
    picked = list(range(0, len(days), table_every))
    if days and picked[-1] != len(days) - 1:
        picked.append(len(days) - 1)
    rows = [[str(days[j])] + [_fmt(vs[j], unit) for _, vs in series] for j in picked]
    return Chart(chart_id, title, "".join(parts), ["Day"] + [n for n, _ in series], rows)


def _last(values):
    return next((v for v in reversed(values) if v is not None), None)


def _fmt(value, unit: str) -> str:
    if value is None:
        return "no data"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{unit}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
