import datetime

import pytest
import time_machine
from django.core import mail
from django_celery_beat.models import PeriodicTask

from champions.models import AlertKind, ExpiryAlert, Status
from champions.services import sweep_expiry_alerts
from hubs.models import Role
from tests.champions.factories import ChampionFactory, CheckFactory, TrainingFactory
from tests.factories import member
from tests.outbox import relay_waiting

pytestmark = pytest.mark.django_db

EXPIRY = datetime.date(2027, 3, 31)


def sweep_on(day):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False):
        alerted = sweep_expiry_alerts()
        relay_waiting()  # what the relay task queued on the sweep's commit does
        return alerted


def test_coordinator_is_told_once_at_30_days_and_once_at_expiry(hub, practice, coordinator):
    CheckFactory(
        champion=ChampionFactory(practice=practice),
        date=EXPIRY.replace(year=2024),
        expires_on=EXPIRY,
    )
    day = EXPIRY - datetime.timedelta(days=40)
    sent_on = {}
    while day <= EXPIRY + datetime.timedelta(days=10):
        before = len(mail.outbox)
        for _ in range(2):  # a sweep run twice the same day sends nothing more
            sweep_on(day)
        if len(mail.outbox) > before:
            sent_on[day] = len(mail.outbox) - before
        day += datetime.timedelta(days=1)
    assert sent_on == {EXPIRY - datetime.timedelta(days=30): 1, EXPIRY: 1}
    assert [m.to for m in mail.outbox] == [[coordinator.email], [coordinator.email]]
    assert "expire within 30 days" in mail.outbox[0].body
    assert "have expired" in mail.outbox[1].body
    assert set(ExpiryAlert.objects.values_list("kind", flat=True)) == {
        AlertKind.DUE_30_DAYS,
        AlertKind.EXPIRED,
    }


def test_alert_email_names_no_champion_and_links_to_the_admin_list(hub, practice, coordinator):
    champion = ChampionFactory(practice=practice, given_name="Zebedee", family_name="Quill")
    TrainingFactory(champion=champion, date=datetime.date(2025, 1, 1), expires_on=EXPIRY)
    sweep_on(EXPIRY - datetime.timedelta(days=5))
    [message] = mail.outbox
    assert "Zebedee" not in message.body and "Quill" not in message.body
    assert "/admin/champions/champion/?attention=yes" in message.body


def test_a_renewed_check_is_not_alerted(hub, practice, coordinator):
    champion = ChampionFactory(practice=practice)
    CheckFactory(champion=champion, date=datetime.date(2024, 3, 31), expires_on=EXPIRY)
    CheckFactory(
        champion=champion,
        date=EXPIRY - datetime.timedelta(days=60),
        expires_on=EXPIRY.replace(year=2030),
    )
    assert sweep_on(EXPIRY) == 0
    assert mail.outbox == []


def test_champions_who_have_left_are_not_alerted(hub, practice, coordinator):
    CheckFactory(
        champion=ChampionFactory(practice=practice, status=Status.LEFT),
        date=datetime.date(2024, 3, 31),
        expires_on=EXPIRY,
    )
    assert sweep_on(EXPIRY) == 0


def test_only_the_hubs_own_coordinators_are_emailed(hub, practice, coordinator, other_practice):
    other_coordinator = member(Role.COORDINATOR, other_practice.hub)
    CheckFactory(
        champion=ChampionFactory(practice=other_practice),
        date=datetime.date(2024, 3, 31),
        expires_on=EXPIRY,
    )
    sweep_on(EXPIRY)
    assert [m.to for m in mail.outbox] == [[other_coordinator.email]]


def test_a_record_entered_already_expired_is_alerted_once_as_expired(practice, coordinator):
    CheckFactory(
        champion=ChampionFactory(practice=practice),
        date=datetime.date(2024, 1, 1),
        expires_on=EXPIRY,
    )
    sweep_on(EXPIRY + datetime.timedelta(days=3))
    sweep_on(EXPIRY + datetime.timedelta(days=4))
    assert list(ExpiryAlert.objects.values_list("kind", flat=True)) == [AlertKind.EXPIRED]
    assert len(mail.outbox) == 1


def test_the_daily_sweep_is_scheduled():
    task = PeriodicTask.objects.get(task="champions.tasks.sweep_expiry_alerts")
    assert task.enabled and task.crontab is not None


def test_an_alert_is_claimed_only_with_its_email_written(practice, coordinator, monkeypatch):
    from champions import services

    CheckFactory(
        champion=ChampionFactory(practice=practice),
        date=EXPIRY.replace(year=2024),
        expires_on=EXPIRY,
    )

    def outbox_down(*args, **kwargs):
        raise RuntimeError("the outbox row could not be written")

    monkeypatch.setattr(services.outbox, "enqueue", outbox_down)
    with pytest.raises(RuntimeError):
        sweep_on(EXPIRY)
    assert not ExpiryAlert.objects.exists()  # not marked as told, so the next sweep tells
    monkeypatch.undo()
    assert sweep_on(EXPIRY) == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
