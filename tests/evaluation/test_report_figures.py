"""Hand-computed answers for a small data set, compared in every output."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluation import render
from evaluation.compose import compute
from evaluation.models import EvaluationReport
from evaluation.periods import Period
from evaluation.services import build
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
    # 39×200 + 19×250 + 50×120 + 11×150 + 17×1500 − 2 sessions × 1000
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
    assert mine["estimated_net_saving_gbp"] == "43700"
    assert mine["mdt_cases_discussed"] == "10"
    assert mine["mdt_outcome_other_pct"] == "*"  # one discussion
    assert mine["clinic_dna_pct"] == "*"  # from 5 attendances and 1 not brought
    assert mine["champion_hours"] == "6.5"  # hours are never suppressed


def test_xlsx_has_a_sheet_per_section_numbers_as_numbers_and_definitions(report_result):
    book = load_workbook(io.BytesIO(render.to_xlsx(report_result, suppressed=False)))
    assert "Definitions" in book.sheetnames
    assert {"Population", "Hospital activity"} <= set(book.sheetnames)
    figures = {}
    for sheet in book.worksheets[:-1]:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            figures[row[0]] = row[2]
    for key, expected in EXPECTED.items():
        assert figures[key] == pytest.approx(float(expected)), key
        assert not isinstance(figures[key], str), key


def test_pdf_text_carries_the_same_figures(report_result):
    pdf = PdfReader(io.BytesIO(render.to_pdf(report_result, suppressed=False)))
    assert pdf.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Definitions" in text
    for figure in ["43700", "-39.0", "-22.0", "-17.0", "16.7", "21.0", "6.5", "4.7"]:
        assert figure in text


def test_the_page_shows_the_same_figures(
    client_for, coordinator, hub, population_data, hospital_data, activity_data
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
