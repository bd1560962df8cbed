"""Signing in with NHS CIS2 in the browser, through the stand-in provider's own sign-in page
(tests/cis2_provider.py), and out again through its sign-out."""

import re

import pytest
from playwright.sync_api import expect

from hubs.models import Role
from tests.e2e.conftest import axe_check, screenshot
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


@pytest.fixture
def cis2_live(cis2, live_server):
    """The stand-in CIS2 with the live server registered as its client's redirect address."""
    cis2.client.redirect_uris[:] = [f"{live_server.url}/accounts/cis2/login/callback/"]
    cis2.client.post_logout_redirect_uris[:] = [f"{live_server.url}/accounts/login/"]
    return cis2


def sign_in_at_cis2(page, identity, authenticator="Smartcard"):
    page.get_by_label("Username").fill(identity.username)
    page.get_by_label("Passcode").fill(identity.passcode)
    page.get_by_label(authenticator).check()
    page.get_by_role("button", name="Continue").click()


def test_gp_signs_in_with_a_smartcard_through_cis2_sees_a_child_and_signs_out(page, cis2_live):
    hub = HubFactory(code="E2E-CIS2", name="Riverside Child Health Hub")
    practice = PracticeFactory(hub=hub)
    child = ChildFactory(practice=practice, given_name="Olly", family_name="Okafor")
    gp = member(Role.GP, hub, practice=practice, first_name="Priya", last_name="Shah", mfa=False)
    identity = cis2_live.add_identity(
        username="pshah",
        passcode="card-pin-2468",
        email=gp.email,
        given_name="Priya",
        family_name="Shah",
    )

    page.goto("/accounts/login/")
    axe_check(page, "no login")
    screenshot(page, "sign-in-with-cis2")
    page.get_by_role("button", name="Sign in with NHS CIS2").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(cis2_live.issuer)}/authorize\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Care Identity Service: sign in")
    sign_in_at_cis2(page, identity)

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya Shah")
    expect(page.get_by_text("Riverside Child Health Hub")).to_be_visible()
    axe_check(page, "gp (cis2)")
    page.goto(f"/population/child/{child.pk}/")
    expect(page.get_by_text("Okafor").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert [back for _, back in cis2_live.ended_sessions] == [page.url]
    page.goto(f"/population/child/{child.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_someone_no_hub_invited_is_told_whom_to_ask(page, cis2_live):
    stranger = cis2_live.add_identity(
        username="sstranger",
        passcode="card-pin-1357",
        email="sam.stranger@nhs.net",
        given_name="Sam",
        family_name="Stranger",
    )
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with NHS CIS2").click()
    sign_in_at_cis2(page, stranger, authenticator="Authenticator app on a phone")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have not been invited to a hub yet"
    )
    expect(page.get_by_text("sam.stranger@nhs.net")).to_be_visible()
    axe_check(page, "no login")
    screenshot(page, "cis2-not-invited")
