"""The evaluation report as a board paper, in the browser: a coordinator reads the summary,
the SPC charts and their figures, the cost calculation, and downloads the chart points; a
commissioner reads the same report with small numbers hidden."""

import datetime

import pytest
from playwright.sync_api import expect

from evaluation.models import EvaluationReport, HospitalActivity, HubCost
from evaluation.periods import add_months
from evaluation.services import build
from hubs.models import Role
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


def _year_of_activity():
    hub = HubFactory(code="E2E-EVAL", name="Evaluated Hub")
    practice = PracticeFactory(hub=hub)
    comparison = PracticeFactory(comparison_practice=True)
    for p, children, before, after in ((practice, 30, 12, 8), (comparison, 30, 12, 11)):
        for _ in range(children):
            ChildFactory(
                practice=p,
                date_of_birth=datetime.date(2016, 1, 1),
                registered_on=datetime.date(2016, 2, 1),
            )
        HospitalActivity.objects.bulk_create(
            HospitalActivity(
                practice=p,
                month=add_months(datetime.date(2024, 4, 1), index),
                activity=activity,
                count=(before if index < 12 else after) + index % 3,
            )
            for index in range(24)
            for activity in ("ed_attendance", "admission")
        )
    HubCost.objects.create(hub=hub, financial_year=2025, yearly_gbp=200000)
    report = EvaluationReport.objects.create(
        period_from=datetime.date(2025, 4, 1),
        period_to=datetime.date(2026, 3, 31),
        baseline_from=datetime.date(2024, 4, 1),
        baseline_to=datetime.date(2025, 3, 31),
        suppressed=False,
    )
    report.hubs.set([hub])
    build(report.pk)
    return hub, report


def test_a_coordinator_reads_the_report_like_a_board_paper(page):
    hub, report = _year_of_activity()
    sign_in(page, member(Role.COORDINATOR, hub))
    page.goto(f"/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=2, name="Summary")).to_be_visible()
    summary = page.get_by_role("table", name="Headline measures")
    expect(summary.get_by_text("Higher is better").first).to_be_visible()
    expect(
        summary.locator(".spc-verdict", has_text="Special cause variation: improvement (lower)")
    ).to_have_count(2)  # emergency department attendances and admissions
    expect(
        page.get_by_role(
            "img", name="Emergency department attendances per 1,000 children each month"
        )
    ).to_be_visible()
    expect(
        page.get_by_text("Compared with 1 comparison practice outside every hub")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="How the estimated net saving is calculated")
    ).to_be_visible()
    expect(page.get_by_text("The net figure is negative")).to_be_visible()
    # No internal key anywhere on the page.
    expect(page.get_by_text("ed_attendance", exact=False)).to_have_count(0)
    axe_check(page, "coordinator")
    screenshot(page, "evaluation-report")
    details = page.locator("details", has_text="The figures in this chart").first
    details.locator("summary").click()
    expect(details.get_by_role("rowheader", name="Apr 2025")).to_be_visible()
    axe_check(page, "coordinator")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download SPC chart points (CSV)").click()
    assert download.value.suggested_filename.startswith("evaluation-spc-")
    assert download.value.failure() is None


def test_a_commissioner_reads_the_same_report_with_small_numbers_hidden(page):
    hub, report = _year_of_activity()
    sign_in(page, member(Role.COMMISSIONER, hub))
    page.goto(f"/reports/{report.pk}/")
    expect(page.get_by_text("Hidden: counts of 1 to 7 show as *")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Summary")).to_be_visible()
    # Rates are never hidden: the charts of the hospital rates still have their limits.
    expect(
        page.locator(".spc-verdict", has_text="Special cause variation: improvement (lower)")
    ).to_have_count(2)
    axe_check(page, "commissioner")
    screenshot(page, "evaluation-report-commissioner")
