"""The advice line's day in the browser, unhappy turns included: an urgent question comes first
in the paediatrician's queue although a routine one is due sooner; the GP replies to an answer
with a follow-up question and the paediatrician answers it in the same thread; a GP who types
the question before searching for the child keeps every word."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from advice import services
from advice.models import AdviceRequest, Status
from hubs.models import Role
from tests.advice.factories import AdviceRequestFactory
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
# Friday 13 March 2026, 16:30 in London.
FRIDAY_AFTERNOON = datetime.datetime(2026, 3, 13, 16, 30, tzinfo=LONDON)
QUESTION = "Bruising on the shins and arms noticed by nursery this week; bloods not done yet."
ANSWER = "Please do a full blood count and film today; send the result to us."
FOLLOW_UP = "The full blood count is normal, platelets 260. Anything more before the clinic?"
SECOND_ANSWER = "No: book the outreach clinic and give the family the bruising leaflet."


def other_page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def advice_link(page, name):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Advice", exact=True
    ).click()
    page.get_by_role("navigation", name="Advice", exact=True).get_by_role("link", name=name).click()


def test_an_urgent_request_comes_first_in_the_queue_and_is_due_that_evening(page):
    with time_machine.travel(FRIDAY_AFTERNOON):
        hub = HubFactory(code="E2E-URG", name="Urgent Hub")
        practice = PracticeFactory(hub=hub)
        paediatrician = member(Role.PAEDIATRICIAN, hub)
        child = ChildFactory(practice=practice)
        at = FRIDAY_AFTERNOON.replace
        routine = AdviceRequestFactory(hub=hub, received_at=at(hour=12, minute=0), child=child)
        urgent = AdviceRequestFactory(
            hub=hub, received_at=at(hour=16, minute=0), urgency="urgent", question=QUESTION
        )

        sign_in(page, paediatrician)
        advice_link(page, "Advice queue")
        rows = page.get_by_role("table").get_by_role("row")
        expect(rows.nth(1)).to_contain_text(urgent.reference)
        expect(rows.nth(1)).to_contain_text("Urgent")
        expect(rows.nth(1)).to_contain_text("due Fri 13 Mar 2026 20:00")
        expect(rows.nth(2)).to_contain_text(routine.reference)
        expect(rows.nth(2)).to_contain_text("due Sat 14 Mar 2026 12:00")
        axe_check(page, "paediatrician")
        screenshot(page, "advice-queue-urgent")

        page.get_by_role("link", name=urgent.reference, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Urgent")
        expect(page.get_by_text("4 hours (urgent)")).to_be_visible()
        axe_check(page, "paediatrician")
        screenshot(page, "advice-request-urgent")


def test_a_gp_asks_a_follow_up_on_an_answered_request_and_the_paediatrician_answers_it(
    page, browser, live_server
):
    hub = HubFactory(code="E2E-FUP", name="Follow-up Hub")
    practice = PracticeFactory(hub=hub)
    child = ChildFactory(practice=practice, given_name="Ruby", family_name="Thread")
    gp = member(Role.GP, hub, practice=practice, first_name="Grace", last_name="Patel")
    paediatrician = member(Role.PAEDIATRICIAN, hub, first_name="Tom", last_name="Okafor")
    request = services.ask(
        hub=hub, child=child, question=QUESTION, request_type="management", urgency="routine", by=gp
    )
    services.answer(advice_request=request, text=ANSWER, by=paediatrician)

    sign_in(page, gp)
    advice_link(page, "My advice requests")
    page.get_by_role("link", name=request.reference, exact=True).click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    follow_up = page.get_by_role("region", name="Reply with a follow-up question")
    expect(follow_up).to_be_visible()  # the next step, offered on the answer
    follow_up.get_by_role("button", name="Send the follow-up question").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Write the follow-up question.")
    axe_check(page, "gp")
    page.get_by_label("Your follow-up question").fill(FOLLOW_UP)
    page.get_by_role("button", name="Send the follow-up question").click()
    expect(page.get_by_role("status")).to_contain_text("Your follow-up question has been sent.")
    expect(page.get_by_text(FOLLOW_UP)).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "advice-follow-up-gp")

    paed = other_page(browser, live_server)
    sign_in(paed, paediatrician)
    advice_link(paed, "Advice queue")
    row = paed.get_by_role("row").filter(has_text=request.reference)
    expect(row).to_contain_text("Follow-up question to answer")
    axe_check(paed, "paediatrician")
    row.get_by_role("link", name=request.reference, exact=True).click()
    thread = paed.locator("article")
    expect(thread).to_have_count(2)
    expect(thread.nth(0)).to_contain_text("Answer by Tom Okafor")
    expect(thread.nth(0)).to_contain_text(ANSWER)
    expect(thread.nth(1)).to_contain_text("Follow-up question by Grace Patel")
    expect(thread.nth(1)).to_contain_text(FOLLOW_UP)
    expect(paed.get_by_text(QUESTION)).to_be_visible()
    axe_check(paed, "paediatrician")
    screenshot(paed, "advice-follow-up-thread")
    paed.get_by_label("Your reply").fill(SECOND_ANSWER)
    paed.get_by_role("button", name="Send answer").click()
    expect(paed.get_by_role("status")).to_contain_text("Your answer has been sent.")
    expect(paed.locator("article")).to_have_count(3)
    paed.context.close()

    page.reload()
    expect(page.get_by_text(SECOND_ANSWER)).to_be_visible()
    assert AdviceRequest.objects.get(pk=request.pk).status == Status.ANSWERED


def test_searching_for_the_child_keeps_the_question_already_typed(page):
    hub = HubFactory(code="E2E-KEEP", name="Keep Hub")
    practice = PracticeFactory(hub=hub)
    child = ChildFactory(practice=practice, given_name="Maya", family_name="Okoro")
    gp = member(Role.GP, hub, practice=practice)
    sign_in(page, gp)
    advice_link(page, "Ask for advice")

    # The GP writes first, then remembers to say which child it is about.
    page.get_by_label("Cause or investigation").check()
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_role("textbox", name="Question").fill(QUESTION)
    search = page.get_by_label("Search by NHS number or name")
    search.fill("Nobody-by-this-name")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No children found")).to_be_visible()
    expect(page.get_by_role("textbox", name="Question")).to_have_value(QUESTION)
    search.fill("Okoro")
    search.press("Enter")  # Enter in the search box searches; it does not send the question
    choose = page.get_by_role("button", name=re.compile("^Ask about this child"))
    expect(choose).to_have_count(1)
    expect(page.get_by_role("textbox", name="Question")).to_have_value(QUESTION)
    expect(page.get_by_label("Cause or investigation")).to_be_checked()
    expect(page.get_by_label("Urgency")).to_have_value("urgent")
    axe_check(page, "gp")
    screenshot(page, "advice-ask-search-kept")
    choose.click()
    expect(page.get_by_text("About Maya Okoro")).to_be_visible()
    expect(page.get_by_role("textbox", name="Question")).to_have_value(QUESTION)
    axe_check(page, "gp")
    screenshot(page, "advice-ask-child-chosen")
    assert not AdviceRequest.objects.exists()
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    sent = AdviceRequest.objects.get()
    assert (sent.child, sent.question, sent.urgency, sent.request_type) == (
        child,
        QUESTION,
        "urgent",
        "cause_investigation",
    )
