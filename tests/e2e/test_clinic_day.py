"""The clinic day in the browser, unhappy turns included: the coordinator books from the
waiting list and from a free slot (no child preselected, twins told apart), is refused a
session that ended while the page was open; the paediatrician records attendance only on the
day, and a not-brought child is booked again from the follow-up or put back on the waiting
list at the original referral date."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from clinics.models import Appointment, FollowUpStatus, Referral, ReferralStatus
from hubs.models import Role
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    ReferralFactory,
    free_slot,
)
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
# Tuesday 10 March 2026, 10:00 in London; the clock runs on from there.
MORNING = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)
TUESDAY = MORNING.date()


def section_link(page, name):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Clinics", exact=True
    ).click()
    page.get_by_role("navigation", name="Clinics", exact=True).get_by_role(
        "link", name=name
    ).click()


def test_coordinator_books_from_the_waiting_list_and_a_free_slot_and_is_refused_a_past_one(
    page,
):
    with time_machine.travel(MORNING) as clock:
        hub = HubFactory(code="E2E-CDAY", name="Clinic Day Hub")
        practice = PracticeFactory(hub=hub, name="Elm Street Surgery")
        member(Role.PAEDIATRICIAN, hub)
        twins = [
            ReferralFactory(
                child=ChildFactory(
                    practice=practice,
                    given_name="Amelia",
                    family_name="Jones",
                    date_of_birth=born,
                ),
                referral_date=TUESDAY - datetime.timedelta(days=days),
            )
            for born, days in ((datetime.date(2019, 4, 2), 30), (datetime.date(2024, 11, 20), 20))
        ]
        noah = ReferralFactory(
            child=ChildFactory(practice=practice, given_name="Noah", family_name="Smith"),
            referral_date=TUESDAY - datetime.timedelta(days=10),
        )
        this_morning = ClinicSessionFactory(
            host_practice=practice, date=TUESDAY, end_time=datetime.time(10, 20)
        )
        next_week = ClinicSessionFactory(host_practice=practice)
        coordinator = member(Role.COORDINATOR, hub, is_staff=True)

        sign_in(page, coordinator)
        section_link(page, "Clinic waiting list")
        warning = page.get_by_role("status").filter(has_text="share a name")
        expect(warning).to_contain_text("Amelia Jones")
        rows = page.get_by_role("row").filter(
            has=page.get_by_role("link", name=re.compile("^Book"))
        )
        expect(rows).to_have_count(3)  # Book on each row
        axe_check(page, "coordinator")
        screenshot(page, "clinic-waiting-list")

        page.get_by_role("link", name="Book Noah Smith").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Book Noah Smith into a clinic")
        expect(page.get_by_role("radio", checked=True)).to_have_count(0)
        page.get_by_role("button", name="Book Noah Smith").click()
        expect(page.get_by_text("There is a problem")).to_be_visible()
        expect(page.get_by_role("link", name="Select the slot to book.")).to_be_visible()
        axe_check(page, "coordinator")
        screenshot(page, "clinic-book-child-error")
        page.get_by_role("radio", name=re.compile(r"Tue 17 Mar 2026 at 09:00")).check()
        page.get_by_role("button", name="Book Noah Smith").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Booked: Noah Smith (NHS number "
            f"{noah.child.formatted_nhs_number}) on Tue 17 Mar 2026 at 09:00, Elm Street Surgery."
        )
        axe_check(page, "coordinator")
        assert Appointment.objects.get(child=noah.child).slot.session == next_week

        # A free slot this morning: the picker preselects no one and tells the twins apart.
        page.goto(f"/clinics/sessions/{this_morning.pk}/")
        page.get_by_role("link", name="Book the 09:40 slot").click()
        expect(page.get_by_role("radio")).to_have_count(2)
        expect(page.get_by_role("radio", checked=True)).to_have_count(0)
        expect(page.get_by_role("status").filter(has_text="share a name")).to_be_visible()
        younger = twins[1].child
        for twin in twins:
            row = page.get_by_role("row").filter(has_text=twin.child.formatted_nhs_number)
            expect(row).to_contain_text(twin.child.date_of_birth.strftime("%b %Y"))
            expect(row).to_contain_text(twin.child.age_text())
            expect(row).to_contain_text("Same name as another child")
        axe_check(page, "coordinator")
        screenshot(page, "clinic-book-slot")
        page.get_by_role("radio", name=re.compile(younger.formatted_nhs_number)).check()

        # The session ends while the page is open: the booking is refused, clearly.
        clock.shift(datetime.timedelta(minutes=25))
        page.get_by_role("button", name="Book the 09:40 slot").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_contain_text(
            "The clinic of Tue 10 Mar 2026 ended at 10:20: it is over, so no one can be booked"
        )
        axe_check(page, "coordinator")
        screenshot(page, "clinic-book-slot-over")
        assert not Appointment.objects.filter(child=younger).exists()

        page.get_by_role("link", name="Back to the session").click()
        expect(page.locator("dd").filter(has_text="Held")).to_be_visible()
        expect(page.get_by_role("link", name="Cancel this session")).to_have_count(0)
        expect(page.get_by_role("link", name=re.compile("^Book the"))).to_have_count(0)
        axe_check(page, "coordinator")
        screenshot(page, "clinic-session-held")


def test_paediatrician_records_the_day_and_no_child_is_left_on_no_list(page):
    with time_machine.travel(MORNING):
        hub = HubFactory(code="E2E-PDAY", name="Paediatric Day Hub")
        practice = PracticeFactory(hub=hub, name="Oak Surgery")
        gp = member(Role.GP, hub, practice=practice, first_name="Grace", last_name="Patel")
        paediatrician = member(Role.PAEDIATRICIAN, hub)
        today = ClinicSessionFactory(host_practice=practice, date=TUESDAY)
        tomorrow = ClinicSessionFactory(
            host_practice=practice, date=TUESDAY + datetime.timedelta(days=1)
        )
        next_week = ClinicSessionFactory(host_practice=practice)
        booked = {}
        for given, family, referred in (
            ("Isla", "Camewell", datetime.date(2026, 2, 2)),
            ("Omar", "Notbrought", datetime.date(2026, 1, 5)),
            ("Zara", "Missedtoo", datetime.date(2025, 12, 15)),
        ):
            referral = ReferralFactory(
                child=ChildFactory(practice=practice, given_name=given, family_name=family),
                referral_date=referred,
                status=ReferralStatus.BOOKED,
                referred_by=gp,
            )
            booked[family] = AppointmentFactory(
                slot=free_slot(today),
                child=referral.child,
                referral=referral,
                referral_date=referred,
            )
        AppointmentFactory(
            slot=free_slot(tomorrow),
            child=ChildFactory(practice=practice, given_name="Theo", family_name="Tomorrow"),
        )

        sign_in(page, paediatrician)
        page.goto(f"/clinics/sessions/{tomorrow.pk}/")
        expect(page.get_by_text("can be recorded from the day of the clinic")).to_be_visible()
        expect(
            page.get_by_role("button", name=re.compile("^(Attended|Not brought)"))
        ).to_have_count(0)
        axe_check(page, "paediatrician")
        screenshot(page, "clinic-session-tomorrow")

        page.goto(f"/clinics/sessions/{today.pk}/")
        page.get_by_role("button", name="Attended (Isla Camewell)").click()
        expect(page.get_by_role("status")).to_contain_text("Isla Camewell: attended.")
        for name in ("Omar Notbrought", "Zara Missedtoo"):
            page.get_by_role("button", name=f"Not brought ({name})").click()
            expect(page.get_by_role("status")).to_contain_text(
                f"{name}: not brought. A follow-up is open"
            )
        axe_check(page, "paediatrician")
        screenshot(page, "clinic-session-today")

        # Omar's family wants a new appointment: booked there and then, from the follow-up.
        section_link(page, "Not-brought follow-ups")
        page.get_by_role("link", name="Omar Notbrought").click()
        expect(page.get_by_role("link", name="Omar Notbrought's record")).to_be_visible()
        contact = page.locator("section").filter(has_text="Contact the family through the practice")
        expect(contact).to_contain_text("Oak Surgery")
        expect(contact.get_by_role("link", name=gp.email)).to_be_visible()
        page.get_by_label("Family contacted, wants a new appointment").check()
        page.get_by_role("button", name="Record the decision and close").click()
        expect(page.locator("[data-error-summary]")).to_contain_text(
            "Choose whether to book a slot now or put the child back on the list."
        )
        axe_check(page, "paediatrician")
        screenshot(page, "clinic-follow-up-error")
        expect(page.get_by_label("Book a slot now")).to_be_visible()  # rebook offered here
        page.get_by_label("Book a slot now").check()
        page.get_by_label("Slot to book").select_option(label="Tue 17 Mar 2026 09:00, Oak Surgery")
        page.get_by_role("button", name="Record the decision and close").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Omar Notbrought is booked: Tue 17 Mar 2026 09:00, Oak Surgery."
        )
        axe_check(page, "paediatrician")
        screenshot(page, "clinic-follow-up-rebooked")
        omar = booked["Notbrought"].child
        rebooked = Appointment.objects.get(child=omar, status="booked")
        assert rebooked.slot.session == next_week
        assert rebooked.referral_date == datetime.date(2026, 1, 5)

        # Zara: back on the waiting list at her original referral date.
        section_link(page, "Not-brought follow-ups")
        page.get_by_role("link", name="Zara Missedtoo").click()
        page.get_by_label("Rebooked").check()
        page.get_by_label(
            re.compile("Back on the waiting list at the original referral date")
        ).check()
        page.get_by_role("button", name="Record the decision and close").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Zara Missedtoo is back on the waiting list, referred Mon 15 Dec 2025."
        )
        section_link(page, "Clinic waiting list")
        row = page.get_by_role("row").filter(has_text="Zara Missedtoo")
        expect(row).to_contain_text("15 Dec 2025")
        expect(row.get_by_role("link", name="Book Zara Missedtoo")).to_be_visible()
        axe_check(page, "paediatrician")
        zara = booked["Missedtoo"].child
        referral = Referral.objects.get(child=zara)
        assert (referral.status, referral.referral_date) == ("waiting", datetime.date(2025, 12, 15))
        booked["Missedtoo"].follow_up.refresh_from_db()
        assert booked["Missedtoo"].follow_up.status == FollowUpStatus.CLOSED
