"""A GP records a lesson at an MDT meeting, the chair publishes it, a GP of another hub finds
it in the library on a phone, and the first GP downloads their CPD certificate."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hubs.models import Role
from learning.models import LearningPoint
from mdt.models import Attendance
from tests.e2e.conftest import PHONE, axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.mdt.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.e2e


def switch_to(page, person):
    page.context.clear_cookies()
    sign_in(page, person)


def test_a_lesson_travels_from_one_hubs_mdt_to_another_and_into_a_cpd_certificate(page):
    hub = HubFactory(code="E2E-LEARN", name="Learning Hub")
    other = HubFactory(code="E2E-READ", name="Reading Hub")
    practice = PracticeFactory(hub=hub)
    gp = member(Role.GP, hub, practice=practice)
    chair = member(Role.PAEDIATRICIAN, hub)
    reader = member(Role.GP, other)
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = MeetingFactory(
        hub=hub,
        chair=chair,
        starts_at=starts,
        status="finished",
        started_at=starts,
        finished_at=starts + datetime.timedelta(hours=1),
        invitees=[gp],
    )
    CaseFactory(
        meeting=meeting,
        child=ChildFactory(practice=practice, given_name="Zephyrine", family_name="Lessonby"),
        discussed=True,
        outcome="primary_care_advice",
    )
    Attendance.objects.create(meeting=meeting, person=gp)

    sign_in(page, gp)
    page.goto(f"/mdt/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Learning points from this meeting").click()
    page.get_by_label("Short title").fill("Spacer technique first")
    page.get_by_label("Topic").select_option("asthma")
    page.get_by_label("Learning point").fill("Zephyrine's wheeze settled once the spacer was used.")
    page.get_by_role("button", name="Record the learning point").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("the name of a child discussed at this meeting").first).to_be_visible()
    axe_check(page, "gp")
    page.get_by_label("Learning point").fill("Wheeze often settles once the spacer is used well.")
    page.get_by_role("button", name="Record the learning point").click()
    expect(page.get_by_role("status")).to_contain_text("The chair approves it")

    switch_to(page, chair)
    page.goto("/learning/")
    page.get_by_role("link", name="Spacer technique first").click()
    page.get_by_role("button", name="Publish to the library").click()
    expect(page.get_by_role("status")).to_contain_text("published to the library")
    assert LearningPoint.objects.get().status == "published"

    switch_to(page, reader)
    page.set_viewport_size(PHONE)
    page.goto("/learning/")
    page.get_by_label("Topic").select_option("asthma")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Spacer technique first")).to_be_visible()
    expect(page.get_by_text("Lessonby")).to_have_count(0)
    axe_check(page, "gp")
    screenshot(page, "learning-library-phone")

    switch_to(page, gp)
    page.goto("/learning/cpd/")
    expect(page.get_by_role("cell", name="Learning Hub").first).to_be_visible()
    axe_check(page, "gp")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.failure() is None
