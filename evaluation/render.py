"""Every output of a report — page, CSV, XLSX, PDF — from one stored computation."""

import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cc4c import csv_export
from evaluation.charts import bar_chart
from evaluation.compose import ALL
from evaluation.definitions import (
    HOSPITAL_ACTIVITIES,
    MEASURES,
    SECTIONS,
    measures_in,
)
from evaluation.suppression import STAR, suppress, visible

# The figure charted month by month for each section with a time axis.
MONTHLY_FIGURE = {
    "mdt": "mdt_cases_discussed",
    "clinics": "clinic_attendances",
    "advice": "advice_requests",
    "champions": "champion_hours",
    "experience": "family_feedback_responses",
}


def number(value):
    """A stored figure as a number for a spreadsheet; ``*`` and empty stay as they are."""
    if value is None or value == STAR or isinstance(value, int):
        return value
    return Decimal(str(value))


def text(value):
    return "" if value is None else str(value)


def shown_rows(result, suppressed):
    show = suppress if suppressed else visible
    return {code: show(values) for code, values in result["rows"].items()}


def columns(result):
    """Row-set codes in display order: each hub, then ALL when there are several hubs."""
    codes = [hub["code"] for hub in result["hubs"]]
    return codes + [ALL] if len(codes) > 1 else codes


def to_csv(result, suppressed):
    rows = shown_rows(result, suppressed)
    period_from, period_to = result["period"]
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\n")
    writer.writerow(["hub_code", "period_from", "period_to", "measure", "value"])
    for code in [hub["code"] for hub in result["hubs"]] + [ALL]:
        for measure in MEASURES:
            if measure.key in rows[code]:
                writer.writerow(
                    [code, period_from, period_to, measure.key, text(rows[code][measure.key])]
                )
    return out.getvalue()


def to_xlsx(result, suppressed):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = shown_rows(result, suppressed)
    codes = columns(result)
    book = Workbook()
    book.remove(book.active)
    for section, title in SECTIONS:
        sheet = book.create_sheet(title[:31])
        sheet.append(["measure", "label", *map(csv_export.safe_cell, codes)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for measure in measures_in(section):
            if measure.key not in rows[codes[0]]:
                continue
            sheet.append(
                [measure.key, measure.label, *(number(rows[c].get(measure.key)) for c in codes)]
            )
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 44
    sheet = book.create_sheet("Definitions")
    sheet.append(["measure", "section", "definition"])
    for measure in MEASURES:
        sheet.append([measure.key, dict(SECTIONS)[measure.section], measure.definition])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["C"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sections(result, suppressed):
    """What the page and the PDF show: each section's table rows and its chart."""
    rows = shown_rows(result, suppressed)
    codes = columns(result)
    show = suppress if suppressed else visible
    months = [(m["month"], show(m["values"])) for m in result.get("months", [])]
    out = []
    for section, title in SECTIONS:
        table = [
            {"measure": m, "values": [text(rows[c].get(m.key)) for c in codes]}
            for m in measures_in(section)
            if m.key in rows[codes[-1]]
        ]
        if not table:
            continue
        out.append(
            {
                "key": section,
                "title": title,
                "table": table,
                "chart": mark_safe(_chart(section, title, rows[codes[-1]], months)),  # noqa: S308
            }
        )
    return out


def _chart(section, title, values, months):
    if section == "population":
        data = [(f"Segment {n}", [values.get(f"segment_{n}_children")]) for n in range(1, 9)]
        return bar_chart(f"{title}: children by segment", data)
    if section == "hospital":
        data = [
            (
                key.replace("_", " "),
                [values.get(f"hospital_{key}_baseline"), values.get(f"hospital_{key}_period")],
            )
            for key, _label in HOSPITAL_ACTIVITIES
        ]
        return bar_chart(f"{title}: baseline and period", data, ["baseline", "period"])
    key = MONTHLY_FIGURE.get(section)
    if not key or not months:
        return ""
    data = [(month, [figures.get(key)]) for month, figures in months if key in figures]
    return bar_chart(f"{title}: {key.replace('_', ' ')} by month", data) if data else ""


def to_pdf(result, suppressed, *, title="Evaluation report"):
    from weasyprint import HTML

    html = render_to_string(
        "evaluation/report_pdf.html",
        {
            "title": title,
            "result": result,
            "codes": columns(result),
            "sections": sections(result, suppressed),
            "measures": MEASURES,
            "section_titles": dict(SECTIONS),
            "suppressed": suppressed,
            "printed_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()
