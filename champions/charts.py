"""Bar geometry for the small server-rendered SVG charts beside the monthly tables."""

from decimal import Decimal

from cc4c import formatting

WIDTH, HEIGHT, LABEL_SPACE = 600, 200, 40


def bars(rows, value_key):
    """Rows → {"bars": [...], "width", "height", "max"}: one bar per row, scaled to the tallest.

    Each bar is named by its month in the house style ("Nov 2026"); under the bars the month is
    written with its year beneath, the year only under the first bar and each January."""
    values = [Decimal(row[value_key] or 0) for row in rows]
    top = max(values, default=Decimal(0)) or Decimal(1)
    slot = WIDTH / max(len(rows), 1)
    plot = HEIGHT - LABEL_SPACE
    result = []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        height = float(value / top) * (plot - 14)
        result.append(
            {
                "x": round(i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(plot - height, 1),
                "height": round(height, 1),
                "label_x": round(i * slot + slot / 2, 1),
                "label": formatting.month(row["month"]),
                "month": row["month"].strftime("%b"),
                "year": row["month"].year if i == 0 or row["month"].month == 1 else "",
                "value": row[value_key],
            }
        )
    return {"bars": result, "width": WIDTH, "height": HEIGHT, "label_y": HEIGHT - 22}
