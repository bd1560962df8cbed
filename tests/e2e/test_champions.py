"""A practice champion logs what they did, and corrects or deletes it until the month's report is
built; a coordinator sees the hub's champions."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cc4c import formatting
from champions.models import Activity, ActivityType
from evaluation.tasks import monthly_reports
from hubs.models import Role
from tests.champions.factories import ActivityFactory, ChampionFactory, CheckFactory
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


@pytest.fixture
def practice(transactional_db):
    return PracticeFactory(
        hub=HubFactory(code="E2E-CH", name="Canalside Hub"), name="Canal Surgery"
    )


def test_champion_signs_in_without_an_authenticator_and_records_an_activity(page, practice):
    person = member(
        Role.CHAMPION,
        practice.hub,
        practice=practice,
        mfa=False,
        first_name="Sofia",
        last_name="Rossi",
    )
    champion = ChampionFactory(
        practice=practice, person=person, given_name="Sofia", family_name="Rossi"
    )
    CheckFactory(champion=champion)
    ActivityFactory(champion=champion, notes="Baby weighing clinic chat")

    sign_in(page, person)
    axe_check(page, "champion")
    # A champion's only page: the menu's "Champions" entry opens it.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Champions", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My volunteering")
    expect(page.get_by_text("Baby weighing clinic chat")).to_be_visible()
    axe_check(page, "champion")
    screenshot(page, "champion-own-page")

    page.get_by_role("link", name="Record an activity").click()
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Type of activity").select_option("waiting_room")
    page.get_by_label("Hours volunteered").fill("30")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page, "champion")
    screenshot(page, "champion-activity-form-error")

    page.get_by_label("Hours volunteered").fill("1.5")
    page.get_by_label("People reached").fill("9")
    page.get_by_label("Notes").fill("Talked to parents about fevers")
    page.get_by_role("button", name="Save activity").click()

    expect(page.get_by_role("status")).to_contain_text("your activity is recorded")
    expect(page.get_by_text("Talked to parents about fevers")).to_be_visible()
    assert Activity.objects.filter(champion=champion, people_reached=9).exists()


def test_champion_cannot_open_the_hub_pages(page, practice):
    person = member(Role.CHAMPION, practice.hub, practice=practice, mfa=False)
    ChampionFactory(practice=practice, person=person)
    sign_in(page, person)
    response = page.goto(f"/champions/hub/{practice.hub_id}/")
    assert response.status == 404
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator(f'a[href="{reverse("champions:index")}"]')).to_have_count(0)


def test_gp_sees_the_hubs_champions_by_month_with_a_chart(page, practice):
    gp = member(Role.GP, practice.hub, practice=practice)
    for n, champion in enumerate(ChampionFactory.create_batch(3, practice=practice)):
        for month in range(6):
            ActivityFactory(
                champion=champion,
                date=timezone.localdate() - datetime.timedelta(days=30 * month + n),
            )
    sign_in(page, gp)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Champions", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Canalside Hub")
    expect(page.get_by_role("img", name=re.compile("Volunteer hours by month"))).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "champions-hub")
    page.get_by_role("link", name="Canal Surgery").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Canal Surgery")
    axe_check(page, "gp")


def test_coordinator_opens_the_admin_site_and_sees_only_their_hub(page, practice):
    coordinator = member(Role.COORDINATOR, practice.hub, is_staff=True)
    mine = ChampionFactory(practice=practice, given_name="Ourhub")
    CheckFactory(champion=mine, date=timezone.localdate() - datetime.timedelta(days=1090))
    other_practice = PracticeFactory(hub=HubFactory(code="E2E-OTHER", name="Elsewhere Hub"))
    ChampionFactory(practice=other_practice, given_name="Theirhub")

    sign_in(page, coordinator)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Admin", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Your hubs")).to_be_visible()
    axe_check(page, "coordinator")
    screenshot(page, "admin-index")
    page.get_by_role("link", name="Champions", exact=True).click()
    expect(page.get_by_text("Ourhub")).to_be_visible()
    expect(page.get_by_text("Expires within 30 days")).to_be_visible()
    expect(page.get_by_text("Theirhub")).to_have_count(0)
    axe_check(page, "coordinator")
    screenshot(page, "admin-champions")

    page.goto("/admin/hubs/practice/")
    expect(page.get_by_text(practice.name)).to_be_visible()
    expect(page.get_by_text(other_practice.name)).to_have_count(0)
    response = page.goto(f"/admin/hubs/practice/{other_practice.pk}/change/")
    assert response.status == 404


def csv_upload(name, lines):
    return {"name": name, "mimeType": "text/csv", "buffer": ("\r\n".join(lines) + "\r\n").encode()}


def test_coordinator_uploads_a_champions_log_with_an_error_then_a_good_one(page, practice):
    coordinator = member(Role.COORDINATOR, practice.hub, is_staff=True)
    header = "champion_ref,given_name,family_name,practice_ods,activity_date,activity_type,hours"
    good = f"CH-1,Ruth,Baker,{practice.ods_code},2025-06-01,peer_support,2"

    sign_in(page, coordinator)
    page.goto("/admin/cc4c/importrun/upload/")
    page.get_by_label("What the file holds").select_option("champion-activities")
    page.get_by_label("CSV file").set_input_files(
        csv_upload(
            "log.csv", [header, good, f"CH-1,Ruth,Baker,{practice.ods_code},2025-06-02,knitting,2"]
        )
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("line 3: activity_type: 'knitting'")
    axe_check(page, "coordinator")
    screenshot(page, "admin-import-refused")
    assert not Activity.objects.exists()

    page.get_by_label("What the file holds").select_option("champion-activities")
    page.get_by_label("CSV file").set_input_files(csv_upload("log.csv", [header, good]))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text(re.compile("Imported log.csv"))).to_be_visible()
    assert Activity.objects.get().champion.name == "Ruth Baker"


def test_champion_corrects_and_deletes_an_activity_until_the_months_report_is_built(page, practice):
    person = member(Role.CHAMPION, practice.hub, practice=practice, mfa=False)
    champion = ChampionFactory(practice=practice, person=person)
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    wrong = ActivityFactory(
        champion=champion, recorded_by=person, date=last_month + datetime.timedelta(days=2),
        hours=Decimal("20"), notes="Typed 20 for 2",
    )  # fmt: skip
    twice = ActivityFactory(
        champion=champion, recorded_by=person, date=last_month + datetime.timedelta(days=4),
        type=ActivityType.WAITING_ROOM, notes="Recorded twice",
    )  # fmt: skip
    late = ActivityFactory(
        champion=champion, recorded_by=person, date=last_month + datetime.timedelta(days=9),
        type=ActivityType.HEALTH_EDUCATION, notes="Corrected too late",
    )  # fmt: skip

    sign_in(page, person)
    page.goto("/champions/me/")
    page.get_by_role(
        "link", name=re.compile(rf"^Change .* on {formatting.day(wrong.date)}$")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change an activity")
    expect(page.get_by_label("Hours volunteered")).to_have_value("20.00")
    page.get_by_label("Hours volunteered").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page, "champion")
    page.get_by_label("Hours volunteered").fill("2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Your activity on {formatting.day(wrong.date)} is changed."
    )
    wrong.refresh_from_db()
    assert wrong.hours == Decimal("2")
    axe_check(page, "champion")

    # Deleting asks first; keeping it changes nothing.
    page.get_by_role(
        "link", name=re.compile(rf"^Delete .* on {formatting.day(twice.date)}$")
    ).click()
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    axe_check(page, "champion")
    screenshot(page, "champion-delete-confirm")
    page.get_by_role("link", name="Keep it and go back to my volunteering").click()
    assert Activity.objects.filter(pk=twice.pk).exists()
    page.get_by_role(
        "link", name=re.compile(rf"^Delete .* on {formatting.day(twice.date)}$")
    ).click()
    page.get_by_role("button", name="Delete this activity").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Your activity on {formatting.day(twice.date)} is deleted."
    )
    expect(page.get_by_text("Recorded twice")).to_have_count(0)
    assert not Activity.objects.filter(pk=twice.pk).exists()

    # The change form is open when the month's report is built: saving is refused, saying why.
    page.get_by_role(
        "link", name=re.compile(rf"^Change .* on {formatting.day(late.date)}$")
    ).click()
    monthly_reports()
    page.get_by_label("Hours volunteered").fill("4")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"The report for {formatting.month(late.date)} is built, "
        "so this activity can no longer be changed."
    )
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    axe_check(page, "champion")
    screenshot(page, "champion-change-refused")
    late.refresh_from_db()
    assert late.hours == Decimal("2.00")

    # Nor can it be deleted now; the own page says the report is built and offers neither.
    page.goto(f"/champions/me/activities/{late.pk}/delete/")
    expect(page.get_by_role("button", name="Delete this activity")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("can no longer be deleted")
    page.goto("/champions/me/")
    expect(page.get_by_role("link", name=re.compile(r"^(Change|Delete) "))).to_have_count(0)
    expect(page.get_by_text("Report built")).to_have_count(2)
    assert Activity.objects.filter(pk=late.pk).exists()
