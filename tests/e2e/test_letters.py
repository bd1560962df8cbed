"""A coordinator finds a letter that could not be sent on the list of letters not sent, reads
why, puts the practice right and sends it again; the list then says every letter has gone.
Every page is checked with axe-core."""

import pytest
from playwright.sync_api import expect

from advice import services as advice_services
from hubs.models import Role
from letters.models import Letter, Status
from tests.advice.factories import AdviceRequestFactory
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.letters.helpers import relay_waiting

pytestmark = pytest.mark.e2e


def test_a_coordinator_puts_a_practice_right_and_sends_its_letter_again(page, settings):
    settings.MESH_URL = settings.MESH_MAILBOX = ""  # no MESH here: the secure email route
    hub = HubFactory(code="E2E-LET", name="Letters Hub")
    practice = PracticeFactory(hub=hub, name="Birch Surgery", mesh_mailbox="", secure_email="")
    coordinator = member(Role.COORDINATOR, hub, is_staff=True)
    gp, paediatrician = member(Role.GP, hub), member(Role.PAEDIATRICIAN, hub)
    child = ChildFactory(practice=practice, given_name="Nia", family_name="Postbox")
    request = AdviceRequestFactory(hub=hub, child=child, asked_by=gp, question="Eczema.")
    advice_services.answer(
        advice_request=request, text="Emollients, then review.", by=paediatrician
    )
    relay_waiting()
    letter = Letter.objects.get()
    assert letter.status == Status.FAILED

    sign_in(page, coordinator)
    page.goto("/letters/not-sent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters not sent")
    row = page.get_by_role("row").filter(has_text=letter.reference)
    expect(row).to_contain_text("Nia Postbox")
    expect(row).to_contain_text("no MESH mailbox and no secure email address")
    axe_check(page, "coordinator")
    screenshot(page, "letters-not-sent")

    page.get_by_label("Search by practice").fill("nobody-matches-this")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No letter not sent matches that search.")).to_be_visible()
    axe_check(page, "coordinator")
    page.get_by_role("link", name="Show every letter not sent").click()

    practice.secure_email = "birch.surgery@nhs.net"
    practice.save(update_fields=["secure_email"])
    page.get_by_role("button", name=f"Send again letter {letter.reference}").click()
    expect(page.get_by_role("status")).to_be_visible()
    axe_check(page, "coordinator")
    # Relayed once the send-again committed, by the secure email route now set.
    letter.refresh_from_db()
    assert (letter.status, letter.route) == (Status.SENT, "email")
    expect(
        page.get_by_text("Every letter to the practices of your hubs has been sent.")
    ).to_be_visible()
    screenshot(page, "letters-all-sent")
