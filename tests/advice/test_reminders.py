"""Reminder at 75% of the target, escalation at 100%: each exactly once, whatever the sweeps."""

import datetime
import importlib

import time_machine
from django.core import mail
from django.utils import timezone

from advice import clock, reminders, services
from advice.models import Reminder
from cc4c import outbox
from cc4c.models import OutboxEmail
from hubs.models import Role
from tests.advice.factories import AdviceRequestFactory, RotaEntryFactory
from tests.factories import member
from tests.outbox import relay_waiting, sent_mail

# Three days ago at 09:00 UTC: inside the memberships the factories give (a year back).
RECEIVED = datetime.datetime.now(datetime.UTC).replace(
    hour=9, minute=0, second=0, microsecond=0
) - datetime.timedelta(days=3)


def sweep_at(hours):
    moment = RECEIVED + datetime.timedelta(hours=hours)
    with time_machine.travel(moment, tick=False):
        sent = reminders.sweep()
        relay_waiting()  # what the relay task queued on the sweep's commit does
        return sent


def setup_hub(hub):
    covering = member(Role.PAEDIATRICIAN, hub)
    lead = member(Role.PAEDIATRICIAN, hub)
    hub.lead = lead
    hub.save()
    for days in (0, 1):
        day = (RECEIVED + datetime.timedelta(days=days)).astimezone(clock.LONDON).date()
        RotaEntryFactory(hub=hub, paediatrician=covering, date=day)
    return covering, lead


def test_reminder_at_75_and_escalation_at_100_each_exactly_once_across_two_sweeps(hub, child):
    covering, lead = setup_hub(hub)
    advice_request = AdviceRequestFactory(hub=hub, child=child, received_at=RECEIVED)

    assert sweep_at(17) == 0  # 71%: nothing yet
    assert sweep_at(18.5) == 1  # 77%: the covering paediatrician is reminded
    assert sweep_at(19) == 0  # the second sweep sends nothing more
    assert [m.to for m in mail.outbox] == [[covering.email]]
    assert sweep_at(24.5) == 1  # target missed: the lead hears
    assert sweep_at(25) == 0
    assert [m.to for m in mail.outbox] == [[covering.email], [lead.email]]
    for message in mail.outbox:
        assert f"/advice/{advice_request.pk}/" in message.body
        assert child.nhs_number not in message.body and child.family_name not in message.body
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        "reminder_75",
        "escalation_100",
    }


def test_a_reminder_the_mail_server_refused_is_sent_once_when_it_is_back(hub, settings):
    covering, _lead = setup_hub(hub)
    AdviceRequestFactory(hub=hub, received_at=RECEIVED)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert sweep_at(19) == 1  # the reminder is due: recorded, its email waits in the outbox
    assert Reminder.objects.get().sent_at is not None
    assert OutboxEmail.objects.get().sent_at is None  # the mail server is down
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The outbox's minute sweep sends it once the mail server answers, and only once.
    assert outbox.relay(now=timezone.now() + datetime.timedelta(hours=1)) == 1
    assert outbox.relay(now=timezone.now() + datetime.timedelta(hours=2)) == 0
    assert sweep_at(19.5) == 0  # and the reminder sweep does not remind twice
    assert [m.to for m in mail.outbox] == [[covering.email]]


def test_answered_and_paused_requests_get_no_reminders(hub, gp, paediatrician):
    setup_hub(hub)
    answered = AdviceRequestFactory(hub=hub, received_at=RECEIVED, asked_by=gp)
    paused = AdviceRequestFactory(hub=hub, received_at=RECEIVED, asked_by=gp)
    with time_machine.travel(RECEIVED + datetime.timedelta(hours=1), tick=False):
        services.answer(advice_request=answered, text="Fine.", by=paediatrician)
        services.ask_for_information(advice_request=paused, text="Weight?", by=paediatrician)
    sent_mail().clear()  # the GP's emails about the answer and the question
    assert sweep_at(30) == 0
    assert mail.outbox == []


def test_without_a_rota_every_paediatrician_of_the_hub_is_reminded(hub):
    paeds = {member(Role.PAEDIATRICIAN, hub).email for _ in range(2)}
    AdviceRequestFactory(hub=hub, received_at=RECEIVED)
    assert sweep_at(20) == 1
    assert set(mail.outbox[0].to) == paeds


def test_the_sweep_is_scheduled_every_minute(db):
    # Run the schedule migration's own step again: it must be safe to run twice.
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("advice.migrations.0002_reminder_sweep_schedule")
    (operation,) = migration.Migration.operations
    operation.code(apps, None)
    operation.code(apps, None)
    task = PeriodicTask.objects.get(task="advice.tasks.sweep")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "minutes")
