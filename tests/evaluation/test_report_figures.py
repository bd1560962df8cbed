"""Hand-computed answers for a small data set, compared in every output."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from cc4c.evaluation import render
from cc4c.evaluation.compose import compute
from cc4c.evaluation.models import EvaluationReport
from cc4c.evaluation.periods import Period
from cc4c.evaluation.services import build
from tests.evaluation.conftest import PERIOD_FROM, PERIOD_TO

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
    # 39×200 + 19×250 + 50×120 + 11×150 + 17×1500 − 0 sessions × 1000
    "estimated_net_saving_gbp": 45700,
}


@pytest.fixture
def report_result(hub, population_data, hospital_data):
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
        assert mine[key] == str(expected), key
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
    assert mine["estimated_net_saving_gbp"] == "45700"


def test_xlsx_has_a_sheet_per_section_numbers_as_numbers_and_definitions(report_result):
    book = load_workbook(io.BytesIO(render.to_xlsx(report_result, suppressed=False)))
    assert "Definitions" in book.sheetnames
    assert {"Population", "Hospital activity"} <= set(book.sheetnames)
    figures = {}
    for sheet in book.worksheets[:-1]:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            figures[row[0]] = row[2]
    for key, expected in EXPECTED.items():
        assert figures[key] == expected, key
        assert not isinstance(figures[key], str), key


def test_pdf_text_carries_the_same_figures(report_result):
    pdf = PdfReader(io.BytesIO(render.to_pdf(report_result, suppressed=False)))
    assert pdf.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Definitions" in text
    for figure in ["45700", "-39.0", "-22.0", "-17.0", "50.0"]:
        assert figure in text


def test_the_page_shows_the_same_figures(
    client_for, coordinator, hub, population_data, hospital_data
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
    response = client_for(coordinator).get(reverse("evaluation:detail", args=[report.pk]))
    body = response.content.decode()
    for key, expected in EXPECTED.items():
        assert f'data-measure="{key}">{expected}<' in body, key
    assert "<svg" in body
    assert "How these figures are defined" in body
