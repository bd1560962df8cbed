"""A commissioner reads the reports of the hubs they commission, downloads them, and cannot
open a child's record."""

import datetime

import pytest
from playwright.sync_api import expect

from evaluation.models import EvaluationReport
from evaluation.services import build
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
