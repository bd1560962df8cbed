"""Every output of a report — page, CSV, XLSX, PDF — from one stored computation.

The page and the PDF read like a board paper: a one-page summary of the headline measures
(each with its direction of good and its SPC verdict), then each section in plain words with
its table, intervals and charts. Measure keys appear only in the CSV and the XLSX's key column.
"""

import datetime
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cc4c import csv_export, formatting, stats
from evaluation import spc, uncertainty
from evaluation.charts import bar_chart, spc_chart, variation_icon
from evaluation.compose import ALL
from evaluation.definitions import (
    ACTIVITY_NAMES,
    BY_KEY,
    HOSPITAL_ACTIVITIES,
    MEASURES,
    SECTIONS,
    measures_in,
    upper_first,
)
from evaluation.suppression import STAR, suppress, visible
from population.metrics import MEASURED_PROGRAMMES

# The summary page, in this order: (measure, its SPC chart or None, a label for the summary
# when the section's own needs its section around it). Another app's headline
# measure is added here once its metrics return it.
HEADLINES = [
    ("children_registered", None, ""),
    ("mdt_cases_discussed", "mdt_cases_discussed", "MDT cases discussed"),
    ("clinic_dna_pct", "clinic_dna_pct", "Outreach clinic appointments not brought to (%)"),
    ("advice_within_target_pct", "advice_within_target_pct", ""),
    ("hospital_ed_attendance_rate_change_pct", "ed_attendance_per_1000", ""),
    ("hospital_admission_rate_change_pct", "admission_per_1000", ""),
    ("hospital_ed_attendance_relative_change_pct", None, ""),
    ("new_appointments_in_hub_pct", None, ""),
    ("family_positive_pct", None, ""),
    ("estimated_net_saving_gbp", None, ""),
]
# The SPC charts each section shows, and the figure charted by month in the others.
SECTION_SPC = {
    "mdt": ["mdt_cases_discussed"],
    "clinics": ["clinic_dna_pct"],
    "advice": ["advice_within_target_pct"],
    "rates": ["ed_attendance_per_1000", "admission_per_1000"],
}
MONTHLY_FIGURE = {
    "champions": ("champion_hours", "Volunteer hours"),
    "experience": ("family_feedback_responses", "Responses"),
}
BETTER = {1: "Higher is better", -1: "Lower is better", 0: ""}
UNITS = {"pct": "%", "change": "%", "points": " percentage points"}
NO_COMPARISON = (
    "No comparison practices are loaded, so the change against them is empty. The service "
    "operator imports them as practices outside every hub, with their children and hospital "
    "activity."
)


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


def column_names(result):
    names = {hub["code"]: hub["name"] for hub in result["hubs"]}
    return [names.get(code, "All hubs") for code in columns(result)]


def scope(result):
    """The row set the summary and the charts speak of: the one hub, or all of them."""
    return columns(result)[-1]


def figure(measure, value):
    """A figure as a sentence shows it: 50.0%, −6.4%, £43,700, 1,250."""
    if value in (None, ""):
        return "–"
    if value == STAR:
        return STAR
    if measure.kind == "money":
        amount = int(value)
        return f"−£{-amount:,}" if amount < 0 else f"£{amount:,}"
    if measure.kind in ("count", "tally") and isinstance(value, int):
        return f"{value:,}"
    shown = str(value).replace("-", "−")
    return shown + UNITS.get(measure.kind, "")


def interval_text(measure, bounds):
    if bounds is None:
        return ""
    low, high = (str(b) for b in bounds)
    unit = "%" if measure.kind in ("pct", "change") else ""
    return f"95% CI {low}{unit} to {high}{unit}"


def intervals(result, suppressed):
    """{code: {key: (low, high)}} for every figure of every row set that has an interval."""
    rows = shown_rows(result, suppressed)
    return {
        code: uncertainty.intervals(values, rows[code]) for code, values in result["rows"].items()
    }


