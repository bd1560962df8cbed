"""A whole MDT meeting in the browser: scheduled, cases put forward, agenda sent, run, finished."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from cc4c import formatting
from hubs.models import AuditEvent
from mdt import services
from mdt.models import Action, Attendance, CaseDiscussion, Meeting, MeetingStatus
from mdt.scheduling import open_meetings
from tests.factories import ChildFactory, one_use_token
from tests.mdt.forms import outcome_data
from tests.outbox import sent_mail


def put_forward(client, child, question="Recurrent wheeze: is this asthma?", meeting=None):
    meeting = meeting or open_meetings(child.practice.hub).first()
    return client.post(
        reverse("mdt:put_forward_child", args=[child.pk]),
        {
            "meeting": meeting.pk,
            "clinical_question": question,
            "background": "Three courses of oral steroids this year.",
            "tried": "Inhaled salbutamol",
            "involved": "Health visitor",
            "referrer_role": "gp",
            "consent_recorded": "on",
            **one_use_token(),
        },
    )


def test_a_full_meeting_from_cases_put_forward_to_finish(
    client, hub, practice, gp, paediatrician, coordinator, mdt_member
):
    first_at = (timezone.localtime() + datetime.timedelta(days=10)).replace(
        hour=12, minute=30, second=0, microsecond=0
    )

    # The coordinator schedules a series at the hub's cadence.
    client.force_login(coordinator)
    response = client.post(
        reverse("mdt:schedule", args=[hub.pk]),
        {
            "first_starts_at": first_at.strftime("%Y-%m-%dT%H:%M"),
            "count": 2,
            "place": "Westbourne Green Surgery, room 2",
            "chair": paediatrician.pk,
            "invitees": [paediatrician.pk, mdt_member.pk],
        },
    )
    assert response.status_code == 302
    first, second = Meeting.objects.filter(hub=hub).order_by("starts_at")
    assert (second.starts_at - first.starts_at).days == 7 * hub.mdt_cadence_weeks
    assert timezone.localtime(second.starts_at).hour == 12

    # A GP puts three children forward; they go to the first meeting.
    children = [ChildFactory(practice=practice) for _ in range(3)]
    client.force_login(gp)
    for child in children:
        response = put_forward(client, child)
        assert response.status_code == 302
    cases = list(CaseDiscussion.objects.order_by("agenda_order"))
    assert [c.meeting_id for c in cases] == [first.pk] * 3
    assert first.invitees.filter(pk=gp.pk).exists()

    # The agenda goes out once, the hub's notice before the meeting, with only a link.
    with time_machine.travel(first.starts_at - datetime.timedelta(hours=30), tick=False):
        assert services.send_due_agendas() == 0
    with time_machine.travel(first.starts_at - datetime.timedelta(hours=23), tick=False):
        assert services.send_due_agendas() == 1
        assert services.send_due_agendas() == 0
    notices = sent_mail(invitations=False)
    assert sorted(m.to[0] for m in notices) == sorted(
        [gp.email, paediatrician.email, mdt_member.email]
    )
    for message in notices:
        assert reverse("mdt:meeting", args=[first.pk]) in message.body
        for child in children:
            assert child.nhs_number not in message.body
            assert child.family_name not in message.body
            assert child.given_name not in message.body
        assert "wheeze" not in message.body
    first.refresh_from_db()
    assert first.status == MeetingStatus.AGENDA_SENT

    # On the day, the chair starts the meeting and lands on the first case's screen.
    with time_machine.travel(first.starts_at - datetime.timedelta(minutes=20)):
        client.force_login(paediatrician)
        response = client.post(reverse("mdt:meeting_start", args=[first.pk]))
        assert response["Location"] == reverse("mdt:case", args=[cases[0].pk])
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert children[0].formatted_nhs_number in response.content.decode()
    assert "Save outcome and actions" in response.content.decode()

    # Attendance: who was there, with professions, and a guest.
    response = client.post(
        reverse("mdt:meeting_attendance", args=[first.pk]),
        {"present": [paediatrician.pk, mdt_member.pk], "guests": "Sam Lee, school nurse"},
    )
    assert response.status_code == 302
    assert {(a.display_name, a.profession) for a in first.attendances.all()} >= {
        ("Sam Lee", "school nurse"),
        (mdt_member.display_name, "Health visitor"),
    }

    # Outcomes, live, one screen per case; the next case follows.
    response = client.post(
        reverse("mdt:case_outcome", args=[cases[0].pk]),
        outcome_data(outcome="primary_care_advice", plan="Start a preventer inhaler."),
    )
    assert response["Location"] == reverse("mdt:case", args=[cases[1].pk])
    response = client.post(
        reverse("mdt:case_outcome", args=[cases[1].pk]), outcome_data(outcome="named_professional")
    )
    assert response.status_code == 400
    assert "Name the professional or service" in response.content.decode()

    # An action on the case, with an owner and a due date, saved with the outcome.
    due = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(
        reverse("mdt:case_outcome", args=[cases[1].pk]),
        outcome_data(
            outcome="named_professional",
            named_professional="Community dietician",
            actions=[("Share the feeding plan with the nursery", mdt_member.pk, due.isoformat())],
        ),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.case_id, action.owner_id, action.due_on) == (cases[1].pk, mdt_member.pk, due)

    # Finishing asks first, naming the meeting the undiscussed case goes to, then moves it.
    body = client.get(reverse("mdt:meeting_finish", args=[first.pk])).content.decode()
    assert children[2].family_name in body
    assert formatting.weekday_when(second.starts_at) in body
    first.refresh_from_db()
    assert first.status == MeetingStatus.IN_PROGRESS
    response = client.post(reverse("mdt:meeting_finish", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == MeetingStatus.FINISHED
    cases[2].refresh_from_db()
    assert cases[2].meeting_id == second.pk
    assert not cases[2].discussed

    # The next meeting's agenda starts with the outstanding action.
    body = client.get(reverse("mdt:meeting", args=[second.pk])).content.decode()
    assert body.index("Share the feeding plan") < body.index(children[2].family_name)

    # The hub's page shows the outcome split and the open action.
    body = client.get(reverse("mdt:hub", args=[hub.pk])).content.decode()
    assert "Advice given, care stays in primary care</th><td>1</td><td>50.0" in body
    assert "Share the feeding plan" in body

    # The referring GP prints the outcome letter.
    client.force_login(gp)
    body = client.get(reverse("mdt:case_letter", args=[cases[1].pk])).content.decode()
    assert "Community dietician" in body
    assert children[1].formatted_nhs_number in body
    assert "Sam Lee" in body

    # Every look at a case was audited, with its child.
    looked = AuditEvent.objects.filter(action__in=["mdt.case.view", "mdt.letter.view"])
    assert {e.child_id for e in looked} >= {children[0].pk, children[1].pk}
    assert Attendance.objects.filter(meeting=first).count() == 3


def test_cases_beyond_the_cap_wait_for_the_next_meeting(hub, practice, gp):
    hub.mdt_case_cap = 2
    hub.save()
    children = [ChildFactory(practice=practice) for _ in range(3)]
    cases = [
        services.put_forward(by=gp, child=c, clinical_question="Q", consent_recorded=True)
        for c in children
    ]
    first, second = Meeting.objects.filter(hub=hub).order_by("starts_at")
    assert [c.meeting_id for c in cases] == [first.pk, first.pk, second.pk]
    assert (second.starts_at - first.starts_at) == datetime.timedelta(weeks=hub.mdt_cadence_weeks)


def test_a_case_without_consent_or_question_is_refused_and_nothing_is_written(
    client, practice, gp, child
):
    client.force_login(gp)
    response = client.post(
        reverse("mdt:put_forward_child", args=[child.pk]), {"clinical_question": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Clinical question" in body
    assert "consent" in body.lower()
    assert not CaseDiscussion.objects.exists()


def test_the_chair_reorders_and_moves_cases(client, hub, practice, paediatrician, gp):
    from tests.mdt.factories import CaseFactory, MeetingFactory

    meeting = MeetingFactory(hub=hub)
    later = MeetingFactory(hub=hub, starts_at=meeting.starts_at + datetime.timedelta(weeks=5))
    a, b = CaseFactory(meeting=meeting), CaseFactory(meeting=meeting)
    client.force_login(paediatrician)
    client.post(reverse("mdt:case_reorder", args=[b.pk]), {"direction": "up"})
    assert list(meeting.cases.order_by("agenda_order").values_list("pk", flat=True)) == [b.pk, a.pk]
    client.post(reverse("mdt:case_move", args=[a.pk]), {"to_meeting": later.pk})
    a.refresh_from_db()
    assert a.meeting_id == later.pk

    # A GP may see the agenda but not run the meeting.
    client.force_login(gp)
    response = client.post(reverse("mdt:case_move", args=[b.pk]), {"to_meeting": later.pk})
    b.refresh_from_db()
    assert b.meeting_id == meeting.pk
    assert response.status_code == 404


def test_the_outcome_history_keeps_the_earlier_version(hub, paediatrician):
    from tests.mdt.factories import CaseFactory, MeetingFactory

    meeting = MeetingFactory(hub=hub, starts_at=timezone.now())
    case = CaseFactory(meeting=meeting)
    services.start_meeting(meeting=meeting, by=paediatrician)
    services.record_outcome(case=case, by=paediatrician, outcome="outreach_clinic")
    services.record_outcome(case=case, by=paediatrician, outcome="primary_care_advice")
    assert [h.outcome for h in case.history.order_by("history_date")] == [
        "",
        "outreach_clinic",
        "primary_care_advice",
    ]


def test_a_case_put_forward_from_an_advice_answer_records_the_referrers_role(
    hub, paediatrician, child
):
    case = services.put_forward(
        by=paediatrician,
        child=child,
        clinical_question="Weight loss: discuss at the MDT",
        consent_recorded=True,
        referrer_role="Advice line",
    )
    assert case.referrer_role == "paediatrician"


def test_an_outreach_clinic_outcome_puts_the_child_on_the_clinic_waiting_list_once(
    client, hub, paediatrician
):
    import pytest

    referral_model = pytest.importorskip("clinics.models").Referral
    from tests.mdt.factories import CaseFactory, MeetingFactory

    meeting = MeetingFactory(hub=hub, starts_at=timezone.now())
    case = CaseFactory(meeting=meeting)
    services.start_meeting(meeting=meeting, by=paediatrician)
    client.force_login(paediatrician)
    data = outcome_data(outcome="outreach_clinic", plan="Review growth", refer_to_clinic="on")
    client.post(reverse("mdt:case_outcome", args=[case.pk]), data)
    client.post(reverse("mdt:case_outcome", args=[case.pk]), data)
    referral = referral_model.objects.get(child=case.child)
    assert (referral.source, referral.referred_by, referral.reason) == (
        "mdt",
        paediatrician,
        "Review growth",
    )


def test_the_coordinator_schedules_a_series_and_a_bad_form_says_what_is_wrong(
    client, hub, coordinator
):
    client.force_login(coordinator)
    url = reverse("mdt:schedule", args=[hub.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"first_starts_at": "2001-01-01T12:00", "count": 40})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "must be in the future" in body
    assert "Give a place or a video link" in body
    assert not Meeting.objects.exists()


def test_a_gp_opens_the_put_forward_form_for_their_hubs_child(client, gp, child):
    client.force_login(gp)
    body = client.get(reverse("mdt:put_forward"), {"q": child.family_name}).content.decode()
    assert reverse("mdt:put_forward_child", args=[child.pk]) in body
    body = client.get(reverse("mdt:put_forward_child", args=[child.pk])).content.decode()
    assert 'for="id_clinical_question"' in body
    assert child.family_name in body
