"""Families in the loop: a family opens the link of their booking text on a phone, says they
can't come, and the coordinator sees the slot given back and books the next child from the
waiting list into it. Every page is checked with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinics import services as clinics
from clinics.models import Appointment, AppointmentStatus
from families.models import Message
from hubs.models import Role
from tests.clinics.factories import ClinicSessionFactory, ReferralFactory, free_slot
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.e2e.test_feedback import phone  # noqa: F401 F811  (fixture)
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.families.factories import CarerFactory, FamilySettingsFactory

pytestmark = pytest.mark.e2e


def test_a_family_says_they_cant_come_on_a_phone_and_the_coordinator_books_the_next_child(
    page,
    phone,  # noqa: F811
):
    hub = HubFactory(code="E2E-FAM", name="Families Hub")
    FamilySettingsFactory(hub=hub, phone="020 7946 0123")
    practice = PracticeFactory(hub=hub, name="Elm Street Surgery")
    coordinator = member(Role.COORDINATOR, hub, is_staff=True)
    session = ClinicSessionFactory(
        host_practice=practice, date=timezone.localdate() + datetime.timedelta(days=9)
    )
    maisie = ChildFactory(practice=practice, given_name="Maisie", family_name="Textson")
    CarerFactory(child=maisie, name="Rosa Textson")
    referral = ReferralFactory(child=maisie)
    next_child = ChildFactory(practice=practice, given_name="Omar", family_name="Nextinline")
    ReferralFactory(
        child=next_child, referral_date=referral.referral_date - datetime.timedelta(days=3)
    )
    appointment = clinics.book_appointment(
        slot=free_slot(session), child=maisie, referral=referral, by=coordinator
    )
    link = Message.objects.get(appointment=appointment).outbox.personalisation["link"]

    phone.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(phone.get_by_role("heading", name="Maisie's appointment")).to_be_visible()
    body = phone.content()
    assert "Textson" not in body and maisie.nhs_number not in body
    axe_check(phone, "family")
    screenshot(phone, "families-answer")
    phone.get_by_label("We can't come").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    axe_check(phone, "family")
    assert (
        Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED_BY_FAMILY
    )
    phone.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(phone.get_by_role("heading", name="You have already answered")).to_be_visible()
    axe_check(phone, "family")

    sign_in(page, coordinator)
    page.goto("/clinics/")
    given_back = page.get_by_role("region", name="Slots families have given back")
    expect(given_back).to_contain_text("09:00")
    axe_check(page, "coordinator")
    screenshot(page, "families-given-back")
    given_back.get_by_role("link", name=re.compile("book a child from the waiting list")).click()
    axe_check(page, "coordinator")
    page.get_by_label(re.compile("Omar Nextinline")).check()
    page.get_by_role("button", name="Book the 09:00 slot").click()
    expect(page.get_by_text(re.compile("Booked: Omar Nextinline"))).to_be_visible()
    axe_check(page, "coordinator")
    booked = Appointment.objects.live().get(slot=appointment.slot)
    assert booked.child == next_child
    page.goto("/families/replies/")
    axe_check(page, "coordinator")
    page.goto("/families/outbox/")
    expect(
        page.get_by_text(re.compile("Maisie has an appointment at the children's clinic"))
    ).to_have_count(1)
    axe_check(page, "coordinator")
    screenshot(page, "families-outbox")
    page.goto(f"/families/child/{maisie.pk}/contacts/")
    axe_check(page, "coordinator")
