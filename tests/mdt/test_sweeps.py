"""Agenda notices and overdue-action reminders: sent by sweeps, each once, with no identifiers."""

import datetime

import time_machine
from django.core import mail
from django.utils import timezone

from mdt import services
from mdt.models import ActionReminder, Meeting
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory
from tests.outbox import sent_mail


def test_overdue_action_reminds_its_owner_once_across_two_sweeps(hub, mdt_member):
    meeting = MeetingFactory(hub=hub)
    case = CaseFactory(meeting=meeting)
    due = timezone.localdate() + datetime.timedelta(days=3)
    action = ActionFactory(meeting=meeting, case=case, owner=mdt_member, due_on=due)
    ActionFactory(meeting=meeting, due_on=due, done_at=timezone.now())  # done: never reminded

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        assert services.send_overdue_action_reminders() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4), tick=False):
        assert services.send_overdue_action_reminders() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        assert services.send_overdue_action_reminders() == 0

    assert len(sent_mail()) == 1
    message = mail.outbox[0]
    assert message.to == [mdt_member.email]
    for identifier in (
        case.child.nhs_number,
        case.child.given_name,
        case.child.family_name,
        action.description,
    ):
        assert identifier not in message.body
        assert identifier not in message.subject
    assert ActionReminder.objects.filter(action=action).count() == 1


def test_agenda_is_sent_by_the_hubs_notice_and_only_once(hub, mdt_member, paediatrician):
    hub.agenda_notice_hours = 48
    hub.save()
    meeting = MeetingFactory(
        hub=hub,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        invitees=[mdt_member, paediatrician],
    )
    case = CaseFactory(meeting=meeting)
    with time_machine.travel(meeting.starts_at - datetime.timedelta(hours=49), tick=False):
        assert services.send_due_agendas() == 0
    with time_machine.travel(meeting.starts_at - datetime.timedelta(hours=47), tick=False):
        assert services.send_due_agendas() == 1
    with time_machine.travel(meeting.starts_at - datetime.timedelta(hours=1), tick=False):
        assert services.send_due_agendas() == 0
    assert len(sent_mail()) == 2
    for message in mail.outbox:
        assert case.child.nhs_number not in message.body
        assert case.child.family_name not in message.body
        assert case.clinical_question not in message.body
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is not None


def test_the_beat_schedule_runs_both_sweeps(db):
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"mdt.tasks.send_due_agendas", "mdt.tasks.send_overdue_action_reminders"} <= tasks


def test_a_meeting_is_created_per_cadence_when_none_has_room(hub, gp, child):
    last = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(days=3))
    case = services.put_forward(by=gp, child=child, clinical_question="Q", consent_recorded=True)
    assert case.meeting != last
    assert case.meeting.starts_at > timezone.now()
    assert Meeting.objects.filter(hub=hub).count() == 2
