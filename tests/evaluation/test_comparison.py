"""Rates per 1,000 children and the change against comparison practices, by hand
(docs/evaluation-measures.md, "Hospital activity per 1,000 children", "Comparison practices")."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cc4c import stats
from cc4c.measures import round_1dp
from evaluation import render
from evaluation.compose import compute
from evaluation.models import HospitalActivity
from evaluation.periods import Period, add_months
from tests.evaluation.conftest import built_report
from tests.factories import ChildFactory, PracticeFactory

pytestmark = pytest.mark.django_db

PERIOD = Period.of(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))


def _children(practice, count):
    for _ in range(count):
        ChildFactory(
            practice=practice,
            date_of_birth=datetime.date(2015, 6, 1),
            registered_on=datetime.date(2016, 1, 1),
        )


def _activity(practice, per_month_before, per_month_after, activity="ed_attendance"):
    HospitalActivity.objects.bulk_create(
        HospitalActivity(
            practice=practice,
            month=add_months(datetime.date(2024, 4, 1), index),
            activity=activity,
            count=per_month_before if index < 12 else per_month_after,
        )
        for index in range(24)
    )


@pytest.fixture
def comparison_practice(db):
    return PracticeFactory(comparison_practice=True)


@pytest.fixture
def compared(hub, practice, comparison_practice):
    """Hub A: 10 children, ED 120 then 90 (rate change −25%). The comparison practice: 20
    children, ED 240 then 228 (−5%)."""
    _children(practice, 10)
    _activity(practice, 10, 7)  # 120, then 84 + 6 below
    HospitalActivity.objects.filter(practice=practice, month=datetime.date(2025, 4, 1)).update(
        count=13
    )  # the period: 13 + 11 × 7 = 90
    _children(comparison_practice, 20)
    _activity(comparison_practice, 20, 19)  # 240, then 228
    return compute([hub], PERIOD)


def test_rates_divide_by_the_children_registered_at_each_spans_end(compared, hub):
    values = compared["rows"][hub.code]
    assert values["hospital_ed_attendance_baseline"] == 120
    assert values["hospital_ed_attendance_period"] == 90
    assert values["hospital_ed_attendance_per_1000_baseline"] == Decimal("12000.0")
    assert values["hospital_ed_attendance_per_1000_period"] == Decimal("9000.0")
    assert values["hospital_ed_attendance_rate_change_pct"] == Decimal("-25.0")


def test_the_change_against_comparison_practices_in_percentage_points(compared, hub):
    values = compared["rows"][hub.code]
    assert values["hospital_ed_attendance_comparison_change_pct"] == Decimal("-5.0")
    assert values["hospital_ed_attendance_relative_change_pct"] == Decimal("-20.0")
    assert compared["rows"]["ALL"]["hospital_ed_attendance_relative_change_pct"] == Decimal("-20.0")
    # Activities the comparison practices have none of: no change to compare with.
    assert values["hospital_admission_comparison_change_pct"] is None
    assert compared["comparison_practices"] == 1


def test_the_relative_change_has_its_interval_from_both_rate_ratios(compared, hub):
    bounds = render.intervals(compared, suppressed=False)[hub.code]
    hub_ratio, comparison_ratio = 0.75, 0.95
    expected = stats.difference(
        hub_ratio,
        stats.rate_ratio(90, 10, 120, 10),
        comparison_ratio,
        stats.rate_ratio(228, 20, 240, 20),
    )
    low, high = (round_1dp(Decimal(repr(100 * bound))) for bound in expected)
    assert bounds["hospital_ed_attendance_relative_change_pct"] == (low, high)
    assert low < Decimal("-20.0") < high
    rate_low, rate_high = bounds["hospital_ed_attendance_rate_change_pct"]
    assert rate_low < Decimal("-25.0") < rate_high


def test_comparison_practices_count_in_no_hubs_figures(compared, hub):
    for code in (hub.code, "ALL"):
        values = compared["rows"][code]
        assert values["children_registered"] == 10
        assert values["hospital_ed_attendance_baseline"] == 120
    assert [h["code"] for h in compared["hubs"]] == [hub.code]
    assert set(compared["rows"]) == {hub.code, "ALL"}
    assert compared["hospital_months"][0]["registered"] == 10
    assert compared["hospital_months"][0]["ed_attendance"] == 10


def test_the_page_and_the_xlsx_show_the_relative_change_with_its_interval(
    client_for, coordinator, hub, compared
):
    report = built_report([hub])
    low, high = render.intervals(report.result, False)[hub.code][
        "hospital_ed_attendance_relative_change_pct"
    ]
    body = client_for(coordinator).get(reverse("evaluation:detail", args=[report.pk])).text
    assert 'data-measure="hospital_ed_attendance_relative_change_pct">-20.0<br>' in body
    assert f"95% CI {low} to {high}" in body
    assert "Compared with 1 comparison practice outside every hub" in body
    book = load_workbook(io.BytesIO(render.to_xlsx(report.result, suppressed=False)))
    rows = {
        row[0]: row[2:5]
        for row in book["Against comparison practices"].iter_rows(min_row=2, values_only=True)
    }
    assert rows["hospital_ed_attendance_relative_change_pct"] == pytest.approx(
        (-20.0, float(low), float(high))
    )


def test_with_no_comparison_practices_the_keys_are_empty_and_the_report_says_so(
    client_for, coordinator, hub, practice
):
    _children(practice, 10)
    _activity(practice, 10, 8)
    result = compute([hub], PERIOD)
    values = result["rows"][hub.code]
    assert values["hospital_ed_attendance_comparison_change_pct"] is None
    assert values["hospital_ed_attendance_relative_change_pct"] is None
    assert values["hospital_ed_attendance_rate_change_pct"] == Decimal("-20.0")
    section = next(s for s in render.sections(result, False) if s["key"] == "comparison")
    assert section["note"] == render.NO_COMPARISON
    summary = {item["measure"].key: item for item in render.summary(result, False)}
    assert summary["hospital_ed_attendance_relative_change_pct"]["verdict"] == (
        "No comparison practices are loaded."
    )


def test_rates_are_not_suppressed_and_no_children_means_no_rate(hub, practice):
    _children(practice, 3)
    _activity(practice, 2, 1)
    result = compute([hub], PERIOD)
    shown = render.shown_rows(result, suppressed=True)[hub.code]
    assert shown["hospital_ed_attendance_period"] == 10  # 12 attendances, rounded to 5
    assert shown["hospital_ed_attendance_per_1000_period"] == Decimal("4000.0")  # 12 / 3
    assert shown["hospital_ed_attendance_rate_change_pct"] == Decimal("-50.0")
    empty = compute([PracticeFactory().hub], PERIOD)["rows"]
    (values,) = [v for code, v in empty.items() if code != "ALL"]
    assert values["hospital_ed_attendance_per_1000_baseline"] is None
    assert values["hospital_ed_attendance_rate_change_pct"] is None
