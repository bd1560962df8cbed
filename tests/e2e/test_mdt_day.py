"""A day of MDT work in the browser, unhappy turns included.

The GP puts a case forward choosing the meeting (their role remembered next time); the chair is
refused a week early, then on the day runs the meeting, adds an action without losing the
outcome typed, drafts a learning point, finishes after a confirmation naming where the case not
discussed goes, downloads every letter as one PDF and publishes the draft; the coordinator
reorders, takes a case off, changes the meeting, resends the agenda, cancels a meeting (cases
moved, invitees emailed) and adds a case; "My actions" lists open actions first by due date.

Moments are fixed with time-machine (the live server runs in this process, so it travels too);
each travel signs in again, as a session idle that long has ended.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from cc4c import formatting
from hubs.models import Role
from learning.models import LearningPoint
from mdt import services
from mdt.models import Action, CaseDiscussion, MeetingStatus
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory
from tests.outbox import sent_mail

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
MEETING_AT = datetime.datetime(2026, 12, 8, 12, 30, tzinfo=LONDON)  # a Tuesday lunchtime
NEXT_AT = MEETING_AT + datetime.timedelta(weeks=4)
NEXT_TEXT = "Tue 5 Jan 2027 12:30"
A_WEEK_EARLY = MEETING_AT - datetime.timedelta(days=7)
ON_THE_DAY = MEETING_AT - datetime.timedelta(minutes=20)


def status(page):
    return page.get_by_role("status")


def check(page, who, shot=None):
    axe_check(page, who)
    if shot:
        screenshot(page, shot)


def open_meeting(page, meeting):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="MDT", exact=True).click()
    page.get_by_role("link", name=formatting.weekday_when(meeting.starts_at)).click()


def test_gp_puts_a_case_forward_choosing_the_meeting_and_the_role_is_remembered(page):
    with time_machine.travel(A_WEEK_EARLY, tick=True):
        hub = HubFactory(code="E2E-PF", name="Put Forward Hub")
        practice = PracticeFactory(hub=hub, name="Westbourne Green Surgery")
        MeetingFactory(hub=hub, starts_at=MEETING_AT)
        later = MeetingFactory(hub=hub, starts_at=NEXT_AT, place="Church Street Surgery")
        amira = ChildFactory(practice=practice, given_name="Amira", family_name="Okafor")
        leo = ChildFactory(practice=practice, given_name="Leo", family_name="Okafor")
        gp = member(Role.GP, hub, practice=practice)

        sign_in(page, gp)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="MDT", exact=True
        ).click()
        page.get_by_role("navigation", name="MDT", exact=True).get_by_role(
            "link", name="Put a case forward"
        ).click()
        page.get_by_label("NHS number or name").fill("Okafor")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("row")).to_have_count(3)
        check(page, "gp", "mdt-day-put-forward-search")
        page.get_by_role("link", name=f"Put forward {amira.formatted_nhs_number}").click()

        # Sent empty: every missing answer is named once, at the top and at its field.
        page.get_by_role("button", name="Put the case forward").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_contain_text("Write the question you want the meeting to answer")
        expect(summary).to_contain_text("Select your role")
        expect(summary).to_contain_text("Confirm the family")
        check(page, "gp", "mdt-day-put-forward-errors")

        # The next meeting with room is chosen; the GP takes the later one.
        expect(page.get_by_role("radio", name=re.compile(r"^Tue 8 Dec 2026 12:30"))).to_be_checked()
        page.get_by_role("radio", name=re.compile(f"^{NEXT_TEXT}, Church Street Surgery")).check()
        page.get_by_label("Clinical question").fill("Recurrent wheeze: is this asthma?")
        page.get_by_label("Your role").select_option("practice_nurse")
        page.get_by_label("Consent to discussion recorded").check()
        page.get_by_role("button", name="Put the case forward").click()
        expect(status(page)).to_have_text(f"Case put forward to the MDT meeting on {NEXT_TEXT}.")
        check(page, "gp")
        assert CaseDiscussion.objects.get(child=amira).meeting == later

        # Next time, the role is already given.
        page.goto("/mdt/put-forward/?q=Leo")
        page.get_by_role("link", name=f"Put forward {leo.formatted_nhs_number}").click()
        expect(page.get_by_label("Your role")).to_have_value("practice_nurse")
        check(page, "gp", "mdt-day-put-forward-form")


def _chair_world():
    hub = HubFactory(code="E2E-DAY", name="MDT Day Hub")
    practice = PracticeFactory(hub=hub)
    chair = member(Role.PAEDIATRICIAN, hub, first_name="Ada", last_name="Chair")
    gp = member(Role.GP, hub, practice=practice, first_name="Gil", last_name="Practice")
    visitor = member(Role.MDT_MEMBER, hub, first_name="Hana", last_name="Visitor")
    meeting = MeetingFactory(
        hub=hub, starts_at=MEETING_AT, chair=chair, invitees=[chair, gp, visitor]
    )
    next_meeting = MeetingFactory(hub=hub, starts_at=NEXT_AT, chair=chair)
    names = [("Mia", "Patel"), ("Oscar", "Nwosu"), ("Ivy", "Lund")]
    cases = [
        CaseFactory(
            meeting=meeting,
            child=ChildFactory(practice=practice, given_name=given, family_name=family),
            put_forward_by=gp,
        )
        for given, family in names
    ]
    return meeting, next_meeting, cases, chair, gp


def test_chair_is_refused_a_week_early_then_runs_the_meeting_and_loses_nothing(page):
    with time_machine.travel(A_WEEK_EARLY, tick=True):
        meeting, next_meeting, cases, chair, gp = _chair_world()
        sign_in(page, chair)
        open_meeting(page, meeting)
        expect(
            page.get_by_text("The meeting can be started from 11:30 on Tue 8 Dec 2026.")
        ).to_be_visible()
        page.get_by_role("button", name="Start the meeting").click()
        expect(page.get_by_role("alert")).to_have_text(
            "This meeting is on Tue 8 Dec 2026 12:30. It cannot be started before 11:30 that day."
        )
        check(page, "paediatrician", "mdt-day-start-refused")
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.PLANNED

    with time_machine.travel(ON_THE_DAY, tick=True):
        sign_in(page, chair)
        open_meeting(page, meeting)
        page.get_by_role("button", name="Start the meeting").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mia Patel")

        # Outcome and plan typed, then an action; another action row is added: nothing lost.
        page.get_by_label("Advice given, care stays in primary care").check()
        page.get_by_label("Plan").fill("Trial of a preventer inhaler; review in eight weeks.")
        page.get_by_label("What is to be done").fill("Teach spacer technique at the practice")
        page.get_by_label("Who will do it").select_option(label=gp.display_name)
        page.get_by_label("Due by").fill("2026-12-22")
        page.get_by_role("button", name="Add another action").click()
        expect(page.get_by_label("Advice given, care stays in primary care")).to_be_checked()
        expect(page.get_by_label("Plan")).to_have_value(
            "Trial of a preventer inhaler; review in eight weeks."
        )
        expect(page.get_by_label("What is to be done").first).to_have_value(
            "Teach spacer technique at the practice"
        )
        expect(page.get_by_role("group", name="New action 2")).to_be_visible()
        expect(page.get_by_label("What is to be done").last).to_be_focused()
        check(page, "paediatrician", "mdt-day-case-another-action")
        assert not CaseDiscussion.objects.filter(discussed=True).exists()

        page.get_by_label("Learning point").fill(
            "A spacer taught at the practice often settles wheeze before any referral."
        )
        page.get_by_role("button", name="Save outcome and actions").click()
        expect(status(page)).to_have_text(
            "Outcome saved, 1 action added, learning point drafted for the chair to publish in "
            "the learning library."
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Oscar Nwosu")

        # The second case: a named referral without the name is refused, then saved.
        page.get_by_label("Referral to a named professional or service").check()
        page.get_by_role("button", name="Save outcome and actions").click()
        expect(page.locator("[data-error-summary]")).to_contain_text(
            "Name the professional or service"
        )
        check(page, "paediatrician", "mdt-day-case-error")
        page.get_by_role("textbox", name="Named professional or service").fill(
            "Community dietician"
        )
        page.get_by_role("button", name="Save outcome and actions").click()
        expect(status(page)).to_have_text("Outcome saved.")

        # The third is not reached. Finishing asks first and says where it goes.
        page.get_by_role("link", name="Back to the agenda").click()
        page.get_by_role("link", name="Finish the meeting").click()
        expect(
            page.get_by_text(f"1 case not discussed goes to the meeting on {NEXT_TEXT}.")
        ).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Ivy Lund"))).to_contain_text(NEXT_TEXT)
        check(page, "paediatrician", "mdt-day-finish-confirm")
        page.get_by_role("button", name="Finish the meeting").click()
        expect(status(page)).to_have_text(
            f"Meeting finished: 2 cases discussed. 1 case not discussed goes to the meeting on "
            f"{NEXT_TEXT}."
        )
        cases[2].refresh_from_db()
        assert cases[2].meeting == next_meeting

        # A finished meeting offers all its letters at once.
        check(page, "paediatrician", "mdt-day-finished")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download all outcome letters (PDF)").click()
        assert download.value.suggested_filename == "mdt-outcome-letters-2026-12-08.pdf"
        texts = [p.extract_text() for p in PdfReader(download.value.path()).pages]
        assert len(texts) == 2
        assert "Mia Patel" in texts[0] and "Teach spacer technique" in texts[0]
        assert "Oscar Nwosu" in texts[1] and "Community dietician" in texts[1]

        # The learning point typed on the case waits as a draft: the chair publishes it.
        page.get_by_role("link", name="Learning points from this meeting").click()
        expect(page.get_by_text(LearningPoint.objects.get().title).first).to_be_visible()
        check(page, "paediatrician")
        page.get_by_role("link", name=re.compile("^Review")).click()
        page.get_by_label("Topic").select_option("asthma")
        page.get_by_role("button", name="Publish to the library").click()
        expect(status(page)).to_have_text("Learning point published to the library.")
        assert LearningPoint.objects.published().count() == 1


def test_coordinator_reorders_takes_off_changes_resends_cancels_and_adds(page):
    with time_machine.travel(A_WEEK_EARLY, tick=True):
        hub = HubFactory(code="E2E-COORD", name="Coordinators Hub")
        practice = PracticeFactory(hub=hub)
        coordinator = member(Role.COORDINATOR, hub, is_staff=True)
        gp = member(Role.GP, hub, practice=practice)
        visitor = member(Role.MDT_MEMBER, hub)
        meeting = MeetingFactory(hub=hub, starts_at=MEETING_AT, invitees=[gp, visitor])
        cancelled = MeetingFactory(
            hub=hub, starts_at=MEETING_AT + datetime.timedelta(weeks=2), invitees=[gp, visitor]
        )
        later = MeetingFactory(hub=hub, starts_at=NEXT_AT)
        cases = [
            CaseFactory(
                meeting=meeting,
                child=ChildFactory(practice=practice, given_name=given, family_name="Agenda"),
                put_forward_by=gp,
            )
            for given in ("First", "Second", "Third")
        ]
        moving = [CaseFactory(meeting=cancelled, put_forward_by=gp) for _ in range(2)]
        newcomer = ChildFactory(practice=practice, given_name="Newcomer", family_name="Agenda")
        services.send_agenda(meeting=meeting)
        sent_mail().clear()

        sign_in(page, coordinator)
        open_meeting(page, meeting)
        check(page, "coordinator", "mdt-day-meeting-coordinator")

        page.get_by_role("button", name="Move case 1 down").click()
        expect(status(page)).to_have_text("Case moved: it is now number 2 on the agenda.")
        agenda = page.get_by_role("table").filter(
            has=page.get_by_role("columnheader", name="Clinical question")
        )
        rows = agenda.get_by_role("row")
        expect(rows.nth(1)).to_contain_text("Second Agenda")
        expect(rows.nth(2)).to_contain_text("First Agenda")

        page.get_by_role("link", name="Take off the agenda: case 3").click()
        page.get_by_role("button", name="Take the case off the agenda").click()
        expect(page.locator("[data-error-summary]")).to_contain_text(
            "Say why the case is taken off the agenda"
        )
        check(page, "coordinator", "mdt-day-take-off")
        page.get_by_label("Reason for taking it off").fill("Seen in clinic already")
        page.get_by_role("button", name="Take the case off the agenda").click()
        expect(status(page)).to_have_text(
            "The case was taken off the agenda. The person who put the case forward is told by "
            "email."
        )
        assert not CaseDiscussion.objects.filter(pk=cases[2].pk).exists()

        page.get_by_role("link", name="Change time, place or video link").click()
        page.get_by_label("Date and time").fill("2026-11-01T12:30")
        page.get_by_label("Place").fill("")
        page.get_by_role("button", name="Save the changes").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_contain_text("The meeting must be in the future")
        expect(summary).to_contain_text("Give a place or a video link")
        check(page, "coordinator", "mdt-day-meeting-change")
        page.get_by_label("Date and time").fill("2026-12-08T13:00")
        page.get_by_label("Place").fill("Church Street Surgery, room 4")
        page.get_by_role("button", name="Save the changes").click()
        expect(status(page)).to_have_text(
            "Meeting changed: time and place. 2 invitees who had the agenda told by email."
        )

        page.get_by_role("button", name="Resend the agenda").click()
        expect(status(page)).to_have_text("Agenda sent again to 2 invitees by email.")

        # Adding a case to this meeting: the search and form keep the meeting chosen.
        page.get_by_role("link", name="Add a case").click()
        page.get_by_label("NHS number or name").fill("Newcomer")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=f"Put forward {newcomer.formatted_nhs_number}").click()
        expect(page.get_by_role("radio", name=re.compile(r"^Tue 8 Dec 2026 13:00"))).to_be_checked()
        page.get_by_label("Clinical question").fill("Referred by letter: weight loss")
        page.get_by_label("Your role").select_option("gp")
        page.get_by_label("Consent to discussion recorded").check()
        page.get_by_role("button", name="Put the case forward").click()
        expect(status(page)).to_contain_text(
            "Case put forward to the MDT meeting on Tue 8 Dec 2026 13:00"
        )
        assert CaseDiscussion.objects.get(child=newcomer).meeting == meeting

        # Cancelling another meeting asks first, naming where its cases go.
        open_meeting(page, cancelled)
        page.get_by_role("link", name="Cancel the meeting").click()
        expect(
            page.get_by_text(f"2 cases not discussed go to the meeting on {NEXT_TEXT}.")
        ).to_be_visible()
        expect(page.get_by_text("2 invitees will be told by email")).to_be_visible()
        check(page, "coordinator", "mdt-day-cancel-confirm")
        page.get_by_role("button", name="Cancel the meeting").click()
        expect(status(page)).to_have_text(
            f"Meeting cancelled. 2 cases not discussed go to the meeting on {NEXT_TEXT}. "
            "2 invitees told by email."
        )
        expect(page.get_by_role("note")).to_contain_text("This meeting was cancelled")
        check(page, "coordinator", "mdt-day-cancelled")
        assert {
            c.meeting_id for c in CaseDiscussion.objects.filter(pk__in=[m.pk for m in moving])
        } == {later.pk}

        mail = sent_mail()
        by_subject = {}
        for message in mail:
            by_subject.setdefault(message.subject, []).append(message.to[0])
        assert sorted(by_subject["MDT meeting cancelled"]) == sorted([gp.email, visitor.email])
        assert sorted(by_subject["MDT meeting changed"]) == sorted([gp.email, visitor.email])
        assert sorted(by_subject["MDT meeting agenda (sent again)"]) == sorted(
            [gp.email, visitor.email]
        )
        assert by_subject["MDT case taken off the agenda"] == [gp.email]
        for message in mail:
            for case in [*cases, *moving]:
                assert case.child.family_name not in message.body
                assert case.child.nhs_number not in message.body


def test_my_actions_lists_open_ones_first_by_due_date(page):
    with time_machine.travel(A_WEEK_EARLY, tick=True):
        hub = HubFactory(code="E2E-ACT", name="Actions Hub")
        gp = member(Role.GP, hub)
        meeting = MeetingFactory(hub=hub, starts_at=A_WEEK_EARLY - datetime.timedelta(days=14))
        today = A_WEEK_EARLY.date()
        for description, due, done in [
            ("Done already", -10, True),
            ("Due in a month", 30, False),
            ("Overdue by three days", -3, False),
            ("Due tomorrow", 1, False),
        ]:
            ActionFactory(
                meeting=meeting,
                owner=gp,
                description=description,
                due_on=today + datetime.timedelta(days=due),
                done_at=A_WEEK_EARLY - datetime.timedelta(days=1) if done else None,
            )

        sign_in(page, gp)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="MDT", exact=True
        ).click()
        page.get_by_role("navigation", name="MDT", exact=True).get_by_role(
            "link", name="My MDT actions"
        ).click()
        heads = page.get_by_role("table").get_by_role("rowheader")
        expect(heads).to_have_text(
            ["Overdue by three days", "Due tomorrow", "Due in a month", "Done already"]
        )
        expect(page.get_by_text("(overdue)")).to_be_visible()
        check(page, "gp", "mdt-day-my-actions")

        page.get_by_role("button", name="Mark done: Due tomorrow").click()
        expect(status(page)).to_have_text("Action marked done.")
        expect(heads).to_have_text(
            ["Overdue by three days", "Due in a month", "Due tomorrow", "Done already"]
        )
        assert Action.objects.filter(done_at__isnull=True).count() == 2
