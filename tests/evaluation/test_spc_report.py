"""The report's statistical process control charts (docs/evaluation-measures.md, "Statistical
process control"), drawn from the hand-counted data of conftest."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from cc4c import stats
from evaluation import spc
from evaluation.compose import compute
from evaluation.periods import Period
from tests.evaluation.conftest import PERIOD_FROM, PERIOD_TO, built_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(hub, population_data, hospital_data, activity_data):
    return compute([hub], Period.of(PERIOD_FROM, PERIOD_TO))


def charts(result, suppressed=False):
    return {chart.key: chart for chart in spc.charts(result, suppressed)}


def test_the_hospital_charts_run_from_the_baseline_through_the_period(year):
    ed = charts(year)["ed_attendance_per_1000"]
    months = [point.month for point in ed.points]
    assert months[0] == datetime.date(2024, 4, 1) and months[-1] == datetime.date(2026, 3, 1)
    assert len(months) == 24 and ed.limits
    # April 2024: 6 attendances (the year's remainder) over 12 children; March 2026: 3 over 10.
    assert (ed.points[0].value, ed.points[-1].value) == (500.0, 300.0)
    # The period's months sit below the mean: a shift, an improvement since lower is better.
    assert all(point.shift for point in ed.points[13:])
    assert ed.variation == stats.IMPROVEMENT and ed.direction == -1
    assert ed.summary() == "Special cause variation: improvement (lower) in Mar 2026"


def test_twelve_months_of_a_service_give_limits_and_fewer_a_run_chart_saying_why(hub, year):
    mdt = charts(year)["mdt_cases_discussed"]
    assert mdt.limits and mdt.counted == 12
    assert [p.value for p in mdt.points if p.value][:2] == [4.0, 6.0]  # May and September
    half = compute([hub], Period.of(datetime.date(2025, 4, 1), datetime.date(2025, 9, 30)))
    short = charts(half)["mdt_cases_discussed"]
    assert not short.limits and short.upper is None and short.variation is None
    assert short.reason == "Run chart: 6 months with a figure; process limits need at least 12."
    assert charts(half)["ed_attendance_per_1000"].limits  # 6 baseline and 6 period months
    # A part month is left out: a period from 15 April charts May onwards.
    clipped = compute([hub], Period.of(datetime.date(2025, 4, 15), datetime.date(2026, 3, 31)))
    assert charts(clipped)["mdt_cases_discussed"].points[0].month == datetime.date(2025, 5, 1)


def test_a_report_with_small_numbers_hidden_charts_only_what_it_shows(year):
    mdt = charts(year, suppressed=True)["mdt_cases_discussed"]
    shown = {point.month: point.shown for point in mdt.points}
    assert shown[datetime.date(2025, 5, 1)] == "*"  # 4 cases
    assert mdt.points[1].value is None and not mdt.limits  # hidden months are gaps
    assert mdt.counted == 10


def test_the_chart_points_csv_gives_each_point_its_mean_limits_and_flags(year):
    rows = list(csv.DictReader(io.StringIO(spc.to_csv(year, suppressed=False))))
    assert list(rows[0]) == [
        "chart",
        "month",
        "value",
        "mean",
        "lower_process_limit",
        "upper_process_limit",
        "outside",
        "shift",
        "trend",
        "two_of_three",
        "variation",
    ]
    ed = [row for row in rows if row["chart"] == "ed_attendance_per_1000"]
    assert len(ed) == 24
    chart = charts(year)["ed_attendance_per_1000"]
    assert {row["mean"] for row in ed} == {chart.figure(chart.centre)}
    assert ed[-1]["month"] == "2026-03" and ed[-1]["value"] == "300.0"
    assert ed[-1]["shift"] == "yes" and ed[-1]["variation"] == "improvement"
    assert {row["chart"] for row in rows} == {s.key for s in spc.SPECS}


def test_the_page_draws_each_chart_with_a_title_a_description_and_a_table(
    client_for, coordinator, hub, population_data, hospital_data, activity_data
):
    report = built_report([hub])
    client = client_for(coordinator)
    body = client.get(reverse("evaluation:detail", args=[report.pk])).text
    for spec in spc.SPECS:
        assert f">{spec.title}</title>" in body
    assert "<desc" in body and "The figures in this chart" in body
    assert ">Apr 2024</text>" in body and ">Month</text>" in body
    assert ">Per 1,000 children</text>" in body
    assert 'class="spc-icon"' in body
    download = client.get(reverse("evaluation:download", args=[report.pk, "spc.csv"]))
    assert download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"].endswith('.csv"')
    assert download.content.decode().startswith("chart,month,value")
