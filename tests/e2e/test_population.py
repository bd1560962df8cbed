"""A GP's day from the home page: what is waiting for them (counts that lead to the lists), a
segment's children filtered, sorted and downloaded, and a child's record offering put forward,
refer and ask, with the child's hub history; what waits for a paediatrician and a coordinator."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from advice.models import Status, Urgency
from evaluation.models import HospitalActivity
from hubs.models import Membership, Role
from population.segmentation import resegment_children
from tests.advice.factories import AdviceRequestFactory
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    NotBroughtFollowUpFactory,
    ReferralFactory,
    free_slot,
)
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory
from tests.population.factories import ASTHMA

pytestmark = pytest.mark.e2e


def years_ago(years):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=40)


@pytest.fixture
def gps_hub(transactional_db):
    hub = HubFactory(code="E2E-POP", name="Population Hub")
    practice = PracticeFactory(hub=hub, name="Westway Surgery")
    gp = member(Role.GP, hub, practice=practice)
    chair = member(Role.PAEDIATRICIAN, hub)
    today = timezone.localdate()
    amara = ChildFactory(
        practice=practice, given_name="Amara", family_name="Okafor",
        date_of_birth=years_ago(7), conditions=[ASTHMA],
    )  # fmt: skip
    ben = ChildFactory(
        practice=practice, given_name="Ben", family_name="Achebe",
        date_of_birth=years_ago(3), conditions=[ASTHMA],
    )  # fmt: skip
    ChildFactory(
        practice=practice, given_name="Cara", family_name="Adeyemi",
        date_of_birth=years_ago(15), conditions=[ASTHMA],
    )  # fmt: skip
    past = MeetingFactory(
        hub=hub, chair=chair, status="finished",
        starts_at=timezone.now() - datetime.timedelta(days=21),
        finished_at=timezone.now() - datetime.timedelta(days=21),
    )  # fmt: skip
    case = CaseFactory(
        meeting=past, child=amara, put_forward_by=gp, discussed=True, outcome="other",
        clinical_question="Night cough on a preventer: step up or refer?",
    )  # fmt: skip
    ActionFactory(
        meeting=past, case=case, owner=gp, due_on=today - datetime.timedelta(days=2),
        description="Check inhaler technique with the family",
    )  # fmt: skip
    coming = MeetingFactory(hub=hub, chair=chair)
    CaseFactory(meeting=coming, child=ben, put_forward_by=gp)
    session = ClinicSessionFactory(host_practice=practice, date=today - datetime.timedelta(days=9))
    AppointmentFactory(slot=free_slot(session), child=amara, status="attended")
    NotBroughtFollowUpFactory(
        appointment=AppointmentFactory(slot=free_slot(session), child=ben, status="not_brought")
    )
    AdviceRequestFactory(
        hub=hub, child=amara, asked_by=gp, status=Status.AWAITING_INFO, reference="E2E-ADV-1",
        received_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    HospitalActivity.objects.create(
        practice=practice, month=today.replace(day=1), activity="ed_attendance", count=23
    )
    resegment_children()
    return hub, gp, amara


def waiting_item(page, label):
    return page.get_by_role("link", name=re.compile(rf"\d+\s+{label}"))


def test_a_gps_day_starts_from_what_is_waiting_on_the_home_page(page, gps_hub):
    hub, gp, _amara = gps_hub
    sign_in(page, gp)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    for label, count in (
        ("Cases to prepare", 1),
        ("MDT actions overdue", 1),
        ("Not-brought follow-ups due", 1),
        ("Advice requests waiting for your reply", 1),
        ("Asthma plans due a review", 3),
    ):
        expect(waiting_item(page, label)).to_contain_text(f"{count}")
    axe_check(page, "gp")
    screenshot(page, "gp-home-waiting")

    # Each count leads to its list.
    for label, path in (
        ("MDT actions overdue", "/mdt/my-actions/"),
        ("Cases to prepare", "/mdt/my-cases/"),
        ("Not-brought follow-ups due", "/clinics/follow-ups/"),
        ("Advice requests waiting for your reply", "/advice/mine/"),
        ("Asthma plans due a review", f"/population/hub/{hub.pk}/asthma-worklist/"),
    ):
        page.goto("/")
        waiting_item(page, label).click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        axe_check(page, "gp")
    expect(page.get_by_text("Okafor, Amara")).to_be_visible()


def test_a_gp_filters_sorts_and_downloads_a_segments_children(page, gps_hub):
    hub, gp, _amara = gps_hub
    sign_in(page, gp)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Population", exact=True
    ).click()
    page.get_by_role("link", name="3. Single long-term condition").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Segment 3")
    table = page.get_by_role("table")
    for heading in ("Born (age)", "Why", "Open actions", "Last hub contact"):
        expect(table.get_by_role("columnheader", name=heading)).to_be_visible()
    expect(table).to_contain_text("Asthma (long-term condition)")
    axe_check(page, "gp")
    screenshot(page, "segment-list")
    # An NHS number never breaks over two lines, on a laptop or a phone.
    for viewport in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
        page.set_viewport_size(viewport)
        lines = page.locator("table .nhs-number").evaluate_all(
            "els => els.map(el => el.getClientRects().length)"
        )
        assert lines and set(lines) == {1}, f"NHS numbers over several lines at {viewport}"
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Only children with open actions").check()
    page.get_by_role("button", name="Show children").click()
    expect(page.get_by_text("2 children.")).to_be_visible()
    expect(table).not_to_contain_text("Adeyemi")
    page.get_by_role("link", name="Last hub contact").click()
    page.get_by_role("link", name="Last hub contact").click()  # most recent first
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Okafor, Amara")
    axe_check(page, "gp")
    screenshot(page, "segment-list-filtered")

    page.get_by_label("Age").select_option(label="0–4 years")
    page.get_by_role("button", name="Show children").click()
    expect(page.get_by_text("1 child.")).to_be_visible()
    expect(table).to_contain_text("Achebe, Ben")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["NHS number", "Family name", "Given name"]
    assert [r[1] for r in rows[1:]] == ["Achebe"]

    # Filters that match no one say so and lead back to the whole list.
    page.get_by_label("Age").select_option(label="12–17 years")  # Cara, who has none open
    page.get_by_role("button", name="Show children").click()
    expect(page.get_by_text("No children match these filters.")).to_be_visible()
    expect(page.get_by_role("link", name="Download this list as CSV")).to_have_count(0)
    axe_check(page, "gp")
    page.get_by_role("link", name="Show every child in this list").click()
    expect(page.get_by_text("3 children.")).to_be_visible()


def test_a_childs_record_offers_the_next_steps_and_shows_the_hub_history(page, gps_hub):
    hub, gp, amara = gps_hub
    sign_in(page, gp)
    page.goto(f"/population/child/{amara.pk}/")
    steps = page.get_by_role("region", name="Next steps")
    for label in ("Put forward to an MDT meeting", "Refer to the outreach clinic",
                  "Ask the advice line"):  # fmt: skip
        expect(steps.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("region", name="MDT discussions")).to_contain_text(
        "Night cough on a preventer"
    )
    expect(page.get_by_role("region", name="Outreach clinic appointments")).to_contain_text(
        "Attended"
    )
    expect(page.get_by_role("region", name="Advice requests")).to_contain_text("E2E-ADV-1")
    hospital = page.get_by_role("region", name="Hospital activity")
    expect(hospital.get_by_role("row", name="Emergency department attendances")).to_contain_text(
        "23"
    )
    expect(hospital).to_contain_text("not this child's own visits")
    axe_check(page, "gp")
    screenshot(page, "child-record")

    # Each next step opens its page with this child chosen.
    for label, path in (
        ("Put forward to an MDT meeting", f"/mdt/put-forward/{amara.pk}/"),
        ("Refer to the outreach clinic", f"/clinics/refer/{amara.pk}/"),
        ("Ask the advice line", f"/advice/ask/?child={amara.pk}"),
    ):
        page.goto(f"/population/child/{amara.pk}/")
        page.get_by_role("region", name="Next steps").get_by_role("link", name=label).click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator("main")).to_contain_text(amara.formatted_nhs_number)
        axe_check(page, "gp")


def test_another_hubs_child_is_not_found_and_named_nowhere(page, gps_hub):
    _hub, gp, _amara = gps_hub
    elsewhere = ChildFactory(
        practice=PracticeFactory(hub=HubFactory(code="E2E-ELSE")), family_name="Farawayson"
    )
    sign_in(page, gp)
    for path in (f"/population/child/{elsewhere.pk}/", f"/mdt/put-forward/{elsewhere.pk}/",
                 f"/clinics/refer/{elsewhere.pk}/"):  # fmt: skip
        assert page.goto(path).status == 404
        expect(page.get_by_text("Farawayson")).to_have_count(0)
    page.goto(f"/advice/ask/?child={elsewhere.pk}")
    expect(page.get_by_text("Farawayson")).to_have_count(0)


def test_a_paediatrician_and_a_coordinator_each_find_what_waits_for_them(page, gps_hub):
    hub, gp, amara = gps_hub
    paediatrician = Membership.objects.get(hub=hub, role=Role.PAEDIATRICIAN).person
    coordinator = member(Role.COORDINATOR, hub)
    AdviceRequestFactory(
        hub=hub, child=amara, asked_by=gp, urgency=Urgency.URGENT, reference="E2E-ADV-2"
    )
    ReferralFactory(child=amara)

    sign_in(page, paediatrician)
    to_answer = waiting_item(page, "Advice requests to answer")
    expect(to_answer).to_contain_text("2")
    expect(to_answer).to_contain_text("1 urgent")
    expect(waiting_item(page, "Cases on meetings you chair")).to_contain_text("1")
    expect(waiting_item(page, "Cases to prepare")).to_have_count(0)
    axe_check(page, "paediatrician")
    screenshot(page, "paediatrician-home-waiting")
    to_answer.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("advice:queue")) + "$"))
    expect(page.get_by_role("row").filter(has_text="E2E-ADV-2")).to_contain_text("Urgent")
    axe_check(page, "paediatrician")

    page.context.clear_cookies()
    sign_in(page, coordinator)
    expect(waiting_item(page, "Children waiting for a clinic appointment")).to_contain_text("1")
    expect(waiting_item(page, "Family comments to approve")).to_contain_text("0")
    expect(waiting_item(page, "Advice requests to answer")).to_have_count(0)
    axe_check(page, "coordinator")
    waiting_item(page, "Children waiting for a clinic appointment").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("clinics:waiting_list")) + "$"))
    expect(page.get_by_role("main")).to_contain_text("Okafor")
    axe_check(page, "coordinator")
