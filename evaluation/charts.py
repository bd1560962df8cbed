"""Server-rendered SVG charts: each with a visible title, axis labels, a <title> and <desc> for
screen readers, and readable in black and white (values written on the bars; special cause
points drawn as shapes, not only colours). Colours are those of NHS England's "Making Data
Count": grey for common cause, blue for improvement, orange for concern, purple where neither
direction is better. Only presentation attributes, no inline styles (the site's CSP)."""

import itertools
import math
from decimal import Decimal

from django.utils.html import escape

from cc4c import formatting, stats

INK = "#1d2b36"
GREY = "#a6a6a6"
COLOURS = {
    stats.COMMON: GREY,
    stats.IMPROVEMENT: "#00b0f0",
    stats.CONCERN: "#e46c0a",
    stats.NEITHER: "#490092",
}
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
_ids = itertools.count(1)


def _number(value):
    if value in (None, "", "*"):
        return 0
    return float(Decimal(str(value)))


def _shown(value):
    return "–" if value in (None, "") else str(value)


def _open(width, height, title, description, css_class):
    n = next(_ids)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="chart-{n}-title chart-{n}-desc" class="{css_class}" {FONT}>',
        f'<title id="chart-{n}-title">{escape(title)}</title>',
        f'<desc id="chart-{n}-desc">{escape(description)}</desc>',
        f'<text x="0" y="14" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]


