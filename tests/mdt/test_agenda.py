"""The coordinator looks after a meeting's agenda: adds, takes off and reorders cases, changes
the time, place and video link, cancels it (its cases move on, invitees told) and sends or
resends the agenda; the person putting a case forward chooses the meeting."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cc4c import formatting
from mdt import services
from mdt.models import CaseDiscussion, Meeting, MeetingStatus
from tests.factories import ChildFactory, one_use_token
from tests.mdt.factories import CaseFactory, MeetingFactory
from tests.outbox import sent_mail


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def no_child_in(message, *children):
    for child in children:
        for identifier in (child.nhs_number, child.given_name, child.family_name):
            assert identifier not in message.body
            assert identifier not in message.subject


@pytest.fixture
def meeting(hub, mdt_member, gp):
    return MeetingFactory(
        hub=hub,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        invitees=[mdt_member, gp],
    )


def test_the_coordinator_reorders_and_moves_cases(client, hub, meeting, coordinator):
    later = MeetingFactory(hub=hub, starts_at=meeting.starts_at + datetime.timedelta(weeks=4))
    a, b = CaseFactory(meeting=meeting), CaseFactory(meeting=meeting)
    client.force_login(coordinator)
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert reverse("mdt:case_reorder", args=[a.pk]) in body
    response = client.post(
        reverse("mdt:case_reorder", args=[b.pk]), {"direction": "up"}, follow=True
    )
    assert messages_of(response) == ["Case moved: it is now number 1 on the agenda."]
    assert list(meeting.cases.order_by("agenda_order").values_list("pk", flat=True)) == [b.pk, a.pk]
    response = client.post(reverse("mdt:case_move", args=[a.pk]), {"to_meeting": later.pk})
    assert messages_of(response) == [
        f"Case moved to the meeting on {formatting.weekday_when(later.starts_at)}."
    ]
    a.refresh_from_db()
    assert a.meeting == later


def test_the_coordinator_takes_a_case_off_with_a_reason_and_the_referrer_is_told(
    client, meeting, coordinator, gp
):
    case = CaseFactory(meeting=meeting, put_forward_by=gp)
    client.force_login(coordinator)
    url = reverse("mdt:case_remove", args=[case.pk])
    assert str(case.child) in client.get(url).content.decode()

    response = client.post(url, {"reason": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Say why the case is taken off the agenda" in body
    assert CaseDiscussion.objects.filter(pk=case.pk).exists()

    response = client.post(url, {"reason": "Family moved out of the area"})
    assert messages_of(response) == [
        "The case was taken off the agenda. The person who put the case forward is told by email."
    ]
    assert not CaseDiscussion.objects.filter(pk=case.pk).exists()
    gone = CaseDiscussion.history.filter(id=case.pk, history_type="-").get()
    assert (gone.history_change_reason, gone.history_user) == (
        "Family moved out of the area",
        coordinator,
    )
    (message,) = sent_mail()
    assert message.to == [gp.email]
    assert "taken off the agenda" in message.body
    assert "moved" not in message.body
    no_child_in(message, case.child)


def test_a_discussed_case_stays_on_its_meeting(client, hub, coordinator, paediatrician):
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now())
    case = CaseFactory(meeting=meeting)
    services.start_meeting(meeting=meeting, by=paediatrician)
    services.record_outcome(case=case, by=paediatrician, outcome="other")
    client.force_login(coordinator)
    response = client.get(reverse("mdt:case_remove", args=[case.pk]), follow=True)
    assert messages_of(response) == [
        "This meeting has started: taking cases off its agenda is possible only before it starts."
    ]
    assert CaseDiscussion.objects.filter(pk=case.pk).exists()


def test_the_coordinator_adds_a_case_to_this_meeting(client, hub, practice, meeting, coordinator):
    MeetingFactory(hub=hub, starts_at=meeting.starts_at - datetime.timedelta(days=3))
    child = ChildFactory(practice=practice)
    client.force_login(coordinator)
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    add = f"{reverse('mdt:put_forward')}?meeting={meeting.pk}"
    assert add in body
    body = client.get(f"{add}&q={child.nhs_number}").content.decode()
    form_url = f"{reverse('mdt:put_forward_child', args=[child.pk])}?meeting={meeting.pk}"
    assert form_url in body
    body = client.get(form_url).content.decode()
    # This meeting is chosen, not the sooner one.
    assert f'value="{meeting.pk}"  id="id_meeting_1" required checked' in body
    response = client.post(
        form_url,
        {
            "meeting": meeting.pk,
            "clinical_question": "Referred by letter: weight loss",
            "referrer_role": "gp",
            "consent_recorded": "on",
            **one_use_token(),
        },
    )
    assert response.status_code == 302
    assert CaseDiscussion.objects.get(child=child).meeting == meeting


def test_changing_the_time_tells_invitees_who_have_the_agenda(
    client, meeting, coordinator, mdt_member, gp
):
    case = CaseFactory(meeting=meeting)
    services.send_agenda(meeting=meeting)
    sent_mail().clear()
    client.force_login(coordinator)
    url = reverse("mdt:meeting_edit", args=[meeting.pk])
    new_at = timezone.localtime(meeting.starts_at + datetime.timedelta(days=1)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    response = client.post(
        url,
        {
            "starts_at": new_at.strftime("%Y-%m-%dT%H:%M"),
            "place": "Church Street Surgery, room 4",
            "video_link": "",
        },
    )
    assert messages_of(response) == [
        "Meeting changed: time and place. 2 invitees who had the agenda told by email."
    ]
    meeting.refresh_from_db()
    assert meeting.starts_at == new_at
    assert meeting.place == "Church Street Surgery, room 4"
    # Their calendars are updated too (tests/letters/test_invitations.py); the notice is apart.
    mail = sent_mail(invitations=False)
    assert sorted(m.to[0] for m in mail) == sorted([gp.email, mdt_member.email])
    assert "Church Street Surgery, room 4" in mail[0].body
    assert "13:00" in mail[0].body
    no_child_in(mail[0], case.child)


def test_a_bad_change_names_each_field_and_changes_nothing(client, meeting, coordinator):
    client.force_login(coordinator)
    url = reverse("mdt:meeting_edit", args=[meeting.pk])
    response = client.post(
        url, {"starts_at": "2001-01-01T12:00", "place": "", "video_link": "not a link"}
    )
    body = response.content.decode()
    assert "There is a problem" in body
    assert "The meeting must be in the future" in body
    assert "Enter the video link as a web address" in body
    response = client.post(url, {"starts_at": "", "place": "", "video_link": ""})
    body = response.content.decode()
    assert "Enter the date and time of the meeting" in body
    assert "Give a place or a video link" in body
    before = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == before


def test_cancelling_asks_first_then_moves_the_cases_and_tells_the_invitees(
    client, hub, meeting, coordinator, gp, mdt_member
):
    later = MeetingFactory(hub=hub, starts_at=meeting.starts_at + datetime.timedelta(weeks=4))
    cases = [CaseFactory(meeting=meeting, put_forward_by=gp) for _ in range(2)]
    client.force_login(coordinator)
    url = reverse("mdt:meeting_cancel", args=[meeting.pk])
    body = client.get(url).content.decode()
    assert (
        f"2 cases not discussed go to the meeting on {formatting.weekday_when(later.starts_at)}."
        in body
    )
    assert "2 invitees will be told by email" in body
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED

    response = client.post(url, follow=True)
    assert messages_of(response) == [
        "Meeting cancelled. 2 cases not discussed go to the meeting on "
        f"{formatting.weekday_when(later.starts_at)}. 2 invitees told by email."
    ]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert {c.meeting_id for c in CaseDiscussion.objects.all()} == {later.pk}
    mail = sent_mail()
    assert sorted(m.to[0] for m in mail) == sorted([gp.email, mdt_member.email])
    assert "cancelled" in mail[0].body
    assert timezone.localtime(later.starts_at).strftime("%H:%M") in mail[0].body
    no_child_in(mail[0], *(c.child for c in cases))
    # No longer among the meetings that take cases, and not cancelled twice.
    assert not Meeting.objects.filter(pk=meeting.pk, status__in=["planned", "agenda_sent"])
    response = client.post(url, follow=True)
    assert messages_of(response) == [
        "This meeting was cancelled: cancelling it is no longer possible."
    ]
    assert len(sent_mail()) == 2


def test_cancelling_the_last_meeting_makes_the_next_one_a_cadence_later_for_its_cases(
    client, hub, meeting, coordinator, gp
):
    CaseFactory(meeting=meeting, put_forward_by=gp)
    assert not Meeting.objects.filter(starts_at__gt=meeting.starts_at).exists()
    client.force_login(coordinator)
    response = client.post(reverse("mdt:meeting_cancel", args=[meeting.pk]), follow=True)
    (made,) = Meeting.objects.filter(starts_at__gt=meeting.starts_at)
    assert made.hub == hub and made.status == MeetingStatus.PLANNED
    old, new = timezone.localtime(meeting.starts_at), timezone.localtime(made.starts_at)
    assert new.date() - old.date() == datetime.timedelta(weeks=hub.mdt_cadence_weeks)
    assert new.time() == old.time()
    assert CaseDiscussion.objects.get().meeting == made
    (said,) = messages_of(response)
    assert said.startswith("Meeting cancelled. 1 case not discussed goes to ")
    assert formatting.weekday_when(made.starts_at) in said


def test_a_meeting_under_way_cannot_be_cancelled_or_changed(
    client, hub, coordinator, paediatrician
):
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now())
    services.start_meeting(meeting=meeting, by=paediatrician)
    client.force_login(coordinator)
    for name in ("mdt:meeting_cancel", "mdt:meeting_edit"):
        response = client.get(reverse(name, args=[meeting.pk]), follow=True)
        assert messages_of(response) == [
            "This meeting has started: it can no longer be changed or cancelled."
        ]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS


def test_the_agenda_is_sent_then_resent_and_a_double_press_sends_once(
    client, meeting, coordinator, gp, mdt_member
):
    case = CaseFactory(meeting=meeting)
    client.force_login(coordinator)
    url = reverse("mdt:meeting_send_agenda", args=[meeting.pk])
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Send the agenda now" in body
    response = client.post(url, {"last_sent_at": ""}, follow=True)
    assert messages_of(response) == ["Agenda sent to 2 invitees by email."]
    assert len(sent_mail()) == 2
    # The same press again (a double click, a retry) sends nothing more.
    response = client.post(url, {"last_sent_at": ""}, follow=True)
    assert messages_of(response) == ["The agenda has just been sent: it was not sent again."]
    assert len(sent_mail()) == 2

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_SENT
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Resend the agenda" in body
    response = client.post(url, {"last_sent_at": meeting.agenda_sent_at.isoformat()})
    assert messages_of(response) == ["Agenda sent again to 2 invitees by email."]
    mail = sent_mail()
    assert len(mail) == 4
    assert mail[-1].subject == "MDT meeting agenda (sent again)"
    no_child_in(mail[-1], case.child)


def test_a_gp_sees_no_agenda_controls_and_cannot_use_them(client, meeting, gp):
    case = CaseFactory(meeting=meeting)
    client.force_login(gp)
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Cancel the meeting" not in body
    assert reverse("mdt:case_remove", args=[case.pk]) not in body
    for name in ("mdt:meeting_cancel", "mdt:meeting_edit", "mdt:meeting_send_agenda"):
        assert client.post(reverse(name, args=[meeting.pk])).status_code == 404
    assert client.post(reverse("mdt:case_remove", args=[case.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


# --- putting a case forward: the meeting chosen, the role remembered -------------------------


def _post(client, child, **fields):
    return client.post(
        reverse("mdt:put_forward_child", args=[child.pk]),
        {
            "clinical_question": "Recurrent wheeze: is this asthma?",
            "consent_recorded": "on",
            "referrer_role": "practice_nurse",
            **one_use_token(),
            **fields,
        },
    )


def test_the_next_meeting_with_room_is_chosen_and_another_may_be(client, hub, practice, gp):
    hub.mdt_case_cap = 1
    hub.save()
    soon = MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=2))
    full = MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=5))
    CaseFactory(meeting=full)
    later = MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=9))
    child = ChildFactory(practice=practice)
    client.force_login(gp)
    body = client.get(reverse("mdt:put_forward_child", args=[child.pk])).content.decode()
    assert f'value="{soon.pk}"  id="id_meeting_0" required checked' in body
    assert f'value="{later.pk}"' in body
    assert f'value="{full.pk}"' not in body
    assert "(0 of 1 cases)" in body

    response = _post(client, child, meeting=later.pk)
    assert response.status_code == 302
    assert CaseDiscussion.objects.get(child=child).meeting == later
    assert messages_of(response) == [
        f"Case put forward to the MDT meeting on {formatting.weekday_when(later.starts_at)}."
    ]


def test_a_meeting_that_filled_up_meanwhile_is_named_on_the_field(client, hub, practice, gp):
    hub.mdt_case_cap = 1
    hub.save()
    soon = MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=2))
    later = MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=9))
    child = ChildFactory(practice=practice)
    client.force_login(gp)
    CaseFactory(meeting=soon)  # someone else's case, a moment after the page was shown
    response = _post(client, child, meeting=soon.pk)
    body = response.content.decode()
    assert "There is a problem" in body
    assert "That meeting&#x27;s agenda is now full: choose another." in body
    assert f'value="{later.pk}"' in body
    assert not CaseDiscussion.objects.filter(child=child).exists()

    # The last one fills up too: the case goes to a new meeting only once the GP says so.
    CaseFactory(meeting=later)
    response = _post(client, child, meeting=later.pk)
    body = response.content.decode()
    assert "The meeting you chose has no room left, and no other meeting has." in body
    assert not CaseDiscussion.objects.filter(child=child).exists()
    assert _post(client, child).status_code == 302
    assert CaseDiscussion.objects.get(child=child).meeting.starts_at > later.starts_at


def test_no_choice_given_says_what_to_choose(client, hub, practice, gp):
    MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=2))
    child = ChildFactory(practice=practice)
    client.force_login(gp)
    response = client.post(reverse("mdt:put_forward_child", args=[child.pk]), {})
    body = response.content.decode()
    for message in (
        "Choose the meeting",
        "Write the question you want the meeting to answer",
        "Select your role",
        "Confirm the family (or the young person) agreed to the case being discussed",
    ):
        assert message in body
    assert "This field is required" not in body


def test_the_referrers_role_is_remembered_for_next_time(client, hub, practice, gp):
    MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=2))
    first, second = ChildFactory(practice=practice), ChildFactory(practice=practice)
    client.force_login(gp)
    body = client.get(reverse("mdt:put_forward_child", args=[first.pk])).content.decode()
    assert '<option value="" selected>' in body
    meeting = Meeting.objects.get()
    assert _post(client, first, meeting=meeting.pk).status_code == 302
    body = client.get(reverse("mdt:put_forward_child", args=[second.pk])).content.decode()
    assert '<option value="practice_nurse" selected>' in body


def test_with_no_meeting_with_room_the_form_says_a_new_one_is_made(client, hub, practice, gp):
    child = ChildFactory(practice=practice)
    client.force_login(gp)
    body = client.get(reverse("mdt:put_forward_child", args=[child.pk])).content.decode()
    assert "No meeting of" in body and "the case goes to a new meeting on" in body
    assert _post(client, child).status_code == 302
    assert CaseDiscussion.objects.get(child=child).meeting.hub == hub
