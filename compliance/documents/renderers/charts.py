"""Charts drawn as SVG on the server: the same markup serves the page and the PDF."""

from django.utils.html import escape


def score_bars(rows: list[tuple[str, str, float | None]], *, title: str, width: int = 640) -> str:
    """Return a horizontal bar chart of scores (0-100 %), one bar per group, with a title."""
    bar_h, gap, label_w = 14, 6, 210
    height = len(rows) * (bar_h + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    scale = (width - label_w - 50) / 100
    for i, (key, label, percent) in enumerate(rows):
        y = 10 + i * (bar_h + gap)
        text = f"{key} {label}"[:38]
        parts.append(f'<text x="0" y="{y + 11}" font-size="9" fill="#374151">{escape(text)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{100 * scale:.1f}" height="{bar_h}" '
            f'fill="#e5e7eb"/>'
        )
        if percent is not None:
            colour = "#16a34a" if percent >= 80 else "#d97706" if percent >= 50 else "#dc2626"
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{percent * scale:.1f}" height="{bar_h}" '
                f'fill="{colour}"/>'
            )
        shown = "n/a" if percent is None else f"{percent:.0f} %"
        parts.append(
            f'<text x="{label_w + 100 * scale + 6:.1f}" y="{y + 11}" font-size="9" '
            f'fill="#111827">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
