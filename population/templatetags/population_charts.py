"""Server-rendered inline SVG bar charts drawn beside a text table (no JavaScript)."""

from django import template

register = template.Library()

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 150
BAR_WIDTH = 220


@register.inclusion_tag("population/includes/bar_chart.html")
def bar_chart(rows, title, value="count", label="label", maximum=None):
    """Horizontal bars, one per row; the table beside it carries the same figures as text.

    Bars are scaled to ``maximum`` (e.g. 100 for percentages) or to the largest value.
    """
    values = [r.get(value) or 0 for r in rows]
    top = maximum or max(values, default=0) or 1
    bars = []
    for i, (row, v) in enumerate(zip(rows, values, strict=True)):
        y = i * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "label": str(row.get(label, "")),
                "value": v,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "width": round(BAR_WIDTH * v / top, 1),
            }
        )
    return {
        "title": title,
        "bars": bars,
        "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH + 4,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "bar_height": BAR_HEIGHT,
    }
