"""The champions' monthly charts name their months as every page does ("Nov 2026")."""

import datetime

from champions.charts import bars


def test_each_bar_is_named_by_its_month_and_year_and_the_year_is_written_once_per_year():
    months = [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]
    chart = bars([{"month": m, "hours": n} for n, m in enumerate(months, 1)], "hours")
    assert [b["label"] for b in chart["bars"]] == ["Nov 2025", "Dec 2025", "Jan 2026"]
    assert [(b["month"], b["year"]) for b in chart["bars"]] == [
        ("Nov", 2025),
        ("Dec", ""),
        ("Jan", 2026),
    ]
    # The labels and their years sit under the bars, inside the picture.
    lowest = max(b["y"] + b["height"] for b in chart["bars"])
    assert lowest < chart["label_y"] - 12 and chart["label_y"] + 18 <= chart["height"]
