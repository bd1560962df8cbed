"""A GP puts a child forward to the hub's next MDT meeting."""

import pytest
from playwright.sync_api import expect

from hubs.models import Role
from mdt.models import CaseDiscussion
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.mdt.factories import MeetingFactory

pytestmark = pytest.mark.e2e


def test_gp_puts_a_child_forward_to_the_next_mdt_meeting(page):
    hub = HubFactory(code="E2E-MDT", name="MDT Hub")
    practice = PracticeFactory(hub=hub)
    child = ChildFactory(practice=practice, given_name="Noah", family_name="Mdtson")
    meeting = MeetingFactory(hub=hub)
    gp = member(Role.GP, hub, practice=practice)

    sign_in(page, gp)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="MDT", exact=True).click()
    page.get_by_role("navigation", name="MDT", exact=True).get_by_role(
        "link", name="Put a case forward"
    ).click()
    page.get_by_label("NHS number").fill(child.nhs_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Put forward").click()
    page.get_by_role("button", name="Put the case forward").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "mdt-put-forward-error")

    page.get_by_label("Clinical question").fill("Recurrent wheeze: is this asthma?")
    page.get_by_label("Your role").select_option("gp")
    page.get_by_label("Consent to discussion recorded").check()
    page.get_by_role("button", name="Put the case forward").click()

    expect(page.get_by_role("status")).to_contain_text("Case put forward to the MDT meeting")
    axe_check(page, "gp")
    assert CaseDiscussion.objects.get(child=child).meeting == meeting


def test_paediatrician_runs_a_meeting_records_outcome_and_action_then_finishes(page):
    import datetime

    from django.utils import timezone

    from mdt.models import Action, MeetingStatus
    from tests.mdt.factories import CaseFactory

    hub = HubFactory(code="E2E-MDTRUN", name="MDT Run Hub")
    practice = PracticeFactory(hub=hub)
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(minutes=5))
    discussed = CaseFactory(meeting=meeting, child=ChildFactory(practice=practice))
    waiting = CaseFactory(meeting=meeting, child=ChildFactory(practice=practice))
    paediatrician = member(Role.PAEDIATRICIAN, hub)

    sign_in(page, paediatrician)
    page.goto(f"/mdt/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Start the meeting").click()
    # Starting opens the first case on the agenda, one screen per case.
    page.get_by_label("Advice given, care stays in primary care").check()
    page.get_by_label("Plan").fill("GP to start a trial of laxatives; review in six weeks.")
    page.get_by_role("button", name="Save outcome and actions").click()
    expect(page.get_by_role("status").first).to_contain_text("Outcome saved")
    axe_check(page, "paediatrician")
    screenshot(page, "mdt-run-case")

    # Back on the first case, its outcome is kept and an action is added with it.
    page.goto(f"/mdt/cases/{discussed.pk}/")
    expect(page.get_by_label("Advice given, care stays in primary care")).to_be_checked()
    page.get_by_label("What is to be done").fill("Send the family the constipation leaflet")
    page.get_by_label("Who will do it").select_option(label=paediatrician.display_name)
    page.get_by_label("Due by").fill(
        (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Save outcome and actions").click()
    expect(page.get_by_role("status").first).to_contain_text("1 action added")

    page.goto(f"/mdt/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Finish the meeting").click()
    page.get_by_role("button", name="Finish the meeting").click()
    expect(page.get_by_role("status").first).to_contain_text("Meeting finished")
    axe_check(page, "paediatrician")
    screenshot(page, "mdt-finished")

    meeting.refresh_from_db()
    discussed.refresh_from_db()
    waiting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINISHED
    assert discussed.outcome == "primary_care_advice" and discussed.discussed
    assert Action.objects.filter(owner=paediatrician).count() == 1
    # The case the meeting did not reach moves on to the next meeting.
    assert waiting.meeting_id != meeting.pk
