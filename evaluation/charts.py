"""Server-rendered SVG bar charts: readable in black and white, with every value written on."""

from decimal import Decimal

from django.utils.html import escape

WIDTH = 420
BAR_GAP = 6
LABEL_WIDTH = 150
ROW_HEIGHT = 26
FILLS = ["#1d2b36", "url(#hatch)"]  # dark bars, then hatched: distinct without colour


def _number(value):
    if value in (None, "", "*"):
        return 0
    return float(Decimal(str(value)))


def bar_chart(title, rows, series_labels=None):
    """A horizontal bar chart. rows: [(label, [value, ...]), ...]; one value per series."""
    series_count = max((len(values) for _, values in rows), default=1)
    peak = max((_number(v) for _, values in rows for v in values), default=0) or 1
    group_height = series_count * (ROW_HEIGHT - BAR_GAP) + BAR_GAP * 2
    legend_height = 22 if series_labels and series_count > 1 else 0
    height = legend_height + group_height * len(rows) + 10
    plot_width = WIDTH - LABEL_WIDTH - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-{id(rows)}" class="report-chart">',
        f'<title id="chart-{id(rows)}">{escape(title)}</title>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d2b36" stroke-width="3"/></pattern></defs>',
    ]
    if legend_height:
        x = LABEL_WIDTH
        for index, label in enumerate(series_labels):
            parts.append(
                f'<rect x="{x}" y="4" width="14" height="14" fill="{FILLS[index % 2]}" '
                f'stroke="#1d2b36"/><text x="{x + 20}" y="16" font-size="12">{escape(label)}</text>'
            )
            x += 30 + 8 * len(label)
    y = legend_height
    for label, values in rows:
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + group_height / 2 + 4}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        bar_y = y + BAR_GAP
        for index, value in enumerate(values):
            bar_width = max(plot_width * _number(value) / peak, 0)
            bar_height = ROW_HEIGHT - BAR_GAP * 2
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{bar_width:.1f}" '
                f'height="{bar_height}" fill="{FILLS[index % 2]}" stroke="#1d2b36"/>'
                f'<text x="{LABEL_WIDTH + bar_width + 4:.1f}" y="{bar_y + bar_height - 4}" '
                f'font-size="12">{escape("" if value is None else value)}</text>'
            )
            bar_y += ROW_HEIGHT - BAR_GAP
        y += group_height
    parts.append("</svg>")
    return "".join(parts)
