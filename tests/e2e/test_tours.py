"""Each clinical role walks the main pages of every part of the service: each page loads
with one heading, passes axe-core, and fits desktop and phone screens (screenshots kept)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from hubs.models import Role
from tests.advice.factories import AdviceRequestFactory
from tests.champions.factories import ActivityFactory, ChampionFactory
from tests.clinics.factories import ClinicSessionFactory, ReferralFactory
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.mdt.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def hub_world(transactional_db):
    hub = HubFactory(code="E2E-TOUR", name="Tour Child Health Hub")
    practice = PracticeFactory(hub=hub, name="Tour Surgery")
    child = ChildFactory(
        practice=practice, given_name="Maya", family_name="Tourchild", conditions=["195967001"]
    )
    # Today's meeting: a meeting can be started only on its day.
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now())
    CaseFactory(meeting=meeting, child=child)
    session = ClinicSessionFactory(host_practice=practice)
    ReferralFactory(child=ChildFactory(practice=practice))
    request = AdviceRequestFactory(hub=hub, child=child)
    ActivityFactory(champion=ChampionFactory(practice=practice))
    return {
        "hub": hub,
        "practice": practice,
        "child": child,
        "meeting": meeting,
        "session": session,
        "request": request,
    }


def tour(page, who, pages):
    """Visit each (name, url); collect every problem so one run shows them all."""
    problems = []
    for name, url in pages:
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"{url}: status {response.status}")
            continue
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        for check, args in ((axe_check, (page, who)), (screenshot, (page, name))):
            try:
                check(*args)
            except AssertionError as exc:
                problems.append(str(exc))
    assert not problems, "\n\n".join(problems)


def test_gp_tour_ending_with_an_asthma_plan_marked_reviewed(page, hub_world):
    w = hub_world
    gp = member(Role.GP, w["hub"], practice=w["practice"])
    sign_in(page, gp)
    tour(
        page,
        "gp",
        [
            ("population-hub", reverse("population:hub", args=[w["hub"].pk])),
            ("child-record", reverse("population:child", args=[w["child"].pk])),
            ("asthma-worklist", reverse("population:asthma_worklist", args=[w["hub"].pk])),
            ("mdt-meetings", reverse("mdt:meetings")),
            ("mdt-put-forward", reverse("mdt:put_forward")),
            ("mdt-my-cases", reverse("mdt:my_cases")),
            ("advice-ask", reverse("advice:ask")),
            ("advice-mine", reverse("advice:mine")),
            ("clinics-waiting-list", reverse("clinics:waiting_list")),
        ],
    )

    page.goto(reverse("population:asthma_worklist", args=[w["hub"].pk]))
    page.get_by_role("button", name="Reviewed today for Maya Tourchild").click()
    expect(page.get_by_role("status")).to_contain_text("Asthma plan review recorded")
    expect(page.get_by_role("button", name="Reviewed today for Maya Tourchild")).to_have_count(0)
    w["child"].refresh_from_db()
    assert w["child"].asthma_plan_reviewed_on == timezone.localdate()


def test_paediatrician_tour_ending_with_an_mdt_meeting_run(page, hub_world):
    w = hub_world
    paediatrician = member(Role.PAEDIATRICIAN, w["hub"])
    sign_in(page, paediatrician)
    tour(
        page,
        "paediatrician",
        [
            ("advice-queue", reverse("advice:queue")),
            ("advice-request", reverse("advice:detail", args=[w["request"].pk])),
            ("mdt-hub", reverse("mdt:hub", args=[w["hub"].pk])),
            ("mdt-meeting", reverse("mdt:meeting", args=[w["meeting"].pk])),
            ("clinic-sessions", reverse("clinics:session_list")),
            ("clinic-session", reverse("clinics:session_detail", args=[w["session"].pk])),
            ("clinic-follow-ups", reverse("clinics:follow_up_list")),
        ],
    )
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(re.compile("advice", re.I))

    # Then runs the MDT meeting: the case's outcome recorded, the meeting finished.
    page.goto(reverse("mdt:meeting", args=[w["meeting"].pk]))
    page.get_by_role("button", name="Start the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Tourchild")
    axe_check(page, "paediatrician")
    screenshot(page, "mdt-case-in-meeting")
    page.get_by_label("Advice given, care stays in primary care").check()
    page.get_by_label("Plan").fill("Trial of inhaled steroid; GP to review in six weeks.")
    page.get_by_role("button", name="Save outcome and actions").click()
    expect(page.get_by_role("status")).to_contain_text("Outcome saved")
    page.goto(reverse("mdt:meeting", args=[w["meeting"].pk]))
    page.get_by_role("link", name="Finish the meeting").click()
    page.get_by_role("button", name="Finish the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting finished")
    w["meeting"].refresh_from_db()
    assert w["meeting"].status == "finished"