def segment_label(result, n):
    """ "Segment 3: Single long-term condition", with the name kept when the report was built."""
    names = {str(number): name for number, name in result.get("segments", {}).items()}
    name = names.get(str(n))
    return f"Segment {n}: {name}" if name else f"Segment {n}"


def label_of(result, measure):
    if measure.key.startswith("segment_") and measure.key.endswith("_children"):
        label = segment_label(result, measure.key.split("_")[1])
        return f"Children in s{label[1:]}"
    return measure.label


def _charts(result, suppressed):
    return {c.key: c for c in spc.charts(result, suppressed)}


def _icon(chart):
    if chart is None or chart.variation is None:
        return ""
    return mark_safe(variation_icon(chart.variation, chart.direction, chart.summary()))  # noqa: S308


def summary(result, suppressed, charts=None):
    """The headline measures of the report's scope, each with its interval, its direction of
    good and its SPC verdict."""
    charts = _charts(result, suppressed) if charts is None else charts
    code = scope(result)
    shown = shown_rows(result, suppressed)[code]
    bounds = intervals(result, suppressed)[code]
    items = []
    compared = bool(result.get("comparison_practices"))
    for key, chart_key, label in HEADLINES:
        if key not in shown:
            continue
        measure = BY_KEY[key]
        chart = charts.get(chart_key)
        verdict = chart.summary() if chart else ""
        if measure.section == "comparison" and not compared:
            verdict = "No comparison practices are loaded."
        items.append(
            {
                "measure": measure,
                "label": label or measure.label,
                "value": figure(measure, shown[key]),
                "interval": interval_text(measure, bounds.get(key)),
                "better": BETTER[measure.better],
                "icon": _icon(chart),
                "verdict": verdict,
            }
        )
    return items


def _table(result, section, rows, bounds, codes):
    table = []
    for measure in measures_in(section):
        if measure.key not in rows[codes[-1]]:
            continue
        table.append(
            {
                "measure": measure,
                "label": label_of(result, measure),
                "better": BETTER[measure.better],
                "cells": [
                    {
                        "value": text(rows[code].get(measure.key)),
                        "interval": interval_text(measure, bounds[code].get(measure.key)),
                    }
                    for code in codes
                ],
            }
        )
    return table


def programme_tables(result, rows, bounds, codes):
    """The programmes' compact table, one per row set shown (each hub, then all of them
    together): each programme's register beside the % in date of each of its care processes,
    overall and in IMD quintile 1, with their intervals."""
    names = dict(zip(codes, column_names(result), strict=True))
    tables = []
    for code in codes:

        def cell(key, shown=rows[code], found=bounds[code]):
            return {
                "key": key,
                "value": text(shown.get(key)),
                "interval": interval_text(BY_KEY[key], found.get(key)),
            }

        groups = []
        for key, title, processes in MEASURED_PROGRAMMES:
            register = f"programme_{key}_register"
            if register not in rows[code]:
                continue
            groups.append(
                {
                    "programme": title,
                    "register": cell(register),
                    "processes": [
                        {
                            "label": upper_first(label),
                            "cells": [
                                cell(f"programme_{key}_{process}_pct"),
                                cell(f"programme_{key}_{process}_core20_pct"),
                            ],
                        }
                        for process, label in processes
                    ],
                }
            )
        if groups:
            tables.append({"name": names[code] if len(codes) > 1 else "", "groups": groups})
    return tables


def _bar(result, section, title, values, months):
    if section == "population":
        data = [
            (segment_label(result, n), [values.get(f"segment_{n}_children")]) for n in range(1, 9)
        ]
        return bar_chart(f"{title}: children by segment", data, axis_label="Children registered")
    if section == "hospital":
        data = [
            (
                ACTIVITY_NAMES[key],
                [values.get(f"hospital_{key}_baseline"), values.get(f"hospital_{key}_period")],
            )
            for key, _label in HOSPITAL_ACTIVITIES
        ]
        return bar_chart(
            f"{title}: baseline and period",
            data,
            ["Baseline", "Period"],
            axis_label="Hospital episodes",
        )
    if section in MONTHLY_FIGURE and months:
        key, axis = MONTHLY_FIGURE[section]
        data = [
            (formatting.month(datetime.date.fromisoformat(month + "-01")), [figures.get(key)])
            for month, figures in months
            if key in figures
        ]
        if data:
            return bar_chart(f"{title}: {axis.lower()} by month", data, axis_label=axis)
    return ""


