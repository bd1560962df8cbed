"""The advice line end to end: a GP asks about a child with a photo, a paediatrician claims
and answers, and the GP reads the answer."""

import re

import pytest
from playwright.sync_api import expect

from advice.models import AdviceRequest
from hubs.models import Role
from tests.advice.factories import PNG_BYTES
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, axe_check, screenshot, sign_in, tab_to
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e

QUESTION = "Eczema flaring for six weeks despite emollients and a mild steroid."
ANSWER = "Step up to a moderate-potency steroid for two weeks and review."


def new_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_gp_asks_with_a_photo_paediatrician_answers_and_gp_reads_it(page, browser, live_server):
    hub = HubFactory(code="E2E-ADV", name="Advice Hub")
    practice = PracticeFactory(hub=hub)
    child = ChildFactory(practice=practice, given_name="Leo", family_name="Adviceson")
    gp = member(Role.GP, hub, practice=practice)
    paediatrician = member(Role.PAEDIATRICIAN, hub, first_name="Tom", last_name="Okafor")

    sign_in(page, gp)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Advice", exact=True
    ).click()
    page.get_by_role("navigation", name="Advice", exact=True).get_by_role(
        "link", name="Ask for advice"
    ).click()
    page.get_by_label("Search by NHS number or name").fill(child.nhs_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=re.compile("^Ask about this child")).click()
    expect(page.get_by_text("About Leo Adviceson")).to_be_visible()
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page, "gp")
    page.get_by_label("Management").check()
    page.get_by_role("textbox", name="Question").fill(QUESTION)
    page.get_by_label("Attachments").set_input_files(
        {"name": "rash.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    expect(page.get_by_text("rash.png")).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "advice-request-gp")

    paed = new_page(browser, live_server)
    sign_in(paed, paediatrician)
    reference = AdviceRequest.objects.get(question=QUESTION).reference
    paed.goto("/advice/")
    axe_check(paed, "paediatrician")
    paed.get_by_role("link", name=reference, exact=True).click()
    paed.get_by_role("button", name="Claim this request").click()
    paed.get_by_label("Your reply").fill(ANSWER)
    paed.get_by_role("button", name="Send answer").click()
    expect(paed.get_by_text("Your answer has been sent.")).to_be_visible()
    axe_check(paed, "paediatrician")
    screenshot(paed, "advice-request-answered")
    paed.context.close()

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Advice", exact=True
    ).click()
    page.get_by_role("navigation", name="Advice", exact=True).get_by_role(
        "link", name="My advice requests"
    ).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    axe_check(page, "gp")


def test_gp_asks_a_question_with_the_keyboard_alone(page):
    hub = HubFactory(code="E2E-KEY", name="Keyboard Hub")
    practice = PracticeFactory(hub=hub)
    child = ChildFactory(practice=practice, given_name="Ava", family_name="Keysworth")
    gp = member(Role.GP, hub, practice=practice)
    sign_in(page, gp)

    nav = page.get_by_role("navigation", name="Main")
    tab_to(page, nav.get_by_role("link", name="Advice", exact=True))
    page.keyboard.press("Enter")
    tab_to(
        page,
        page.get_by_role("navigation", name="Advice", exact=True).get_by_role(
            "link", name="Ask for advice"
        ),
    )
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Search by NHS number or name"))
    page.keyboard.type(child.nhs_number)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name=re.compile("^Ask about this child")))
    page.keyboard.press("Enter")
    expect(page.get_by_text("About Ava Keysworth")).to_be_visible()

    tab_to(page, page.get_by_label("Cause or investigation"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Management")).to_be_checked()
    tab_to(page, page.get_by_role("textbox", name="Question"))
    page.keyboard.type(QUESTION)
    tab_to(page, page.get_by_role("button", name="Send the question"))
    page.keyboard.press("Enter")

    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert AdviceRequest.objects.get(question=QUESTION).child == child


def test_a_question_sent_with_a_double_click_is_one_request(page):
    hub = HubFactory(code="E2E-TWICE", name="Twice Hub")
    practice = PracticeFactory(hub=hub)
    gp = member(Role.GP, hub, practice=practice)
    sign_in(page, gp)
    page.goto("/advice/ask/")
    page.get_by_label("Management").check()
    page.get_by_role("textbox", name="Question").fill(QUESTION)
    page.get_by_role("button", name="Send the question").dblclick()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    [made] = AdviceRequest.objects.filter(hub=hub)
    expect(page.get_by_text(made.reference).first).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "advice-double-click")


def test_an_unproven_email_is_filed_only_once_its_gp_confirms_it(page, browser, live_server):
    from email.message import EmailMessage

    from advice import email_intake
    from tests.outbox import sent_mail

    hub = HubFactory(code="E2E-HELD", name="Held Hub", advice_email="advice.held@hub.example")
    practice = PracticeFactory(hub=hub)
    gp = member(Role.GP, hub, practice=practice, email="dr.held@practice.example")
    other = member(Role.GP, hub, practice=practice, email="dr.other@practice.example")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = gp.email, hub.advice_email, "Bow legs"
    message.set_content("Toddler with bow legs: physiological?")
    email_intake.accept(raw=message.as_bytes(), mail_from=gp.email, rcpt_to=hub.advice_email)
    [body] = [m.body for m in sent_mail() if m.subject.startswith("Confirm your question")]
    path = re.search(r"/advice/email/[^/\s]+/", body).group(0)
    assert not AdviceRequest.objects.exists()

    stranger = new_page(browser, live_server)
    sign_in(stranger, other)
    response = stranger.goto(path)
    assert response.status == 404  # the wrong GP: no such page
    stranger.context.close()

    sign_in(page, gp)
    page.goto(path)
    expect(page.get_by_role("heading", name="Confirm your emailed question")).to_be_visible()
    expect(page.get_by_text("Toddler with bow legs: physiological?")).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "advice-email-confirm")
    page.get_by_role("button", name=re.compile("Yes, I sent it")).click()
    made = AdviceRequest.objects.get()
    expect(page.get_by_text(f"Your emailed question is request {made.reference}.")).to_be_visible()
    assert made.asked_by == gp
    screenshot(page, "advice-email-confirmed")
    assert page.goto(path).status == 404  # the link is used
