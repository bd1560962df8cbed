"""A hub coordinator adds a practice and a person, schedules an outreach clinic session and
builds an evaluation report."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinics.models import ClinicSession
from evaluation.models import EvaluationReport
from hubs.models import Person, Practice, Role
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


def test_coordinator_adds_a_practice_and_a_person_schedules_a_clinic_builds_a_report(page):
    hub = HubFactory(code="E2E-CO", name="Coordinated Hub")
    PracticeFactory(hub=hub, name="First Surgery")
    coordinator = member(Role.COORDINATOR, hub, is_staff=True)
    sign_in(page, coordinator)

    page.goto("/admin/hubs/practice/add/")
    page.get_by_label("ODS code").fill("E12345")
    page.get_by_label("Name").fill("Second Street Surgery")
    page.get_by_label(re.compile(r"^\s*Hub\b")).select_option(label=str(hub))
    page.get_by_label("Postcode").fill("w2 1ny")
    axe_check(page, "coordinator")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Second Street Surgery")
    assert Practice.objects.get(ods_code="E12345").hub == hub

    page.goto("/admin/hubs/person/add/")
    page.get_by_label(re.compile(r"^\s*Email")).fill("new.gp@example.nhs.uk")
    page.get_by_label(re.compile(r"^\s*First name")).fill("Nia")
    page.get_by_label(re.compile(r"^\s*Last name")).fill("Newcombe")
    page.get_by_label(re.compile(r"^\s*Hub\b")).select_option(label=str(hub))
    page.get_by_label(re.compile(r"^\s*Role\b")).select_option("gp")
    page.get_by_label(re.compile(r"^\s*Practice\b")).select_option(
        label="Second Street Surgery (E12345)"
    )
    axe_check(page, "coordinator")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    invited = Person.objects.get(email="new.gp@example.nhs.uk")
    assert invited.memberships.get().hub == hub

    page.goto("/clinics/sessions/new/")
    day = timezone.localdate() + timezone.timedelta(days=14)
    page.get_by_label(re.compile(r"^\s*Hub\b")).select_option(label=str(hub))
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Host practice").select_option(label="Second Street Surgery (E12345)")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End time").fill("11:00")
    axe_check(page, "coordinator")
    screenshot(page, "clinic-session-new")
    page.get_by_role("button", name="Create the session and its slots").click()
    expect(page.get_by_role("status")).to_contain_text("Session created with 6 slots")
    assert ClinicSession.objects.get(hub=hub).date == day

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reports", exact=True
    ).click()
    # The coordinator has one hub: it is chosen already and named, not offered as a box.
    expect(page.get_by_text("Hub: Coordinated Hub")).to_be_visible()
    page.get_by_label("Period from").fill("2025-04-01")
    page.get_by_label("Period to").fill("2026-03-31")
    axe_check(page, "coordinator")
    page.get_by_role("button", name="Build report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation report")
    report = EvaluationReport.objects.get()
    assert report.status == "done", report.status
    page.reload()
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    axe_check(page, "coordinator")
