"""Signing in: the form, the authenticator step, the keyboard alone, and what axe says."""

import re

import pytest
from playwright.sync_api import expect

from hubs.models import Role
from tests.e2e.conftest import axe_check, screenshot, sign_in, tab_to, totp_code
from tests.factories import TEST_PASSWORD, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


@pytest.fixture
def gp(transactional_db):
    hub = HubFactory(code="E2E-GP", name="Riverside Child Health Hub")
    return member(
        Role.GP, hub, practice=PracticeFactory(hub=hub), first_name="Amira", last_name="Hassan"
    )


def test_sign_in_page_passes_axe_and_fits_a_phone(page):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page, "no login")
    screenshot(page, "sign-in")


def test_gp_signs_in_with_their_authenticator_and_reaches_home(page, gp):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(gp.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    axe_check(page, "gp")
    screenshot(page, "sign-in-authenticator")
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Amira Hassan")
    expect(page.get_by_text("Riverside Child Health Hub")).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "home-gp")


def test_a_wrong_authenticator_code_is_refused(page, gp):
    sign_in_page = page
    sign_in_page.goto("/accounts/login/")
    page.get_by_label("Email").fill(gp.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill("000000" if totp_code() != "000000" else "111111")
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page.get_by_text(re.compile("incorrect code", re.I))).to_be_visible()
    axe_check(page, "gp")


def test_gp_signs_in_with_the_keyboard_alone(page, gp):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    # The first stop is the skip link, and it shows itself when focused.
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()

    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(gp.email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    tab_to(page, page.get_by_label("Code"))
    page.keyboard.type(totp_code())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Amira Hassan")

    # The way out is reachable by keyboard too.
    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/(login|logout)/"))


def test_sign_in_helper_lands_on_home(page, gp):
    sign_in(page, gp)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
