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
    page.get_by_role("navigation", name="Main").get_by_role(
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