def _note(result, section, code):
    if section == "comparison":
        count = result.get("comparison_practices", 0)
        if not count:
            return NO_COMPARISON
        return (
            f"Compared with {count} comparison practice{'s' if count != 1 else ''} outside every "
            "hub, over the same baseline and period. A negative difference is a larger fall (or "
            "a smaller rise) than theirs."
        )
    if section == "programmes":
        return (
            "Each programme's register and care processes on the period's last day, counted as "
            "its worklist counts them; IMD quintile 1 is Core20, the most deprived 20%. The rates "
            "count each child's own hospital events (the hospital-events import), so they can "
            "differ from the practices' hospital activity below."
        )
    if section == "rates":
        return (
            "Each rate divides the activity by the children registered at the hubs' practices on "
            "the last day of its span (the baseline's or the period's), so a growing list does "
            "not look like more activity."
        )
    if section == "costs" and code in result.get("costs", {}):
        calculation = result["costs"][code]
        if calculation["net"] is not None and calculation["net"] < 0:
            return (
                "The net figure is negative: the hub cost more to run in the period than the "
                "hospital activity it avoided, valued at tariff, or hospital activity rose."
            )
    return ""


def cost_rows(result, code):
    """The cost model's sum, line by line, as the page and the PDF show it beside the figure."""
    calculation = result.get("costs", {}).get(code)
    if calculation is None:
        return None
    lines = []
    for line in calculation["lines"]:
        prices = line["prices"]
        price = (
            "no tariff"
            if not prices
            else f"£{prices[0]:,}"
            if len(prices) == 1
            else f"£{prices[0]:,} to £{prices[-1]:,} (by hub)"
        )
        lines.append(
            {
                "activity": ACTIVITY_NAMES[line["activity"]],
                "baseline": f"{line['baseline']:,}",
                "period": f"{line['period']:,}",
                "avoided": str(line["avoided"]).replace("-", "−"),
                "price": price,
                "saving": "–" if line["saving"] is None else _pounds(line["saving"]),
            }
        )
    running = []
    per_session = calculation["clinic_session_gbp"]
    if per_session:
        each = f"£{per_session[0]:,}" if len(per_session) == 1 else "each hub's cost"
        running.append(f"{calculation['sessions']} clinic sessions × {each}")
    if calculation["yearly_gbp"]:
        yearly = calculation["yearly_gbp"]
        each = f"£{yearly[0]:,}" if len(yearly) == 1 else "each hub's yearly cost"
        running.append(f"{calculation['months']} months × {each} / 12")
    return {
        "lines": lines,
        "gross": "–" if calculation["gross"] is None else _pounds(calculation["gross"]),
        "running": _pounds(calculation["running"]),
        "running_how": " + ".join(running) if running else "not entered for this financial year",
        "net": "–" if calculation["net"] is None else _pounds(calculation["net"]),
    }


def _pounds(amount):
    return f"−£{-amount:,}" if amount < 0 else f"£{amount:,}"


def sections(result, suppressed, charts=None):
    """What the page and the PDF show: each section's table, intervals, notes and charts."""
    rows = shown_rows(result, suppressed)
    bounds = intervals(result, suppressed)
    codes = columns(result)
    code = codes[-1]
    charts = _charts(result, suppressed) if charts is None else charts
    show = suppress if suppressed else visible
    months = [(m["month"], show(m["values"])) for m in result.get("months", [])]
    out = []
    for section, title in SECTIONS:
        table = _table(result, section, rows, bounds, codes)
        if not table:
            continue
        section_charts = [
            {
                "chart": charts[key],
                "svg": mark_safe(spc_chart(charts[key])),  # noqa: S308
                "icon": _icon(charts[key]),
            }
            for key in SECTION_SPC.get(section, [])
            if key in charts
        ]
        compact = programme_tables(result, rows, bounds, codes) if section == "programmes" else []
        in_compact = {cell["key"] for t in compact for g in t["groups"] for cell in _cells(g)}
        out.append(
            {
                "key": section,
                "title": title,
                "table": table,
                # The rows of the section's own table: those the compact one does not show.
                "rows": [row for row in table if row["measure"].key not in in_compact],
                "programmes": compact,
                "note": _note(result, section, code),
                "costs": cost_rows(result, code) if section == "costs" else None,
                "spc": section_charts,
                "chart": mark_safe(_bar(result, section, title, rows[code], months)),  # noqa: S308
            }
        )
    return out


