"""Feedback journeys: a family answers the Friends and Family Test on a phone through the one-use
link of an attended appointment; a coordinator approves the comment before anyone sees it, and
never sees whose child it was; a clinician prints the letter with its QR code; an MDT attendee
rates a finished meeting by keyboard, once."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.models import EvaluationReport
from evaluation.services import build
from feedback import services
from feedback.links import family_url
from feedback.models import CommentStatus, FamilyResponse, ProfessionalFeedback
from hubs.models import Role
from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot
from tests.e2e.conftest import TIMEOUT_MS, axe_check, screenshot, sign_in, tab_to
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.feedback.conftest import attended_appointment, finished_meeting

pytestmark = pytest.mark.e2e

SMALL_PHONE = {"width": 375, "height": 812}
COMMENT = "Seen at our own surgery, no long wait. Much easier than the hospital."


def identity(child):
    """Every way a page could name the child."""
    return [
        child.given_name,
        child.family_name,
        child.nhs_number,
        child.formatted_nhs_number,
        child.date_of_birth.strftime("%-d %B %Y"),
        child.date_of_birth.strftime("%-d %b %Y"),
    ]


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def phone(browser, page, live_server):
    """A family's phone: a small touch screen, nobody signed in (shares the live server and
    database of ``page``)."""
    context = browser.new_context(
        viewport=SMALL_PHONE,
        base_url=live_server.url,
        locale="en-GB",
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    family = context.new_page()
    errors = []
    family.on("pageerror", lambda exc: errors.append(str(exc)))
    yield family
    context.close()
    assert not errors, f"JavaScript errors on the family's phone: {errors}"


def phone_screenshot(page, name):
    screenshot(page, name)
    page.set_viewport_size(SMALL_PHONE)


def clinic_hub():
    hub = HubFactory(code="E2E-FB", name="Feedback Hub")
    practice = PracticeFactory(hub=hub, name="Elm Street Surgery")
    child = ChildFactory(practice=practice, given_name="Maisie", family_name="Feedbackson")
    return hub, practice, child


def test_family_answers_once_on_a_phone_without_signing_in_and_a_second_use_is_refused(page, phone):
    hub, practice, child = clinic_hub()
    appointment = attended_appointment(practice, child)
    coordinator = member(Role.COORDINATOR, hub)

    # Staff read the family's link off the appointment page, as they would to give it out.
    sign_in(page, coordinator)
    page.goto(f"/clinics/appointments/{appointment.pk}/")
    card = page.get_by_role("region", name="Family feedback")
    expect(card.locator("svg")).to_have_count(1)
    link = card.get_by_role("link", name=re.compile(r"feedback.f.[a-z2-7]{32}"))
    url = path_of(link.get_attribute("href"))
    assert re.fullmatch(r"/feedback/f/[a-z2-7]{32}/", url)

    cache.clear()  # the rate limit counts per connection; sign-in used the same loopback
    response = phone.goto(url)
    assert response.status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tell us about your experience")
    # The form says which hub and when, never whose child.
    expect(phone.locator("main")).to_contain_text("Feedback Hub")
    for shown in identity(child):
        expect(phone.locator("body")).not_to_contain_text(shown)
    axe_check(phone, "family")
    phone_screenshot(phone, "feedback-family-form")

    # Nothing chosen: the form says what is missing, and keeps the family on the page.
    phone.get_by_role("button", name="Send my answer").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose how your experience was.")
    axe_check(phone, "family")
    phone_screenshot(phone, "feedback-family-form-error")
    # The summary's link takes the family to the question it names.
    summary.get_by_role("link", name=re.compile("Choose how your experience was")).click()
    expect(phone.get_by_label("Very good", exact=True)).to_be_focused()
    assert not FamilyResponse.objects.exists()

    experience = phone.get_by_role("group", name="Overall, how was your experience of our service?")
    experience.get_by_label("Very good", exact=True).check()
    phone.get_by_role(
        "group", name="Next time, where would you rather your child was seen?"
    ).get_by_label("At our GP practice").check()
    phone.get_by_label("Anything you would like to tell us? (optional)").fill(COMMENT)
    phone.get_by_role("button", name="Send my answer").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    axe_check(phone, "family")
    phone_screenshot(phone, "feedback-family-thanks")
    for shown in identity(child):
        expect(phone.locator("body")).not_to_contain_text(shown)

    answer = FamilyResponse.objects.get()
    assert (answer.hub_id, answer.contact_date) == (hub.pk, appointment.slot.session.date)
    assert (answer.experience, answer.place) == ("very_good", "gp_practice")
    assert answer.comment == COMMENT
    assert answer.comment_status == CommentStatus.PENDING

    # The same link again, or the form sent again from the browser's history: refused politely.
    again = phone.goto(url)
    assert again.status == 410
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you: this link has already been used"
    )
    expect(phone.locator("main")).to_contain_text(
        "Each link takes one answer, and an answer has already been given with this one."
    )
    expect(phone.get_by_role("button", name="Send my answer")).to_have_count(0)
    axe_check(phone, "family")
    phone_screenshot(phone, "feedback-family-link-used")
    assert FamilyResponse.objects.count() == 1


def test_coordinator_sees_no_child_and_no_comment_until_approving_it(page):
    hub, practice, child = clinic_hub()
    appointment = attended_appointment(practice, child)
    invitation = services.invitations_for_appointments([appointment])[appointment.pk]
    token = path_of(family_url(invitation)).rstrip("/").rsplit("/", 1)[1]
    services.answer(token=token, experience="good", place="gp_practice", comment=COMMENT)
    report = EvaluationReport.objects.create(
        period_from=timezone.localdate() - datetime.timedelta(days=30),
        period_to=timezone.localdate(),
        baseline_from=timezone.localdate() - datetime.timedelta(days=395),
        baseline_to=timezone.localdate() - datetime.timedelta(days=31),
        suppressed=False,
    )
    report.hubs.set([hub])
    build(report.pk)
    coordinator = member(Role.COORDINATOR, hub)

    def shows_no_child():
        for shown in identity(child):
            expect(page.locator("body")).not_to_contain_text(shown)

    sign_in(page, coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family feedback")
    answers = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="After"))
    expect(answers.get_by_role("row")).to_have_count(2)
    expect(answers).to_contain_text("Good")
    expect(answers).to_contain_text("At our GP practice")
    expect(answers).to_contain_text("Waiting for a coordinator")
    expect(page.locator("body")).not_to_contain_text(COMMENT)
    shows_no_child()
    axe_check(page, "coordinator")

    page.goto(f"/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation report")
    expect(page.locator("[data-measure='family_feedback_responses']").first).to_have_text("1")
    expect(page.locator("body")).not_to_contain_text(COMMENT)
    shows_no_child()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    section = page.get_by_role("navigation", name="Feedback")
    section.get_by_role("link", name="Comments to approve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments to approve")
    row = page.get_by_role("row", name=re.compile("Much easier than the hospital"))
    expect(row).to_contain_text("E2E-FB")
    shows_no_child()
    axe_check(page, "coordinator")
    screenshot(page, "feedback-comments-to-approve")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.get_by_role("status")).to_contain_text("Comment approved: it now shows.")
    expect(page.get_by_text("No comments waiting for approval.")).to_be_visible()
    axe_check(page, "coordinator")
    answer = FamilyResponse.objects.get()
    assert (answer.comment_status, answer.moderated_by) == (CommentStatus.APPROVED, coordinator)

    section = page.get_by_role("navigation", name="Feedback")
    section.get_by_role("link", name="Family feedback").click()
    expect(
        page.get_by_role("row", name=re.compile("Much easier than the hospital"))
    ).to_be_visible()
    shows_no_child()
    screenshot(page, "feedback-overview")


def test_clinician_opens_the_appointment_letter_with_its_feedback_qr_code(page):
    hub, practice, child = clinic_hub()
    session_day = timezone.localdate() + datetime.timedelta(days=7)
    session = ClinicSessionFactory(host_practice=practice, date=session_day)
    appointment = AppointmentFactory(slot=free_slot(session), child=child)
    paediatrician = member(Role.PAEDIATRICIAN, hub)

    sign_in(page, paediatrician)
    page.goto(f"/clinics/appointments/{appointment.pk}/letter/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your child's appointment at Elm Street Surgery"
    )
    letter = page.locator("article")
    expect(letter.get_by_role("heading", name="Tell us how it went")).to_be_visible()
    expect(letter.locator("figure svg")).to_have_count(1)
    expect(letter).to_contain_text(re.compile(r"/feedback/f/[a-z2-7]{32}/"))
    axe_check(page, "paediatrician")
    screenshot(page, "appointment-letter")


def test_mdt_attendee_rates_a_finished_meeting_by_keyboard_once(page):
    hub = HubFactory(code="E2E-RATE", name="Rating Hub")
    gp = member(Role.GP, hub, practice=PracticeFactory(hub=hub))
    meeting = finished_meeting(hub, gp)

    sign_in(page, gp)
    page.goto(f"/mdt/meetings/{meeting.pk}/")
    # An earlier tab left open on the form: it will try to rate a second time.
    second_tab = page.context.new_page()
    second_tab.goto(f"/feedback/meetings/{meeting.pk}/rate/")

    tab_to(page, page.get_by_role("link", name="Rate this meeting"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rate the MDT meeting")
    axe_check(page, "gp")

    usefulness = page.get_by_role(
        "group", name="How useful was this meeting to you? (1 not at all, 5 very)"
    )
    tab_to(page, usefulness.get_by_label("1", exact=True))
    for _ in range(3):  # arrow keys move through a radio group and choose as they go
        page.keyboard.press("ArrowRight")
    expect(usefulness.get_by_label("4", exact=True)).to_be_checked()
    learned = page.get_by_role(
        "group", name="Did you learn something you will use in your practice?"
    )
    tab_to(page, learned.get_by_label("Yes", exact=True))
    page.keyboard.press("Space")
    expect(learned.get_by_label("Yes", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What did you learn? (optional)")).to_be_focused()
    page.keyboard.type("Start the constipation ladder before referring.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Any other comment on the meeting? (optional)")).to_be_focused()
    page.keyboard.type("Well chaired and on time.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save my rating")).to_be_focused()
    screenshot(page, "mdt-rate")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Thank you: your rating is saved.")
    rating = ProfessionalFeedback.objects.get()
    assert (rating.meeting_id, rating.person_id, rating.usefulness) == (meeting.pk, gp.pk, 4)
    assert rating.learned_something is True
    assert rating.learning == "Start the constipation ladder before referring."
    assert rating.comment == "Well chaired and on time."

    # Rating again from the tab left open is refused, and the first rating stands.
    second = second_tab.get_by_role(
        "group", name="How useful was this meeting to you? (1 not at all, 5 very)"
    )
    second.get_by_label("1", exact=True).check()
    second_tab.get_by_role("group", name=re.compile("Did you learn")).get_by_label("No").check()
    second_tab.get_by_role("button", name="Save my rating").click()
    expect(second_tab.get_by_role("alert").or_(second_tab.get_by_role("status"))).to_contain_text(
        "You have already rated this meeting. Thank you."
    )
    expect(second_tab.get_by_text("You rated this meeting 4 out of 5")).to_be_visible()
    expect(second_tab.get_by_role("button", name="Save my rating")).to_have_count(0)
    axe_check(second_tab, "gp")
    assert ProfessionalFeedback.objects.count() == 1
    assert ProfessionalFeedback.objects.get().usefulness == 4
