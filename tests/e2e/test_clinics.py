"""A paediatrician runs an outreach clinic session: one child attended, one not brought."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinics.models import Appointment
from hubs.models import Role
from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


def test_paediatrician_marks_one_child_attended_and_one_not_brought(page):
    hub = HubFactory(code="E2E-CLI", name="Clinic Hub")
    practice = PracticeFactory(hub=hub)
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    came = ChildFactory(practice=practice, given_name="Isla", family_name="Camewell")
    missed = ChildFactory(practice=practice, given_name="Omar", family_name="Notbrought")
    for child in (came, missed):
        AppointmentFactory(child=child, slot=free_slot(session))
    paediatrician = member(Role.PAEDIATRICIAN, hub)

    sign_in(page, paediatrician)
    page.goto(f"/clinics/sessions/{session.pk}/")
    axe_check(page, "paediatrician")
    screenshot(page, "clinic-session-run")
    page.get_by_role("row", name=re.compile("Camewell")).get_by_role(
        "button", name="Attended"
    ).click()
    expect(page.get_by_role("row", name=re.compile("Camewell"))).to_contain_text("Attended")
    page.get_by_role("row", name=re.compile("Notbrought")).get_by_role(
        "button", name="Not brought"
    ).click()
    expect(page.get_by_role("row", name=re.compile("Notbrought"))).to_contain_text("Not brought")
    axe_check(page, "paediatrician")

    statuses = dict(Appointment.objects.values_list("child__family_name", "status"))
    assert statuses == {"Camewell": "attended", "Notbrought": "not_brought"}