def _cells(group):
    yield group["register"]
    for process in group["processes"]:
        yield from process["cells"]


def context(result, suppressed, **extra):
    """Everything the page and the PDF templates read."""
    charts = _charts(result, suppressed)
    return {
        "result": result,
        "codes": columns(result),
        "column_names": column_names(result),
        "summary": summary(result, suppressed, charts),
        "sections": sections(result, suppressed, charts),
        "suppressed": suppressed,
        "period": [datetime.date.fromisoformat(day) for day in result["period"]],
        "baseline": [datetime.date.fromisoformat(day) for day in result["baseline"]],
        "mdc_rules": spc.FLAGS,
        "minimum_points": stats.MINIMUM_POINTS,
        **extra,
    }


def definition_groups():
    """The definitions once each, for the PDF: a definition every hospital activity (or every
    segment) shares is given once, for all of them."""
    groups = {}
    for measure in MEASURES:
        label, definition = measure.label, measure.definition
        for activity, sentence in HOSPITAL_ACTIVITIES:
            if f"_{activity}_" in measure.key:
                label = label.replace(ACTIVITY_NAMES[activity], "Each hospital activity")
                definition = definition.replace(sentence, "the activity")
                definition = definition.replace(sentence.capitalize(), "The activity")
        if measure.key.startswith("segment_"):
            n = measure.key.split("_")[1]
            label = label.replace(f"Segment {n}", "Segments 1 to 8")
            definition = definition.replace(f"segment was {n}", "segment was that one")
        for key, title, processes in MEASURED_PROGRAMMES:
            if measure.key.startswith(f"programme_{key}_"):
                for _process, words in processes:
                    label = label.replace(f"{title}: {words}", "Each care process")
                    definition = definition.replace(f'"{words}"', "the care process")
                label = label.replace(f"{title}: ", "Each programme: ")
                definition = definition.replace(f"the {title.lower()} programme", "the programme")
        groups.setdefault((label, definition), None)
    return [{"label": label, "definition": definition} for label, definition in groups]


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


FORMATS = {
    "count": "#,##0",
    "tally": "#,##0",
    "money": '"£"#,##0;-"£"#,##0',
    "hours": "0.0",
    "pct": "0.0",
    "change": "0.0",
    "points": "0.0",
    "rate": "0.0",
    "ratio": "0.0",
    "median": "0.0",
    "mean": "0.0",
}


