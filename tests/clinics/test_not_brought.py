import datetime

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinics import services
from clinics.models import FollowUpReminder, FollowUpStatus, NotBroughtFollowUp
from hubs.models import Role
from population.models import Flag
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    ReferralFactory,
    free_slot,
)
from tests.factories import ChildFactory, member
from tests.outbox import sent_mail


@pytest.fixture
def lead(hub):
    person = member(Role.PAEDIATRICIAN, hub)
    hub.lead = person
    hub.save()
    return person


def appointment_today(practice, child, **kwargs):
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    return AppointmentFactory(slot=free_slot(session), child=child, **kwargs)


def test_not_brought_child_with_a_child_protection_plan_escalates_to_the_lead_at_once(
    practice, lead, paediatrician, mail_on_commit
):
    child = ChildFactory(practice=practice, flags=[Flag.CHILD_PROTECTION_PLAN])
    appointment = appointment_today(practice, child)
    with mail_on_commit(execute=True):
        follow_up = services.mark_not_brought(appointment=appointment, by=paediatrician)
    assert follow_up.escalated and follow_up.escalated_at is not None
    assert follow_up.escalation_reason == "The child has a safeguarding flag."
    assert [m.to for m in sent_mail()] == [[lead.email]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    for identifier in (child.given_name, child.family_name, child.nhs_number, "protection"):
        assert identifier not in text
    assert f"/clinics/follow-ups/{follow_up.pk}/" in text


def test_not_brought_twice_in_twelve_months_escalates(practice, lead, paediatrician):
    child = ChildFactory(practice=practice)
    earlier = ClinicSessionFactory(
        host_practice=practice, date=timezone.localdate() - datetime.timedelta(days=300)
    )
    AppointmentFactory(slot=free_slot(earlier), child=child, status="not_brought")
    follow_up = services.mark_not_brought(
        appointment=appointment_today(practice, child), by=paediatrician
    )
    assert follow_up.escalated
    assert follow_up.escalation_reason == "Not brought twice in 12 months."


def test_a_first_not_brought_goes_to_the_referrer_and_the_lead_without_escalation(
    practice, lead, paediatrician, mail_on_commit
):
    gp = member(Role.GP, practice.hub, practice=practice)
    child = ChildFactory(practice=practice)
    old = ClinicSessionFactory(
        host_practice=practice, date=timezone.localdate() - datetime.timedelta(days=400)
    )
    AppointmentFactory(slot=free_slot(old), child=child, status="not_brought")
    referral = ReferralFactory(child=child, referred_by=gp)
    with mail_on_commit(execute=True):
        follow_up = services.mark_not_brought(
            appointment=appointment_today(practice, child, referral=referral), by=paediatrician
        )
    assert not follow_up.escalated
    assert set(follow_up.assigned_to.all()) == {gp, lead}
    assert sent_mail() == []


def test_a_follow_up_cannot_be_closed_without_a_decision(practice, lead, paediatrician):
    follow_up = services.mark_not_brought(
        appointment=appointment_today(practice, ChildFactory(practice=practice)),
        by=paediatrician,
    )
    follow_up.status = FollowUpStatus.CLOSED
    with (
        pytest.raises(IntegrityError, match="follow_up_closed_only_with_decision"),
        transaction.atomic(),
    ):
        follow_up.save()
    with pytest.raises(services.ClinicError, match="Choose a decision"):
        services.record_decision(follow_up=follow_up, decision="", by=paediatrician)
    follow_up.refresh_from_db()
    assert follow_up.is_open


def test_a_discharge_needs_its_reason(practice, lead, paediatrician):
    follow_up = services.mark_not_brought(
        appointment=appointment_today(practice, ChildFactory(practice=practice)),
        by=paediatrician,
    )
    with pytest.raises(services.ClinicError, match="Say why"):
        services.record_decision(
            follow_up=follow_up, decision="discharged_with_reason", note=" ", by=paediatrician
        )
    closed = services.record_decision(
        follow_up=follow_up,
        decision="discharged_with_reason",
        note="Seen in hospital clinic the same week",
        by=paediatrician,
    )
    assert closed.status == FollowUpStatus.CLOSED
    assert closed.history.count() == 2


def test_a_not_brought_cannot_be_recorded_before_the_day(practice, paediatrician):
    appointment = AppointmentFactory(child=ChildFactory(practice=practice))
    with pytest.raises(services.ClinicError, match="on the day"):
        services.mark_not_brought(appointment=appointment, by=paediatrician)
    assert not NotBroughtFollowUp.objects.exists()


def test_each_reminder_is_sent_once_across_sweeps(practice, lead, paediatrician, mail_on_commit):
    gp = member(Role.GP, practice.hub, practice=practice)
    child = ChildFactory(practice=practice)
    referral = ReferralFactory(child=child, referred_by=gp)
    follow_up = services.mark_not_brought(
        appointment=appointment_today(practice, child, referral=referral), by=paediatrician
    )
    opened = follow_up.opened_at
    with (
        time_machine.travel(opened + datetime.timedelta(days=1), tick=False),
        mail_on_commit(execute=True),
    ):
        assert services.send_follow_up_reminders() == 0
    with (
        time_machine.travel(opened + datetime.timedelta(days=4), tick=False),
        mail_on_commit(execute=True),
    ):
        assert services.send_follow_up_reminders() == 1
        assert services.send_follow_up_reminders() == 0
    assert len(sent_mail()) == 1
    assert sorted(mail.outbox[0].to) == sorted([gp.email, lead.email])
    assert child.family_name not in mail.outbox[0].body
    with (
        time_machine.travel(opened + datetime.timedelta(days=8), tick=False),
        mail_on_commit(execute=True),
    ):
        assert services.send_follow_up_reminders() == 1
    assert list(FollowUpReminder.objects.values_list("number", flat=True)) == [1, 2]

    services.record_decision(follow_up=follow_up, decision="rebooked", to_waiting_list=True, by=gp)
    with time_machine.travel(opened + datetime.timedelta(days=15), tick=False):
        assert services.send_follow_up_reminders() == 0
