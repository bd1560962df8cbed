"""The chair's day: a meeting starts only on its day, finishing says first where the cases not
discussed go, and a case's outcome, plan, learning point and actions are one form that loses
nothing when another action row is added."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cc4c import formatting
from learning import services as learning_services
from learning.models import LearningPoint, PointStatus
from mdt import services
from mdt.models import Action, CaseDiscussion, Meeting, MeetingStatus
from tests.factories import ChildFactory
from tests.mdt.factories import CaseFactory, MeetingFactory
from tests.mdt.forms import outcome_data

LONDON = ZoneInfo("Europe/London")
# A Tuesday lunchtime meeting, and moments around it.
MEETING_AT = datetime.datetime(2026, 12, 8, 12, 30, tzinfo=LONDON)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def meeting(hub, paediatrician):
    return MeetingFactory(hub=hub, starts_at=MEETING_AT, chair=paediatrician)


@pytest.mark.parametrize(
    "now",
    [
        MEETING_AT - datetime.timedelta(days=7),
        MEETING_AT - datetime.timedelta(hours=1, minutes=1),
    ],
    ids=["a week early", "61 minutes early on the day"],
)
def test_the_chair_cannot_start_a_meeting_before_an_hour_before_it_on_its_day(
    client, meeting, paediatrician, now
):
    # Signed in at that moment: a session idle for days has ended.
    with time_machine.travel(now, tick=False):
        client.force_login(paediatrician)
        response = client.post(reverse("mdt:meeting_start", args=[meeting.pk]), follow=True)
        # The meeting page says when it can be started.
        body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert messages_of(response) == [
        "This meeting is on Tue 8 Dec 2026 12:30. It cannot be started before 11:30 that day."
    ]
    assert "The meeting can be started from 11:30 on Tue 8 Dec 2026." in body


@pytest.mark.parametrize(
    "now",
    [
        MEETING_AT - datetime.timedelta(hours=1),
        MEETING_AT + datetime.timedelta(minutes=10),
        MEETING_AT + datetime.timedelta(days=2),
    ],
    ids=["an hour early", "ten minutes late", "two days late"],
)
def test_the_chair_starts_a_meeting_from_an_hour_before_it(client, meeting, paediatrician, now):
    case = CaseFactory(meeting=meeting)
    with time_machine.travel(now, tick=False):
        client.force_login(paediatrician)
        response = client.post(reverse("mdt:meeting_start", args=[meeting.pk]))
    assert response["Location"] == reverse("mdt:case", args=[case.pk])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS


def test_an_hour_early_never_reaches_into_the_day_before(hub, paediatrician):
    early = MeetingFactory(hub=hub, starts_at=datetime.datetime(2026, 12, 8, 0, 30, tzinfo=LONDON))
    night_before = datetime.datetime(2026, 12, 7, 23, 45, tzinfo=LONDON)
    with (
        time_machine.travel(night_before, tick=False),
        pytest.raises(services.MdtError, match="cannot be started before 00:00"),
    ):
        services.start_meeting(meeting=early, by=paediatrician)
    with time_machine.travel(datetime.datetime(2026, 12, 8, 0, 1, tzinfo=LONDON), tick=False):
        services.start_meeting(meeting=early, by=paediatrician)


def test_a_gp_cannot_start_or_finish_a_meeting(client, meeting, gp):
    with time_machine.travel(MEETING_AT, tick=False):
        client.force_login(gp)
        client.post(reverse("mdt:meeting_start", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert client.get(reverse("mdt:meeting_finish", args=[meeting.pk])).status_code == 404


def _running(meeting, chair):
    with time_machine.travel(meeting.starts_at, tick=False):
        services.start_meeting(meeting=meeting, by=chair)


def test_finishing_asks_first_and_names_where_each_case_not_discussed_goes(
    client, hub, practice, meeting, paediatrician
):
    hub.mdt_case_cap = 3
    hub.save()
    later = MeetingFactory(hub=hub, starts_at=MEETING_AT + datetime.timedelta(weeks=4))
    CaseFactory(meeting=later)  # one place left there
    already = CaseFactory(meeting=later)
    discussed = CaseFactory(meeting=meeting)
    first, second = CaseFactory(meeting=meeting), CaseFactory(meeting=meeting)
    # This child is on the later agenda already: their case stays.
    repeat = CaseFactory(meeting=meeting, child=already.child)
    _running(meeting, paediatrician)
    services.record_outcome(case=discussed, by=paediatrician, outcome="other")

    with time_machine.travel(MEETING_AT + datetime.timedelta(hours=1), tick=False):
        client.force_login(paediatrician)
        response = client.get(reverse("mdt:meeting_finish", args=[meeting.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "1 case discussed." in body
        # Nothing has happened yet.
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.IN_PROGRESS
        assert Meeting.objects.filter(hub=hub).count() == 2
        new_at = later.starts_at + datetime.timedelta(weeks=hub.mdt_cadence_weeks)
        assert (
            "1 case not discussed goes to the meeting on Tue 5 Jan 2027 12:30. "
            f"1 case not discussed goes to the meeting on {formatting.weekday_when(new_at)} "
            "(a new meeting, one cadence on). "
            "1 case not discussed stays here: the child is already on the agenda of the "
            "meeting on Tue 5 Jan 2027 12:30." in body
        )
        for case in (first, second, repeat):
            assert str(case.child) in body

        response = client.post(reverse("mdt:meeting_finish", args=[meeting.pk]))
    assert response.status_code == 302
    assert messages_of(response)[0].startswith("Meeting finished: 1 case discussed. 1 case")
    first.refresh_from_db()
    second.refresh_from_db()
    repeat.refresh_from_db()
    assert first.meeting == later
    assert second.meeting.starts_at == new_at
    assert repeat.meeting == meeting


def test_finishing_a_meeting_not_started_is_refused(client, meeting, paediatrician):
    CaseFactory(meeting=meeting)
    client.force_login(paediatrician)
    response = client.get(reverse("mdt:meeting_finish", args=[meeting.pk]), follow=True)
    assert messages_of(response) == ["Start the meeting before finishing it."]
    response = client.post(reverse("mdt:meeting_finish", args=[meeting.pk]), follow=True)
    assert messages_of(response) == ["Start the meeting before finishing it."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


# --- the case screen: one form ---------------------------------------------------------------


@pytest.fixture
def running_case(meeting, paediatrician):
    case = CaseFactory(meeting=meeting)
    _running(meeting, paediatrician)
    return case


def test_adding_an_action_row_keeps_everything_typed_and_saves_nothing(
    client, running_case, paediatrician, gp
):
    client.force_login(paediatrician)
    url = reverse("mdt:case_outcome", args=[running_case.pk])
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(
        url,
        outcome_data(
            outcome="named_professional",
            named_professional="Community dietician",
            plan="Dietician to review growth and feeding.",
            learning_points="Plot weight on the growth chart before referring.",
            actions=[("Send the growth chart to the dietician", gp.pk, due)],
            add_action=True,
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in body
    assert re.search(r'value="named_professional"[^>]* checked', body)
    assert 'value="Community dietician"' in body
    assert "Dietician to review growth and feeding." in body
    assert "Plot weight on the growth chart before referring." in body
    assert "Send the growth chart to the dietician" in body
    assert f'value="{due}"' in body
    assert f'<option value="{gp.pk}" selected>' in body
    assert "New action 2" in body and "New action 3" not in body
    running_case.refresh_from_db()
    assert not running_case.discussed
    assert not Action.objects.exists()


def test_saving_records_the_outcome_and_every_action_together(
    client, running_case, paediatrician, gp, mdt_member
):
    client.force_login(paediatrician)
    due = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(
        reverse("mdt:case_outcome", args=[running_case.pk]),
        outcome_data(
            outcome="primary_care_advice",
            plan="Trial of laxatives; review in six weeks.",
            actions=[
                ("Send the family the leaflet", gp.pk, due.isoformat()),
                ("Visit the family at home", mdt_member.pk, due.isoformat()),
            ],
        ),
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Outcome saved, 2 actions added."]
    running_case.refresh_from_db()
    assert (running_case.outcome, running_case.discussed) == ("primary_care_advice", True)
    assert sorted(running_case.actions.values_list("description", "owner_id")) == [
        ("Send the family the leaflet", gp.pk),
        ("Visit the family at home", mdt_member.pk),
    ]


def test_a_half_written_action_is_named_and_nothing_is_saved(client, running_case, paediatrician):
    client.force_login(paediatrician)
    response = client.post(
        reverse("mdt:case_outcome", args=[running_case.pk]),
        outcome_data(
            outcome="primary_care_advice",
            plan="Keep this plan",
            actions=[("Phone the school nurse", "", "2001-01-01")],
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "New action 1: choose who will do it" in body
    assert "New action 1: the due date cannot be in the past" in body
    assert body.count("New action 1: choose who will do it</a>") == 1
    assert "Keep this plan" in body and "Phone the school nurse" in body
    running_case.refresh_from_db()
    assert not running_case.discussed
    assert not Action.objects.exists()


def test_no_outcome_chosen_is_a_specific_message(client, running_case, paediatrician):
    client.force_login(paediatrician)
    response = client.post(
        reverse("mdt:case_outcome", args=[running_case.pk]), outcome_data(plan="Typed")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose the meeting&#x27;s outcome" in body
    assert "This field is required" not in body


def test_a_learning_point_becomes_one_draft_for_the_chair_to_publish(
    client, running_case, paediatrician
):
    client.force_login(paediatrician)
    url = reverse("mdt:case_outcome", args=[running_case.pk])
    text = "Check thyroid function early in faltering growth. Most are normal."
    response = client.post(url, outcome_data(outcome="other", learning_points=text))
    assert messages_of(response) == [
        "Outcome saved, learning point drafted for the chair to publish in the learning library."
    ]
    draft = LearningPoint.objects.get()
    assert (draft.case, draft.meeting, draft.status, draft.text) == (
        running_case,
        running_case.meeting,
        PointStatus.AWAITING,
        text,
    )
    assert draft.title == "Check thyroid function early in faltering growth"

    # Corrected on the case, the same draft follows; no second one.
    client.post(url, outcome_data(outcome="other", learning_points="Check thyroid function."))
    draft.refresh_from_db()
    assert LearningPoint.objects.count() == 1
    assert draft.text == "Check thyroid function."

    # Cleared on the case, the draft goes too; typed again, it comes back.
    response = client.post(url, outcome_data(outcome="other", learning_points=""))
    assert messages_of(response)[-1] == "Outcome saved."
    assert not LearningPoint.objects.exists()
    client.post(url, outcome_data(outcome="other", learning_points="Check thyroid function."))
    draft = LearningPoint.objects.get()

    # The chair publishes it as it is, without retyping.
    body = client.get(reverse("learning:meeting", args=[running_case.meeting_id])).content.decode()
    assert reverse("learning:review", args=[draft.pk]) in body
    learning_services.review_point(
        point=draft,
        publish=True,
        by=paediatrician,
        title=draft.title,
        topic="feeding",
        text=draft.text,
    )
    assert LearningPoint.objects.published().get() == draft
    # A published point stays, whatever is later cleared on the case.
    client.post(url, outcome_data(outcome="other", learning_points=""))
    assert LearningPoint.objects.published().get() == draft


def test_a_learning_point_naming_the_child_is_refused_and_nothing_is_saved(
    client, running_case, paediatrician
):
    client.force_login(paediatrician)
    given = running_case.child.given_name
    response = client.post(
        reverse("mdt:case_outcome", args=[running_case.pk]),
        outcome_data(outcome="other", plan="A plan", learning_points=f"{given} needed a scan."),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert f"It contains &quot;{given}&quot;" in body
    assert "A plan" in body
    running_case.refresh_from_db()
    assert not running_case.discussed
    assert not LearningPoint.objects.exists()


def test_outcomes_are_refused_before_the_meeting_starts(client, meeting, paediatrician):
    case = CaseFactory(meeting=meeting)
    client.force_login(paediatrician)
    response = client.post(
        reverse("mdt:case_outcome", args=[case.pk]), outcome_data(outcome="other"), follow=True
    )
    assert messages_of(response) == [
        "Outcomes are recorded by the chair once the meeting has started."
    ]
    assert not CaseDiscussion.objects.filter(discussed=True).exists()


def test_a_finished_meeting_offers_its_letters_and_the_drafts(
    client, hub, practice, running_case, paediatrician
):
    services.record_outcome(case=running_case, by=paediatrician, outcome="other")
    CaseFactory(meeting=running_case.meeting, child=ChildFactory(practice=practice))
    services.finish_meeting(meeting=running_case.meeting, by=paediatrician)
    client.force_login(paediatrician)
    body = client.get(reverse("mdt:meeting", args=[running_case.meeting_id])).content.decode()
    assert reverse("mdt:meeting_letters", args=[running_case.meeting_id]) in body
    assert "Download all outcome letters (PDF)" in body
    assert "1 letter, one for each case discussed" in body
    assert "wait there as drafts for you to publish" in body
    assert "Start the meeting" not in body


def test_an_outcome_posted_without_any_action_rows_is_saved(client, running_case, paediatrician):
    client.force_login(paediatrician)
    response = client.post(
        reverse("mdt:case_outcome", args=[running_case.pk]),
        {"outcome": "other", "plan": "Ask the school nurse."},
    )
    assert response.status_code == 302
    running_case.refresh_from_db()
    assert (running_case.outcome, running_case.plan) == ("other", "Ask the school nurse.")
    assert not Action.objects.exists()
