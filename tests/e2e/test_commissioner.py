"""A commissioner reads the reports of the hubs they commission (those built already listed, the
one hub chosen, small numbers always hidden), downloads them, and cannot open a child's record."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cc4c import formatting
from evaluation.models import EvaluationReport
from evaluation.services import build
from evaluation.tasks import monthly_reports
from hubs.models import Role
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


def test_commissioner_reads_and_downloads_a_report_but_not_a_child(page):
    hub = HubFactory(code="E2E-COM", name="Commissioned Hub")
    child = ChildFactory(practice=PracticeFactory(hub=hub), family_name="Neverseen")
    report = EvaluationReport.objects.create(
        period_from=datetime.date(2025, 4, 1),
        period_to=datetime.date(2026, 3, 31),
        baseline_from=datetime.date(2024, 4, 1),
        baseline_to=datetime.date(2025, 3, 31),
        suppressed=True,
    )
    report.hubs.set([hub])
    build(report.pk)
    commissioner = member(Role.COMMISSIONER, hub)

    sign_in(page, commissioner)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Reports", exact=True).click()
    axe_check(page, "commissioner")
    screenshot(page, "reports-list")
    page.get_by_role("link", name="E2E-COM", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation report")
    axe_check(page, "commissioner")
    screenshot(page, "report")

    for label, suffix in (("CSV", ".csv"), ("XLSX", ".xlsx"), ("PDF", ".pdf")):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download {label}").click()
        assert download.value.suggested_filename.endswith(suffix)
        assert download.value.failure() is None

    response = page.goto(f"/population/child/{child.pk}/")
    assert response.status == 404
    expect(page.get_by_text("Neverseen")).to_have_count(0)


def test_a_commissioner_of_one_hub_finds_its_reports_built_and_the_hub_chosen(page):
    hub = HubFactory(code="E2E-ONE", name="Riverside Hub")
    PracticeFactory(hub=hub)
    HubFactory(code="E2E-NOT", name="Not Theirs Hub")
    commissioner = member(Role.COMMISSIONER, hub)
    monthly_reports()  # last month's scheduled report of every hub
    built = EvaluationReport.objects.get(hubs=hub)

    sign_in(page, commissioner)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reports", exact=True
    ).click()
    reports = page.get_by_role("table")
    row = reports.get_by_role("row").filter(has_text="Monthly schedule")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("E2E-ONE")
    expect(row).to_contain_text(
        f"{formatting.day(built.period_from)} to {formatting.day(built.period_to)}"
    )
    for label in ("CSV", "XLSX", "PDF"):
        expect(row.get_by_role("link", name=re.compile(f"^{label} of the report"))).to_be_visible()
    expect(reports).not_to_contain_text("E2E-NOT")
    # The one hub is named, not offered; hiding small numbers is said, not a box to untick.
    expect(page.get_by_text("Hub: Riverside Hub")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_text(re.compile("Small numbers are hidden in every report"))).to_be_visible()
    axe_check(page, "commissioner")
    screenshot(page, "reports-one-hub")

    # A period that ends before it starts is refused, naming the problem; nothing is built.
    page.get_by_label("Period from").fill("2026-03-31")
    page.get_by_label("Period to").fill("2025-04-01")
    page.get_by_role("button", name="Build report").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page, "commissioner")
    screenshot(page, "reports-build-refused")
    assert EvaluationReport.objects.filter(hubs=hub).count() == 1

    page.get_by_label("Period from").fill("2025-04-01")
    page.get_by_label("Period to").fill("2026-03-31")
    page.get_by_role("button", name="Build report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation report")
    axe_check(page, "commissioner")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reports", exact=True
    ).click()
    expect(page.get_by_role("row").filter(has_text="1 Apr 2025 to 31 Mar 2026")).to_have_count(1)
    report = EvaluationReport.objects.get(hubs=hub, requested_by=commissioner)
    assert report.suppressed
    assert list(report.hubs.all()) == [hub]
