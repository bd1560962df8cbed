import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from clinics import services
from clinics.models import Appointment, AppointmentStatus, ReferralStatus
from hubs.models import Role
from tests.clinics.factories import ClinicSessionFactory, ReferralFactory
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.outbox import sent_mail


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_booking_one_slot_at_once_only_one_wins():
    hub = HubFactory()
    practice = PracticeFactory(hub=hub)
    session = ClinicSessionFactory(host_practice=practice)
    slot = session.slots.first()
    coordinators = [member(Role.COORDINATOR, hub), member(Role.COORDINATOR, hub)]
    children = [ChildFactory(practice=practice), ChildFactory(practice=practice)]
    barrier = threading.Barrier(2)
    results = [None, None]

    def book(i):
        try:
            # Each thread has its own database connection: two real sessions.
            free = not Appointment.objects.live().filter(slot=slot).exists()
            barrier.wait(timeout=10)
            assert free
            services.book_appointment(slot=slot, child=children[i], by=coordinators[i])
            results[i] = "booked"
        except services.ClinicError as exc:
            results[i] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results) == sorted(["booked", services.SLOT_TAKEN])
    assert "That slot was just booked by someone else" in services.SLOT_TAKEN
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_booking_a_taken_slot_is_refused_with_the_clear_message(session, practice, coordinator):
    slot = session.slots.first()
    services.book_appointment(slot=slot, child=ChildFactory(practice=practice), by=coordinator)
    with pytest.raises(services.ClinicError, match="just booked by someone else"):
        services.book_appointment(slot=slot, child=ChildFactory(practice=practice), by=coordinator)
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_a_cancelled_appointment_frees_its_slot(session, practice, coordinator):
    slot = session.slots.first()
    first = services.book_appointment(
        slot=slot, child=ChildFactory(practice=practice), by=coordinator
    )
    services.cancel_appointment(
        appointment=first, by_family=True, reason="Family on holiday", by=coordinator
    )
    second = services.book_appointment(
        slot=slot, child=ChildFactory(practice=practice), by=coordinator
    )
    assert second.status == AppointmentStatus.BOOKED
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED_BY_FAMILY


def test_booking_from_the_waiting_list_emails_the_practice_without_identifiers(
    session, practice, coordinator, mail_on_commit
):
    gp = member(Role.GP, practice.hub, practice=practice)
    referral = ReferralFactory(child=ChildFactory(practice=practice), referred_by=gp)
    with mail_on_commit(execute=True):
        appointment = services.book_appointment(
            slot=session.slots.first(), child=referral.child, referral=referral, by=coordinator
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED
    assert appointment.referral_date == referral.referral_date
    assert len(sent_mail()) == 1
    message = mail.outbox[0]
    assert message.to == [gp.email]
    text = message.subject + message.body
    child = referral.child
    for identifier in (child.given_name, child.family_name, child.nhs_number, "Constipation"):
        assert identifier not in text
    assert f"/clinics/appointments/{appointment.pk}/" in message.body


def test_a_child_of_another_hub_cannot_be_booked(session, other_child, coordinator):
    with pytest.raises(services.ClinicError, match="not registered at a practice of this hub"):
        services.book_appointment(slot=session.slots.first(), child=other_child, by=coordinator)


def test_moving_an_appointment_to_a_taken_slot_is_refused(session, practice, coordinator):
    first, second = session.slots.all()[:2]
    a = services.book_appointment(slot=first, child=ChildFactory(practice=practice), by=coordinator)
    services.book_appointment(slot=second, child=ChildFactory(practice=practice), by=coordinator)
    with pytest.raises(services.ClinicError, match="just booked"):
        services.move_appointment(appointment=a, slot=second, by=coordinator)
    a.refresh_from_db()
    assert a.slot == first


def test_moving_keeps_the_old_slot_in_history(session, practice, coordinator):
    first, second = session.slots.all()[:2]
    a = services.book_appointment(slot=first, child=ChildFactory(practice=practice), by=coordinator)
    services.move_appointment(appointment=a, slot=second, reason="Clinician late", by=coordinator)
    assert [h.slot_id for h in a.history.order_by("history_date")] == [first.pk, second.pk]


def test_cancelling_a_session_asks_what_happens_to_each_booked_child(
    session, practice, coordinator, client_for, mail_on_commit
):
    gp = member(Role.GP, practice.hub, practice=practice)
    first, second = session.slots.all()[:2]
    rebook = ReferralFactory(child=ChildFactory(practice=practice), referred_by=gp)
    notify = ReferralFactory(child=ChildFactory(practice=practice), referred_by=gp)
    a = services.book_appointment(slot=first, child=rebook.child, referral=rebook, by=coordinator)
    b = services.book_appointment(slot=second, child=notify.child, referral=notify, by=coordinator)
    with mail_on_commit(execute=True):
        response = client_for(coordinator).post(
            reverse("clinics:session_cancel", args=[session.pk]),
            {
                "reason": "Paediatrician unwell",
                f"child_{a.pk}": "rebook",
                f"child_{b.pk}": "notify",
            },
        )
    assert response.status_code == 302
    for obj in (a, b, rebook, notify):
        obj.refresh_from_db()
    assert a.status == b.status == AppointmentStatus.CANCELLED_BY_CLINIC
    assert rebook.status == ReferralStatus.WAITING
    assert notify.status == ReferralStatus.CLOSED
    assert sum("cancelled" in m.subject for m in sent_mail()) == 2


def test_a_session_is_created_with_slots_from_its_times(practice, coordinator):
    session = services.create_session(
        hub=practice.hub,
        date=datetime.date(2030, 1, 7),
        host_practice=practice,
        start_time=datetime.time(13, 30),
        end_time=datetime.time(16, 0),
        slot_minutes=30,
        by=coordinator,
    )
    assert [f"{s.start_time:%H:%M}" for s in session.slots.all()] == [
        "13:30",
        "14:00",
        "14:30",
        "15:00",
        "15:30",
    ]


def test_a_session_cannot_be_hosted_by_another_hubs_practice(practice, other_practice, coordinator):
    with pytest.raises(services.ClinicError, match="one of the hub's practices"):
        services.create_session(
            hub=practice.hub,
            date=datetime.date(2030, 1, 7),
            host_practice=other_practice,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            slot_minutes=20,
            by=coordinator,
        )
