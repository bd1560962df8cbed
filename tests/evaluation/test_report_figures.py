"""Hand-computed answers for a small data set, compared in every output."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluation import render
from evaluation.compose import compute
from evaluation.definitions import BY_KEY, MEASURES, SECTIONS, upper_first
from evaluation.models import EvaluationReport
from evaluation.periods import Period
from evaluation.services import build
from population.metrics import MEASURED_PROGRAMMES
from tests.evaluation.conftest import PERIOD_FROM, PERIOD_TO, PROGRAMME_EXPECTED, built_report

pytestmark = pytest.mark.django_db

EXPECTED = {
    "children_registered": 10,
    "segment_1_children": 5,
    "segment_2_children": 0,
    "segment_3_children": 2,
    "segment_6_children": 3,
    "segment_8_children": 0,
    "asthma_register": 4,
    "asthma_plan_pct": Decimal("50.0"),  # 2 of 4 reviewed in the 365 days to 31 March
    "hospital_op_new_baseline": 100,
    "hospital_op_new_period": 61,
    "hospital_op_new_change_pct": Decimal("-39.0"),
    "hospital_ed_attendance_change_pct": Decimal("-22.0"),
    "hospital_admission_change_pct": Decimal("-17.0"),
    "hospital_op_new_subspecialty_change_pct": Decimal("-19.0"),
    "hospital_op_follow_up_change_pct": Decimal("-25.0"),
    "mdt_meetings": 2,
    "mdt_cases_discussed": 10,
    "mdt_cases_per_meeting": Decimal("5.0"),
    "mdt_outcome_primary_care_advice_pct": Decimal("60.0"),
    "mdt_outcome_outreach_clinic_pct": Decimal("20.0"),
    "mdt_outcome_named_professional_pct": Decimal("10.0"),
    "mdt_outcome_other_pct": Decimal("10.0"),
    "clinic_sessions": 2,
    "clinic_appointments": 6,  # the family's cancellation left out
    "clinic_attendances": 5,
    "clinic_patients_seen": 4,
    "clinic_new_patients": 3,
    "clinic_not_brought": 1,
    "clinic_dna_pct": Decimal("16.7"),  # 1 / (5 + 1)
    "clinic_median_wait_days": Decimal("21.0"),  # 7, 14, 28, 35
    "clinic_outcome_discharged_pct": Decimal("50.0"),
    "clinic_outcome_hub_follow_up_pct": Decimal("25.0"),
    "clinic_outcome_hospital_referral_pct": Decimal("25.0"),
    "advice_requests": 4,
    "advice_answered": 3,
    "advice_within_target_pct": Decimal("50.0"),  # 5 h and 12 h in; 26 h late; one missed
    "advice_median_response_hours": Decimal("12.0"),
    "advice_outcome_primary_care_advice_pct": Decimal("50.0"),
    "advice_outcome_outreach_clinic_pct": Decimal("50.0"),
    "advice_outcome_mdt_discussion_pct": Decimal("0.0"),
    "champions_active": 2,
    "champion_activities": 3,
    "champion_hours": Decimal("6.5"),
    "champion_people_reached": 15,
    "new_appointments_in_hub_pct": Decimal("4.7"),  # 3 / (3 + 61)
    # Rates per 1,000 children: 12 registered on 31 March 2025 (the two who left or turned 18
    # on 31 March 2026 still counted then), 10 on 31 March 2026.
    "hospital_op_new_per_1000_baseline": Decimal("8333.3"),  # 100 / 12 × 1000
    "hospital_op_new_per_1000_period": Decimal("6100.0"),  # 61 / 10 × 1000
    "hospital_op_new_rate_change_pct": Decimal("-26.8"),  # 6100 / 8333.33 = 0.732
    "hospital_ed_attendance_per_1000_baseline": Decimal("4166.7"),  # 50 / 12 × 1000
    "hospital_ed_attendance_per_1000_period": Decimal("3900.0"),
    "hospital_ed_attendance_rate_change_pct": Decimal("-6.4"),  # 3900 / 4166.67 = 0.936
    "hospital_admission_rate_change_pct": Decimal("-0.4"),  # 8300 / 8333.33 = 0.996
    "hospital_op_new_subspecialty_rate_change_pct": Decimal("-2.8"),  # 8100 / 8333.33
    "hospital_op_follow_up_rate_change_pct": Decimal("-10.0"),  # 15000 / 16666.67
    # No comparison practices are loaded.
    "hospital_ed_attendance_comparison_change_pct": None,
    "hospital_ed_attendance_relative_change_pct": None,
    # 39×200 + 19×250 + 50×120 + 11×150 + 17×1500, at the hub's own tariffs
    "estimated_gross_saving_gbp": 45700,
    "hub_running_cost_gbp": 2000,  # 2 sessions × £1,000; no yearly cost entered
    "estimated_net_saving_gbp": 43700,
}


@pytest.fixture
def report_result(hub, population_data, hospital_data, activity_data):
    return compute([hub], Period.of(PERIOD_FROM, PERIOD_TO))


def test_the_figures_match_a_hand_count(report_result, hub):
    values = report_result["rows"][hub.code]
    for key, expected in EXPECTED.items():
        assert values[key] == expected, key
    # With one hub, ALL is the same.
    for key in EXPECTED:
        assert report_result["rows"]["ALL"][key] == values[key], key


def test_the_baseline_defaults_to_the_twelve_months_before(report_result):
    assert report_result["baseline"] == ["2024-04-01", "2025-03-31"]


def test_csv_is_long_format_with_the_same_figures(report_result, hub):
    rows = list(csv.DictReader(io.StringIO(render.to_csv(report_result, suppressed=False))))
    assert set(rows[0]) == {"hub_code", "period_from", "period_to", "measure", "value"}
    mine = {r["measure"]: r["value"] for r in rows if r["hub_code"] == hub.code}
    for key, expected in EXPECTED.items():
        assert mine[key] == ("" if expected is None else str(expected)), key
    assert {r["hub_code"] for r in rows} == {hub.code, "ALL"}
    assert rows[0]["period_from"] == "2025-04-01" and rows[0]["period_to"] == "2026-03-31"


def test_csv_suppressed_hides_small_numbers(report_result, hub):
    rows = list(csv.DictReader(io.StringIO(render.to_csv(report_result, suppressed=True))))
    mine = {r["measure"]: r["value"] for r in rows if r["hub_code"] == hub.code}
    assert mine["children_registered"] == "10"
    assert mine["segment_1_children"] == "*"
    assert mine["segment_2_children"] == "0"
    assert mine["asthma_plan_pct"] == "*"
    assert mine["hospital_op_new_period"] == "60"
    assert mine["estimated_net_saving_gbp"] == "43700"
    assert mine["mdt_cases_discussed"] == "10"
    assert mine["mdt_outcome_other_pct"] == "*"  # one discussion
    assert mine["clinic_dna_pct"] == "*"  # from 5 attendances and 1 not brought
    assert mine["champion_hours"] == "6.5"  # hours are never suppressed


def xlsx_figures(result, suppressed=False):
    """{key: (value, CI low, CI high)} of the first row set, from the section sheets."""
    book = load_workbook(io.BytesIO(render.to_xlsx(result, suppressed=suppressed)))
    figures = {}
    for _section, title in SECTIONS:
        for row in book[title[:31]].iter_rows(min_row=2, values_only=True):
            figures[row[0]] = row[2:5]
    return book, figures


def test_xlsx_has_a_summary_a_sheet_per_section_numbers_as_numbers_and_definitions(
    report_result,
):
    book, figures = xlsx_figures(report_result)
    assert book.sheetnames[0] == "Summary"
    assert {
        "Population",
        "Hospital activity",
        "Definitions",
        "SPC charts",
        "Cost calculation",
    } <= set(book.sheetnames)
    for key, expected in EXPECTED.items():
        value = figures[key][0]
        if expected is None:
            assert value is None, key
            continue
        assert value == pytest.approx(float(expected)), key
        assert not isinstance(value, str), key
    assert book["Population"]["C2"].number_format == "#,##0"
    sheet = book["Cost calculation"]
    assert sheet.cell(sheet.max_row, 6).value == 43700
    assert sheet.cell(sheet.max_row, 6).number_format.startswith('"£"#,##0')


def test_xlsx_gives_every_percentage_its_wilson_interval(report_result):
    _book, figures = xlsx_figures(report_result)
    # 16.7% = 1 of 6 appointments not brought: Wilson 3.0% to 56.4%.
    assert figures["clinic_dna_pct"] == pytest.approx((16.7, 3.0, 56.4))
    assert figures["asthma_plan_pct"][1:] == pytest.approx((15.0, 85.0))  # 2 of 4
    for measure in MEASURES:
        if measure.kind == "pct" and figures[measure.key][0] is not None:
            low, high = figures[measure.key][1:]
            assert low <= figures[measure.key][0] <= high, measure.key


def _words(text):
    return r"\s+".join(re.escape(word) for word in text.split())


def _pattern(label, value):
    return re.compile(rf"{_words(label)}\s+{re.escape(value)}(\s|$)")


INTERVAL = r"(\s+95% CI \S+ to \S+)?"


def _programme_patterns(shown):
    """{key: what the PDF reads} for the programmes' one table: a row per care process, its
    programme and register before the first, then its % in date overall and in quintile 1."""
    patterns = {}
    for key, title, processes in MEASURED_PROGRAMMES:
        register = f"programme_{key}_register"
        for index, (process, label) in enumerate(processes):
            stem = f"programme_{key}_{process}"
            lead = f"{title} {shown[register]} " if index == 0 else ""
            pattern = re.compile(
                rf"{_words(lead + upper_first(label))}\s+{re.escape(shown[f'{stem}_pct'])}"
                rf"{INTERVAL}\s+{re.escape(shown[f'{stem}_core20_pct'])}(\s|$)"
            )
            patterns[f"{stem}_pct"] = patterns[f"{stem}_core20_pct"] = pattern
            patterns.setdefault(register, pattern)
    return patterns


def test_page_csv_xlsx_and_pdf_agree_for_every_key(
    client_for, coordinator, hub, population_data, hospital_data, activity_data, programme_data
):
    report = EvaluationReport.objects.create(
        period_from=PERIOD_FROM,
        period_to=PERIOD_TO,
        baseline_from=PERIOD_FROM.replace(year=2024),
        baseline_to=PERIOD_FROM.replace(day=1).replace(year=2025, month=3, day=31),
        suppressed=False,
        requested_by=coordinator,
    )
    report.hubs.set([hub])
    build(report.pk)
    report.refresh_from_db()
    result = report.result
    page = client_for(coordinator).get(reverse("evaluation:detail", args=[report.pk]))
    body = page.content.decode()
    csv_rows = csv.DictReader(io.StringIO(render.to_csv(result, suppressed=False)))
    from_csv = {r["measure"]: r["value"] for r in csv_rows if r["hub_code"] == hub.code}
    _book, from_xlsx = xlsx_figures(result)
    pdf = PdfReader(io.BytesIO(render.to_pdf(result, suppressed=False)))
    pdf_text = "\n".join(p.extract_text() for p in pdf.pages)
    assert set(from_csv) == {m.key for m in MEASURES}
    in_table = _programme_patterns({key: value or "–" for key, value in from_csv.items()})
    for key, value in from_csv.items():
        shown = value or "–"
        assert f'data-measure="{key}">{shown}<' in body, key
        xlsx_value = from_xlsx[key][0]
        if value:
            assert xlsx_value == pytest.approx(float(value)), key
        else:
            assert xlsx_value is None, key
        label = render.label_of(result, BY_KEY[key])
        assert (in_table.get(key) or _pattern(label, shown)).search(pdf_text), key
        assert key not in pdf_text and f">{key}<" not in body, key
    for key, expected in {**EXPECTED, **PROGRAMME_EXPECTED}.items():
        assert from_csv[key] == ("" if expected is None else str(expected)), key


def test_the_pdf_has_a_summary_first_and_numbered_dated_pages(report_result):
    pdf = PdfReader(io.BytesIO(render.to_pdf(report_result, suppressed=False)))
    assert pdf.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    first = pdf.pages[0].extract_text()
    assert "Summary" in first and "Estimated net saving" in first
    for number, page in enumerate(pdf.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {len(pdf.pages)}" in text
        assert re.search(r"Generated \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", text)
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Definitions" in text
    assert "How the estimated net saving is calculated" in text


def test_the_page_and_pdf_name_each_segment_and_give_each_percentage_its_interval(
    client_for, coordinator, hub, population_data, hospital_data, activity_data
):
    report = built_report([hub])
    body = client_for(coordinator).get(reverse("evaluation:detail", args=[report.pk])).text
    pdf = PdfReader(io.BytesIO(render.to_pdf(report.result, suppressed=False)))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for text in (body, pdf_text):
        assert "Children in segment 1: Healthy child" in text
        assert "Children in segment 3: Single long-term condition" in text
        # 1 of 6 appointments not brought: Wilson 3.0% to 56.4%; 2 of 4 plans: 15.0% to 85.0%.
        assert "95% CI 3.0% to 56.4%" in text
        assert "95% CI 15.0% to 85.0%" in text
    bounds = render.intervals(report.result, False)[hub.code]
    for measure in MEASURES:
        if measure.kind == "pct" and measure.key in bounds:
            assert render.interval_text(measure, bounds[measure.key]) in body, measure.key
    # The CSV keeps one value per key, without its interval.
    header = render.to_csv(report.result, suppressed=False).splitlines()[0]
    assert "CI" not in header and "low" not in header
