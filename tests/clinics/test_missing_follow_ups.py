"""An appointment marked not brought by an import or in the admin site, without the clinic's
own button, still gets its follow-up: the sweep every minute opens any that is missing."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from clinics import services
from clinics.models import NotBroughtFollowUp
from hubs.models import Role
from population.models import Flag
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    ReferralFactory,
    free_slot,
)
from tests.factories import ChildFactory, member
from tests.faults.parallel import at_once
from tests.outbox import sent_mail


@pytest.fixture
def lead(hub):
    person = member(Role.PAEDIATRICIAN, hub)
    hub.lead = person
    hub.save()
    return person


def marked_not_brought_elsewhere(practice, child, **kwargs):
    """As an import or the admin site leaves it: the status set, no follow-up opened."""
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    return AppointmentFactory(slot=free_slot(session), child=child, status="not_brought", **kwargs)


def test_the_sweep_opens_the_missing_follow_up_for_the_referrer_and_the_lead_once(practice, lead):
    gp = member(Role.GP, practice.hub, practice=practice)
    child = ChildFactory(practice=practice)
    referral = ReferralFactory(child=child, referred_by=gp)
    appointment = marked_not_brought_elsewhere(practice, child, referral=referral)
    assert services.open_missing_follow_ups() == 1
    assert services.open_missing_follow_ups() == 0
    follow_up = NotBroughtFollowUp.objects.get(appointment=appointment)
    assert follow_up.is_open and not follow_up.escalated
    assert set(follow_up.assigned_to.all()) == {gp, lead}


def test_a_child_at_risk_found_by_the_sweep_is_escalated_to_the_lead_by_email(practice, lead):
    child = ChildFactory(practice=practice, flags=[Flag.CHILD_PROTECTION_PLAN])
    marked_not_brought_elsewhere(practice, child)
    assert services.open_missing_follow_ups() == 1
    follow_up = NotBroughtFollowUp.objects.get()
    assert follow_up.escalated
    [message] = sent_mail()
    assert message.to == [lead.email]
    assert child.family_name not in message.body and child.nhs_number not in message.body


def test_appointments_with_a_follow_up_or_another_outcome_are_left_alone(practice, lead):
    child = ChildFactory(practice=practice)
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    services.mark_not_brought(
        appointment=AppointmentFactory(slot=free_slot(session), child=child), by=lead
    )
    AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    assert services.open_missing_follow_ups() == 0
    assert NotBroughtFollowUp.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_open_one_follow_up(practice, lead):
    marked_not_brought_elsewhere(practice, ChildFactory(practice=practice))
    assert at_once(services.open_missing_follow_ups, services.open_missing_follow_ups) == []
    assert NotBroughtFollowUp.objects.count() == 1


def test_the_sweep_runs_every_minute(db):
    # The schedule migration's steps run again: safe to run twice, and each installs its row.
    migration = importlib.import_module("cc4c.migrations.0003_outbox_and_follow_up_sweeps")
    for operation in migration.Migration.operations * 2:
        operation.code(apps, None)
    task = PeriodicTask.objects.get(task="clinics.tasks.open_missing_follow_ups")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"
