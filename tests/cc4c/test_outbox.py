"""The email outbox: written with the change it announces, sent once, never lost."""

import datetime
import importlib
import time

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cc4c import outbox
from cc4c.models import OutboxEmail
from tests.faults.parallel import at_once
from tests.faults.servers import free_port
from tests.outbox import broker

pytestmark = pytest.mark.django_db


def enqueue(to=("gp@nhs.test",), **kwargs):
    return outbox.enqueue(kind="test", subject="Needs attention", body="A link", to=to, **kwargs)


def test_an_email_of_a_change_that_is_rolled_back_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("the change is refused")
    assert not OutboxEmail.objects.exists()
    assert outbox.relay() == 0
    assert mail.outbox == []


def test_nobody_to_tell_writes_nothing():
    assert enqueue(to=["", None]) is None
    assert not OutboxEmail.objects.exists()


def test_the_relay_sends_each_email_once_to_each_address_once():
    email = enqueue(to=["b@nhs.test", "a@nhs.test", "b@nhs.test"])
    assert outbox.relay() == 1
    assert outbox.relay() == 0
    assert outbox.relay([email.pk]) == 0
    [message] = mail.outbox
    assert message.to == ["a@nhs.test", "b@nhs.test"]
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1


def test_a_send_the_mail_server_refuses_is_retried_later_not_at_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    email = enqueue()
    assert outbox.relay() == 0
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.relay() == 0  # not due yet: the sweep a minute later tries again
    assert outbox.relay(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    email.refresh_from_db()
    assert email.attempts == 2 and email.last_error == ""


def test_a_mail_server_that_is_down_is_tried_once_per_sweep_not_once_per_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    for _ in range(3):
        enqueue()
    assert outbox.relay() == 0
    assert sorted(OutboxEmail.objects.values_list("attempts", flat=True)) == [0, 0, 1]


def test_an_invitation_link_is_wiped_from_the_outbox_once_sent():
    email = enqueue(secret=True)
    outbox.relay()
    email.refresh_from_db()
    assert mail.outbox[0].body == "A link"
    assert email.body == outbox.WIPED


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_email_once():
    for _ in range(20):
        enqueue()
    assert at_once(outbox.relay, outbox.relay, outbox.relay) == []
    assert len(mail.outbox) == 20
    assert not OutboxEmail.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_fails_fast_and_leaves_the_email_for_the_sweep():
    with broker(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        with transaction.atomic():
            email = enqueue()
        assert time.monotonic() - started < 3
    assert OutboxEmail.objects.get(pk=email.pk).sent_at is None
    assert outbox.relay() == 1


def test_the_outbox_sweep_runs_every_minute():
    # The schedule migration's steps run again: safe to run twice, and each installs its row.
    migration = importlib.import_module("cc4c.migrations.0003_outbox_and_follow_up_sweeps")
    for operation in migration.Migration.operations * 2:
        operation.code(apps, None)
    task = PeriodicTask.objects.get(task="cc4c.tasks.relay_unsent")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"