def bar_chart(title, rows, series_labels=None, *, axis_label="", description=""):
    """A horizontal bar chart. rows: [(label, [value, ...]), ...]; one value per series."""
    row_height, gap, top = 24, 5, 24
    # Room for the longest label at 12px (about 6.8px a character), and 300px of bars.
    label_width = min(360, max(90, 14 + 7 * max((len(label) for label, _ in rows), default=0)))
    width = label_width + 300
    series_count = max((len(values) for _, values in rows), default=1)
    peak = max((_number(v) for _, values in rows for v in values), default=0) or 1
    group_height = series_count * (row_height - gap) + gap * 2
    legend_height = 22 if series_labels and series_count > 1 else 0
    height = top + legend_height + group_height * len(rows) + (30 if axis_label else 10)
    plot_width = width - label_width - 60
    description = description or "; ".join(
        f"{label}: "
        + ", ".join(
            f"{series_labels[i] + ' ' if series_labels else ''}{_shown(v)}"
            for i, v in enumerate(values)
        )
        for label, values in rows
    )
    parts = _open(width, height, title, description, "report-chart")
    hatch = f"hatch-{next(_ids)}"
    fills = [INK, f"url(#{hatch})"]
    parts.append(
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="3"/></pattern></defs>'
    )
    if legend_height:
        x = label_width
        for index, label in enumerate(series_labels):
            parts.append(
                f'<rect x="{x}" y="{top + 2}" width="14" height="14" fill="{fills[index % 2]}" '
                f'stroke="{INK}"/><text x="{x + 20}" y="{top + 14}" font-size="12">'
                f"{escape(label)}</text>"
            )
            x += 30 + 8 * len(label)
    y = top + legend_height
    for label, values in rows:
        parts.append(
            f'<text x="{label_width - 8}" y="{y + group_height / 2 + 4}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        bar_y = y + gap
        for index, value in enumerate(values):
            bar_width = max(plot_width * _number(value) / peak, 0)
            bar_height = row_height - gap * 2
            parts.append(
                f'<rect x="{label_width}" y="{bar_y}" width="{bar_width:.1f}" '
                f'height="{bar_height}" fill="{fills[index % 2]}" stroke="{INK}"/>'
                f'<text x="{label_width + bar_width + 4:.1f}" y="{bar_y + bar_height - 3}" '
                f'font-size="12">{escape(_shown(value))}</text>'
            )
            bar_y += row_height - gap
        y += group_height
    if axis_label:
        parts.append(
            f'<text x="{label_width + plot_width / 2}" y="{y + 20}" font-size="11" '
            f'text-anchor="middle">{escape(axis_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _ticks(low, high, count=5):
    """Round numbers spanning [low, high] for an axis."""
    if high <= low:
        high = low + 1
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [round(math.floor(low / step) * step, 10)]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_label(value):
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _marker(x, y, variation):
    colour = COLOURS[variation]
    if variation == stats.CONCERN:
        return (
            f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y:.1f} L{x:.1f} {y + 6:.1f} '
            f'L{x - 6:.1f} {y:.1f} Z" fill="{colour}" stroke="{INK}" stroke-width="1"/>'
        )
    if variation == stats.NEITHER:
        return (
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
    if variation == stats.IMPROVEMENT:
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}" stroke="{INK}" '
            'stroke-width="1"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def spc_chart(chart):
    """An XmR chart (evaluation.spc.Chart) as SVG: the monthly points joined by a line, the
    mean, and the process limits (dashed); a run chart shows its median and no limits."""
    width, height = 560, 260
    left, right, top, bottom = 64, 16, 30, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in chart.points if p.value is not None]
    # A limit beyond what the measure can be (below 0, above 100%) is drawn at that bound.
    upper = None if chart.upper is None else min(chart.upper, chart.ceiling or math.inf)
    lower = None if chart.lower is None else max(chart.lower, 0)
    lines = [v for v in (chart.centre, upper, lower) if v is not None]
    low = min(values + lines + [0])
    high = max(values + lines, default=1)
    ticks = _ticks(low, high)
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    count = len(chart.points)

    def x_of(index):
        return left + (plot_w * (index + 0.5) / count if count else plot_w / 2)

    def y_of(value):
        return top + plot_h - plot_h * (value - low) / span

    parts = _open(width, height, chart.title, chart.description(), "report-chart spc-chart")
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e8edee"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{_tick_label(tick)}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{INK}"/>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{INK}"/>'
    )
    every = max(1, math.ceil(count / 8))
    for index, point in enumerate(chart.points):
        if index % every:
            continue
        x = x_of(index)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="{INK}"/><text x="{x:.1f}" y="{top + plot_h + 16}" font-size="10" '
            f'text-anchor="middle">{formatting.month(point.month)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 8}" font-size="11" text-anchor="middle">'
        "Month</text>"
        f'<text x="14" y="{top + plot_h / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2})">{escape(chart.y_label)}</text>'
    )
    for value, label, dash in (
        (upper, "Upper process limit", "6 4"),
        (lower, "Lower process limit", "6 4"),
        (chart.centre, "Mean" if chart.limits else "Median", ""),
    ):
        if value is None:
            continue
        y = y_of(value)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{INK}" '
            f'stroke-width="{1.5 if not dash else 1}"{dashes}><title>{label}: '
            f"{_tick_label(value)}</title></line>"
        )
    path = []
    for index, point in enumerate(chart.points):
        if point.value is None:
            path.append(None)
            continue
        path.append(f"{x_of(index):.1f},{y_of(point.value):.1f}")
    for segment in _segments(path):
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{GREY}" '
                'stroke-width="1.5"/>'
            )
    for index, point in enumerate(chart.points):
        if point.value is not None:
            parts.append(_marker(x_of(index), y_of(point.value), point.variation))
    parts.append("</svg>")
    return "".join(parts)


def _segments(path):
    segment = []
    for item in path:
        if item is None:
            if segment:
                yield segment
            segment = []
        else:
            segment.append(item)
    if segment:
        yield segment


def variation_icon(variation, direction, label):
    """The Making Data Count variation icon: a ring in the variation's colour, a letter H or L
    for a special cause high or low, a flat line of dots for common cause."""
    colour = COLOURS.get(variation, GREY)
    parts = [
        # Always beside its verdict in words, so hidden from screen readers (said once).
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="32" height="32" '
        f'aria-hidden="true" focusable="false" class="spc-icon" {FONT}>'
        f"<title>{escape(label)}</title>",
        f'<circle cx="20" cy="20" r="17" fill="#ffffff" stroke="{colour}" stroke-width="4"/>',
    ]
    if variation in (stats.IMPROVEMENT, stats.CONCERN, stats.NEITHER):
        parts.append(
            f'<text x="20" y="26" font-size="17" font-weight="bold" text-anchor="middle" '
            f'fill="{INK}">{"H" if direction > 0 else "L"}</text>'
        )
    else:
        parts.extend(
            f'<circle cx="{x}" cy="{y}" r="2.2" fill="{GREY}"/>'
            for x, y in ((11, 22), (16, 18), (20, 22), (24, 18), (29, 21))
        )
    parts.append("</svg>")
    return "".join(parts)
