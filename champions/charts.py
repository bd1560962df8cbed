"""Bar geometry for the small server-rendered SVG charts beside the monthly tables."""

from decimal import Decimal

WIDTH, HEIGHT, LABEL_SPACE = 600, 200, 24


def bars(rows, value_key, label=lambda row: row["month"].strftime("%b")):
    """Rows → {"bars": [...], "width", "height", "max"}: one bar per row, scaled to the tallest."""
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
                "label": label(row),
                "value": row[value_key],
            }
        )
    return {"bars": result, "width": WIDTH, "height": HEIGHT, "label_y": HEIGHT - 6}