def to_xlsx(result, suppressed):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = shown_rows(result, suppressed)
    bounds = intervals(result, suppressed)
    codes = columns(result)
    names = column_names(result)
    bold = Font(bold=True)
    book = Workbook()
    book.remove(book.active)

    sheet = book.create_sheet("Summary")
    sheet.append([_title_line(result)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_period_line(result)])
    sheet.append(["Small numbers hidden" if suppressed else "Small numbers shown as they are"])
    sheet.append([])
    sheet.append(
        ["measure", "Measure", "Figure", "95% CI low", "95% CI high", "Direction of good", "SPC"]
    )
    for cell in sheet[5]:
        cell.font = bold
    for item in summary(result, suppressed):
        measure = item["measure"]
        low, high = bounds[scope(result)].get(measure.key, (None, None))
        sheet.append(
            [
                measure.key,
                item["label"],
                number(rows[scope(result)].get(measure.key)),
                number(low),
                number(high),
                item["better"],
                item["verdict"],
            ]
        )
        for cell in sheet[sheet.max_row][2:5]:
            cell.number_format = FORMATS[measure.kind]
    for column, width in zip("ABCDEFG", (40, 58, 12, 12, 12, 18, 60), strict=True):
        sheet.column_dimensions[column].width = width

    for section, title in SECTIONS:
        sheet = book.create_sheet(title[:31])
        header = ["measure", "label"]
        for name in names:
            header += [name, f"{name}: 95% CI low", f"{name}: 95% CI high"]
        sheet.append([csv_export.safe_cell(cell) for cell in header])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for measure in measures_in(section):
            if measure.key not in rows[codes[0]]:
                continue
            line = [measure.key, label_of(result, measure)]
            for code in codes:
                low, high = bounds[code].get(measure.key, (None, None))
                line += [number(rows[code].get(measure.key)), number(low), number(high)]
            sheet.append(line)
            for cell in sheet[sheet.max_row][2:]:
                cell.number_format = FORMATS.get(measure.kind, "General")
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 58
        sheet.freeze_panes = "C2"

    charts = spc.charts(result, suppressed)
    if charts:
        sheet = book.create_sheet("SPC charts")
        for line in csv_reader(spc.to_csv(result, suppressed)):
            sheet.append([_cell(value) for value in line])
        for cell in sheet[1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 28

    calculation = cost_rows(result, scope(result))
    if calculation:
        sheet = book.create_sheet("Cost calculation")
        sheet.append(["Activity", "Baseline", "Period", "Avoided", "Tariff", "Saving (£)"])
        for cell in sheet[1]:
            cell.font = bold
        for line, raw in zip(
            calculation["lines"], result["costs"][scope(result)]["lines"], strict=True
        ):
            sheet.append(
                [
                    line["activity"],
                    raw["baseline"],
                    raw["period"],
                    raw["avoided"],
                    line["price"],
                    raw["saving"],
                ]
            )
            sheet.cell(sheet.max_row, 6).number_format = FORMATS["money"]
        raw = result["costs"][scope(result)]
        for label, value in (
            ("Hospital activity avoided, at tariff", raw["gross"]),
            (f"Running cost of the hub ({calculation['running_how']})", -raw["running"]),
            ("Estimated net saving", raw["net"]),
        ):
            sheet.append([label, None, None, None, None, value])
            sheet.cell(sheet.max_row, 6).number_format = FORMATS["money"]
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["E"].width = 24

    sheet = book.create_sheet("Definitions")
    sheet.append(["measure", "section", "label", "definition"])
    for cell in sheet[1]:
        cell.font = bold
    for measure in MEASURES:
        sheet.append(
            [measure.key, dict(SECTIONS)[measure.section], measure.label, measure.definition]
        )
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["C"].width = 50
    sheet.column_dimensions["D"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_reader(body):
    import csv

    return csv.reader(io.StringIO(body))


def _cell(value):
    try:
        return (
            Decimal(value) if value not in ("", "yes", "no") and not value[:1].isalpha() else value
        )
    except ArithmeticError:
        return value


def _title_line(result):
    hubs = ", ".join(hub["name"] for hub in result["hubs"])
    return f"Evaluation report: {hubs}"


def _period_line(result):
    start, end = (datetime.date.fromisoformat(day) for day in result["period"])
    base_start, base_end = (datetime.date.fromisoformat(day) for day in result["baseline"])
    return (
        f"Period {formatting.day(start)} to {formatting.day(end)}; hospital baseline "
        f"{formatting.day(base_start)} to {formatting.day(base_end)}"
    )


def to_pdf(result, suppressed, *, title="Evaluation report"):
    from weasyprint import HTML

    printed_at = timezone.localtime()
    html = render_to_string(
        "evaluation/report_pdf.html",
        context(
            result,
            suppressed,
            title=title,
            definitions=definition_groups(),
            section_titles=dict(SECTIONS),
            printed_at=printed_at,
        ),
    )
    return HTML(string=html).write_pdf()
