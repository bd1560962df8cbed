"""A clinic's day as the coordinator and the paediatrician live it: booking from the waiting
list or a free slot (never a preselected child), sessions that are over, attendance from the
day only, each action confirmed, and a not-brought child never left on no list."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clinics import services
from clinics.models import (
    Appointment,
    AppointmentStatus,
    FollowUpStatus,
    NextStep,
    Referral,
    ReferralStatus,
)
from hubs.models import AuditEvent, Role
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    NotBroughtFollowUpFactory,
    ReferralFactory,
    free_slot,
)
from tests.factories import ChildFactory, member, one_use_token

LONDON = ZoneInfo("Europe/London")
# Tuesday 10 March 2026, 10:00 in London: the day's clinic (09:00 to 12:00) is running.
TUESDAY = datetime.date(2026, 3, 10)
MORNING = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)
pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def waiting(practice, given="Childgiven", family=None, **kwargs):
    child = ChildFactory(
        practice=practice, given_name=given, **({"family_name": family} if family else {})
    )
    return ReferralFactory(child=child, **kwargs)


def body_of(response):
    return response.content.decode()


# The waiting list and the child pickers


def test_the_waiting_list_offers_book_on_each_row_to_the_coordinator_not_the_gp(
    clock, practice, coordinator, gp, client_for
):
    referrals = [waiting(practice) for _ in range(3)]
    body = body_of(client_for(coordinator).get(reverse("clinics:waiting_list")))
    for referral in referrals:
        assert reverse("clinics:referral_book", args=[referral.pk]) in body
    body = body_of(client_for(gp).get(reverse("clinics:waiting_list")))
    assert "/book/" not in body


def test_the_waiting_list_shows_each_childs_nhs_number_date_of_birth_and_age(
    clock, practice, gp, client_for
):
    referral = waiting(practice)
    child = referral.child
    child.date_of_birth = datetime.date(2025, 7, 2)
    child.save()
    body = body_of(client_for(gp).get(reverse("clinics:waiting_list")))
    assert child.formatted_nhs_number in body
    assert "2 Jul 2025" in body
    assert ">8 months<" in body


def test_a_free_slot_opens_a_picker_where_no_child_is_chosen(
    clock, practice, session, coordinator, client_for
):
    first, second = waiting(practice), waiting(practice)
    slot = session.slots.first()
    body = body_of(
        client_for(coordinator).get(reverse("clinics:slot_book", args=[session.pk, slot.pk]))
    )
    assert body.count('type="radio" name="referral"') == 2
    assert "checked" not in body
    for referral in (first, second):
        child = referral.child
        assert child.formatted_nhs_number in body
        assert f"{child.date_of_birth.day} {child.date_of_birth:%b %Y}" in body
        assert child.age_text() in body


def test_the_session_page_links_each_free_slot_to_its_picker_and_preselects_no_one(
    clock, practice, session, coordinator, client_for
):
    waiting(practice)
    body = body_of(
        client_for(coordinator).get(reverse("clinics:session_detail", args=[session.pk]))
    )
    for slot in session.slots.all():
        assert reverse("clinics:slot_book", args=[session.pk, slot.pk]) in body
    assert "<select" not in body  # no list of children with the first one already chosen


def test_booking_a_slot_without_choosing_a_child_shows_the_error_summary(
    clock, practice, session, coordinator, client_for
):
    waiting(practice)
    slot = session.slots.first()
    response = client_for(coordinator).post(
        reverse("clinics:slot_book", args=[session.pk, slot.pk]), {}
    )
    body = body_of(response)
    assert "There is a problem" in body
    assert 'href="#id_referral_0"' in body and 'id="id_referral_0"' in body
    assert body.count("Select the child to book.") == 2  # the summary and the field
    assert not Appointment.objects.exists()


def test_booking_a_chosen_child_confirms_who_when_and_where(
    clock, practice, session, coordinator, client_for
):
    referral = waiting(practice)
    slot = session.slots.order_by("start_time")[1]
    response = client_for(coordinator).post(
        reverse("clinics:slot_book", args=[session.pk, slot.pk]),
        {"referral": referral.pk, **one_use_token()},
        follow=True,
    )
    child = referral.child
    assert (
        f"Booked: {child} (NHS number {child.formatted_nhs_number}) on Tue 17 Mar 2026 at 09:20"
        in body_of(response)
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.BOOKED


def test_the_pickers_warn_when_two_children_on_the_list_share_a_name(
    clock, practice, session, coordinator, client_for
):
    twins = [waiting(practice, "Amelia", "Jones") for _ in range(2)]
    waiting(practice, "Noah", "Smith")
    # One child with two referrals is one child, not two sharing a name.
    again = waiting(practice, "Leo", "Brown")
    ReferralFactory(child=again.child, reason="Second question")
    client = client_for(coordinator)
    for url in (
        reverse("clinics:waiting_list"),
        reverse("clinics:slot_book", args=[session.pk, session.slots.first().pk]),
    ):
        body = body_of(client.get(url))
        assert "Children on this list share a name" in body, url
        assert "called <strong>Amelia Jones</strong>. Check the NHS number" in body, url
        assert body.count("Same name as another child") == 2, url
        for twin in twins:
            assert twin.child.formatted_nhs_number in body


def test_the_same_name_warning_counts_the_whole_list_not_the_page(
    clock, practice, session, coordinator, client_for
):
    waiting(practice, "Amelia", "Jones", referral_date=datetime.date(2026, 1, 1))
    for _ in range(50):
        waiting(practice)
    waiting(practice, "amelia", "JONES", referral_date=datetime.date(2026, 3, 9))
    body = body_of(client_for(coordinator).get(reverse("clinics:waiting_list")))
    assert "Children on this list share a name" in body
    assert body.count("Same name as another child") == 1  # the other is on page 2


def test_no_warning_when_every_name_differs(clock, practice, coordinator, client_for):
    waiting(practice, "Amelia", "Jones")
    waiting(practice, "Amelia", "Smith")
    body = body_of(client_for(coordinator).get(reverse("clinics:waiting_list")))
    assert "share a name" not in body


def test_book_from_a_waiting_list_row_lists_free_upcoming_slots_and_books_the_chosen_one(
    clock, practice, coordinator, client_for
):
    referral = waiting(practice)
    today = ClinicSessionFactory(host_practice=practice, date=TUESDAY)
    past = ClinicSessionFactory(host_practice=practice, date=TUESDAY - datetime.timedelta(days=7))
    later = ClinicSessionFactory(host_practice=practice)
    taken = later.slots.first()
    AppointmentFactory(slot=taken, child=ChildFactory(practice=practice))
    client = client_for(coordinator)
    url = reverse("clinics:referral_book", args=[referral.pk])
    body = body_of(client.get(url))
    assert "checked" not in body
    assert f'value="{free_slot(today).pk}"' in body
    assert f'value="{free_slot(later).pk}"' in body
    assert f'value="{taken.pk}"' not in body
    assert not any(f'value="{s.pk}"' in body for s in past.slots.all())
    assert AuditEvent.objects.filter(action="clinic.referral.view", child_id=referral.child_id)

    response = client.post(url, {})
    assert "Select the slot to book." in body_of(response)

    slot = free_slot(later)
    response = client.post(url, {"slot": slot.pk, **one_use_token()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("clinics:session_detail", args=[later.pk])
    assert "Booked: " in body_of(response)
    assert Appointment.objects.get(slot=slot).referral == referral


def test_book_for_a_child_who_is_no_longer_waiting_says_so(
    clock, practice, coordinator, client_for
):
    referral = waiting(practice, status=ReferralStatus.BOOKED)
    response = client_for(coordinator).get(
        reverse("clinics:referral_book", args=[referral.pk]), follow=True
    )
    assert "is no longer waiting: the referral is booked." in body_of(response)


# Sessions that are over


def test_booking_into_a_session_that_is_over_is_refused_with_a_clear_message(
    clock, practice, coordinator
):
    session = ClinicSessionFactory(
        host_practice=practice, date=TUESDAY, end_time=datetime.time(9, 40)
    )
    referral = waiting(practice)
    with pytest.raises(services.ClinicError) as refused:
        services.book_appointment(
            slot=free_slot(session), child=referral.child, referral=referral, by=coordinator
        )
    assert str(refused.value) == (
        "The clinic of Tue 10 Mar 2026 ended at 09:40: it is over, so no one can be booked "
        "into it. Choose a slot in an upcoming session."
    )
    assert not Appointment.objects.exists()


def test_the_booking_page_of_a_session_that_ended_while_it_was_open_refuses_the_post(
    clock, practice, coordinator, client_for
):
    session = ClinicSessionFactory(
        host_practice=practice, date=TUESDAY, end_time=datetime.time(10, 20)
    )
    referral = waiting(practice)
    client = client_for(coordinator)
    url = reverse("clinics:slot_book", args=[session.pk, free_slot(session).pk])
    assert 'name="referral"' in body_of(client.get(url))
    clock.shift(datetime.timedelta(minutes=25))  # within the sign-in's 30 idle minutes
    body = body_of(client.post(url, {"referral": referral.pk, **one_use_token()}))
    assert "There is a problem" in body
    assert "ended at 10:20: it is over, so no one can be booked into it" in body
    assert not Appointment.objects.exists()
    body = body_of(client.get(url))
    assert "it is over" in body and 'name="referral"' not in body


def test_moving_an_appointment_into_a_session_that_is_over_is_refused(clock, practice, coordinator):
    over = ClinicSessionFactory(host_practice=practice, date=TUESDAY, end_time=datetime.time(9, 40))
    appointment = AppointmentFactory(child=ChildFactory(practice=practice))
    with pytest.raises(services.ClinicError, match="it is over"):
        services.move_appointment(appointment=appointment, slot=free_slot(over), by=coordinator)


def test_sessions_that_are_over_show_held_or_outcomes_not_recorded_and_no_cancel(
    clock, practice, coordinator, client_for
):
    held = ClinicSessionFactory(host_practice=practice, date=TUESDAY - datetime.timedelta(days=7))
    AppointmentFactory(
        slot=free_slot(held), child=ChildFactory(practice=practice), status="attended"
    )
    unrecorded = ClinicSessionFactory(
        host_practice=practice, date=TUESDAY - datetime.timedelta(days=14)
    )
    AppointmentFactory(
        slot=free_slot(unrecorded), child=ChildFactory(practice=practice), status="attended"
    )
    AppointmentFactory(slot=free_slot(unrecorded), child=ChildFactory(practice=practice))
    upcoming = ClinicSessionFactory(host_practice=practice)
    client = client_for(coordinator)

    body = body_of(client.get(reverse("clinics:session_list") + "?when=past"))
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    assert any("3 Mar 2026" in r and "<td>Held</td>" in r for r in rows)
    assert any("24 Feb 2026" in r and "<td>Outcomes not recorded</td>" in r for r in rows)
    assert "Scheduled" not in body
    assert "<td>Scheduled</td>" in body_of(client.get(reverse("clinics:session_list")))

    for session, label in ((held, "Held"), (unrecorded, "Outcomes not recorded")):
        page = body_of(client.get(reverse("clinics:session_detail", args=[session.pk])))
        assert f'<dd class="col-sm-9">{label}</dd>' in page
        assert "Cancel this session" not in page
        assert "/book/" not in page
        response = client.get(reverse("clinics:session_cancel", args=[session.pk]), follow=True)
        assert "is over: a session that has been held cannot be cancelled" in body_of(response)
        with pytest.raises(services.ClinicError, match="cannot be cancelled"):
            services.cancel_session(session=session, reason="Too late", by=coordinator)
    page = body_of(client.get(reverse("clinics:session_detail", args=[upcoming.pk])))
    assert "Cancel this session" in page


def test_a_session_of_today_is_over_once_its_end_time_has_passed(clock, practice):
    session = ClinicSessionFactory(host_practice=practice, date=TUESDAY)
    assert not session.is_over() and session.state_label == "Scheduled"
    clock.shift(datetime.timedelta(hours=2))
    assert session.is_over() and session.state_label == "Held"


# Attendance from the session's day, each action confirmed


def test_attended_and_not_brought_are_offered_only_from_the_sessions_day(
    clock, practice, paediatrician, client_for
):
    today = ClinicSessionFactory(host_practice=practice, date=TUESDAY)
    tomorrow = ClinicSessionFactory(
        host_practice=practice, date=TUESDAY + datetime.timedelta(days=1)
    )
    booked_today = AppointmentFactory(slot=free_slot(today), child=ChildFactory(practice=practice))
    booked_tomorrow = AppointmentFactory(
        slot=free_slot(tomorrow), child=ChildFactory(practice=practice)
    )
    client = client_for(paediatrician)

    body = body_of(client.get(reverse("clinics:session_detail", args=[today.pk])))
    assert ">Attended<" in body and ">Not brought<" in body
    body = body_of(client.get(reverse("clinics:appointment_detail", args=[booked_today.pk])))
    assert "Record attendance" in body

    body = body_of(client.get(reverse("clinics:session_detail", args=[tomorrow.pk])))
    assert ">Attended<" not in body and ">Not brought<" not in body
    assert "can be recorded from the day of the clinic, Wed 11 Mar 2026" in body
    body = body_of(client.get(reverse("clinics:appointment_detail", args=[booked_tomorrow.pk])))
    assert "Record attendance" not in body
    assert "can be recorded from the day of the clinic, Wed 11 Mar 2026" in body

    response = client.post(
        reverse("clinics:appointment_attendance", args=[booked_tomorrow.pk]),
        {"status": "attended"},
        follow=True,
    )
    assert "Attendance can be recorded on the day of the clinic, not before." in body_of(response)
    booked_tomorrow.refresh_from_db()
    assert booked_tomorrow.status == AppointmentStatus.BOOKED


def test_every_action_on_an_appointment_confirms_what_it_did(
    clock, practice, paediatrician, coordinator, client_for
):
    session = ClinicSessionFactory(host_practice=practice, date=TUESDAY)
    later = ClinicSessionFactory(host_practice=practice)
    came = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    missed = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    moving = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    cancelling = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    paed = client_for(paediatrician)

    def said(response):
        return body_of(response)

    attendance = "clinics:appointment_attendance"
    body = said(
        paed.post(
            reverse(attendance, args=[came.pk]),
            {"status": "attended", "back": "session"},
            follow=True,
        )
    )
    assert f"{came.child}: attended. Record the outcome when you know it." in body
    body = said(
        paed.post(
            reverse("clinics:appointment_outcome", args=[came.pk]),
            {"outcome": "hub_follow_up"},
            follow=True,
        )
    )
    assert f"{came.child}: outcome saved (follow-up in the hub)." in body
    body = said(
        paed.post(reverse(attendance, args=[missed.pk]), {"status": "not_brought"}, follow=True)
    )
    assert f"{missed.child}: not brought. A follow-up is open" in body

    coord = client_for(coordinator)
    target = free_slot(later)
    body = said(
        coord.post(
            reverse("clinics:appointment_move", args=[moving.pk]), {"slot": target.pk}, follow=True
        )
    )
    assert f"Moved to Tue 17 Mar 2026 {target.start_time:%H:%M}, {practice.name}." in body
    body = said(
        coord.post(
            reverse("clinics:appointment_cancel", args=[cancelling.pk]),
            {"by": "family", "reason": "On holiday"},
            follow=True,
        )
    )
    assert (
        f"The appointment is cancelled and {cancelling.child} is back on the waiting list." in body
    )
    assert Referral.objects.get(child=cancelling.child).status == ReferralStatus.WAITING


def test_a_bad_cancel_shows_the_error_summary_on_the_appointment_page(
    clock, practice, coordinator, client_for
):
    appointment = AppointmentFactory(child=ChildFactory(practice=practice))
    body = body_of(
        client_for(coordinator).post(
            reverse("clinics:appointment_cancel", args=[appointment.pk]), {}
        )
    )
    assert "There is a problem" in body
    assert body.count("Select who cancelled the appointment.") == 2
    assert body.count("Say why the appointment is cancelled.") == 2
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


# A not-brought child is never on no list


@pytest.fixture
def missed(clock, practice, gp):
    session = ClinicSessionFactory(
        host_practice=practice, date=TUESDAY - datetime.timedelta(days=1)
    )
    referral = waiting(
        practice, status=ReferralStatus.BOOKED, referral_date=datetime.date(2026, 1, 5)
    )
    appointment = AppointmentFactory(
        slot=free_slot(session),
        child=referral.child,
        referral=referral,
        referral_date=referral.referral_date,
        status="not_brought",
    )
    return NotBroughtFollowUpFactory(appointment=appointment)


def test_family_wants_a_new_appointment_booked_there_and_then_from_the_follow_up(
    missed, practice, paediatrician, client_for
):
    later = ClinicSessionFactory(host_practice=practice)
    slot = free_slot(later)
    url = reverse("clinics:follow_up_detail", args=[missed.pk])
    client = client_for(paediatrician)
    body = body_of(client.get(url))
    assert "Book a slot now" in body and f'<option value="{slot.pk}">' in body
    assert "Back on the waiting list at the original referral date, 5 Jan 2026" in body

    response = client.post(
        url,
        {"decision": "family_contacted", "next_step": "book", "slot": slot.pk, **one_use_token()},
        follow=True,
    )
    body = body_of(response)
    child = missed.appointment.child
    assert f"Decision recorded and the follow-up closed. {child} is booked: Tue 17 Mar 2026" in body
    missed.refresh_from_db()
    assert (missed.status, missed.next_step) == (FollowUpStatus.CLOSED, NextStep.BOOKED)
    new = missed.next_appointment
    assert (new.slot, new.child, new.referral, new.referral_date) == (
        slot,
        child,
        missed.appointment.referral,
        datetime.date(2026, 1, 5),
    )
    assert reverse("clinics:appointment_detail", args=[new.pk]) in body


def test_rebooked_puts_the_child_back_on_the_waiting_list_at_the_original_referral_date(
    missed, gp, client_for
):
    url = reverse("clinics:follow_up_detail", args=[missed.pk])
    response = client_for(gp).post(
        url, {"decision": "rebooked", "next_step": "waiting_list", **one_use_token()}, follow=True
    )
    child = missed.appointment.child
    assert f"{child} is back on the waiting list, referred Mon 5 Jan 2026." in body_of(response)
    referral = Referral.objects.get(child=child)
    assert (referral.status, referral.referral_date) == (
        ReferralStatus.WAITING,
        datetime.date(2026, 1, 5),
    )
    body = body_of(client_for(gp).get(reverse("clinics:waiting_list")))
    assert child.formatted_nhs_number in body and "5 Jan 2026" in body


def test_a_gp_who_cannot_book_is_offered_the_waiting_list_only(missed, gp, client_for):
    body = body_of(client_for(gp).get(reverse("clinics:follow_up_detail", args=[missed.pk])))
    assert "Back on the waiting list" in body
    assert "Book a slot now" not in body and "Slot to book" not in body


@pytest.mark.parametrize("decision", ["family_contacted", "rebooked"])
def test_a_new_appointment_decision_without_a_next_place_is_refused(
    decision, missed, paediatrician, client_for
):
    url = reverse("clinics:follow_up_detail", args=[missed.pk])
    body = body_of(client_for(paediatrician).post(url, {"decision": decision}))
    assert "There is a problem" in body
    assert "Choose whether to book a slot now or put the child back on the list." in body
    body = body_of(client_for(paediatrician).post(url, {"decision": decision, "next_step": "book"}))
    assert "Choose the slot to book." in body
    missed.refresh_from_db()
    assert missed.status == FollowUpStatus.OPEN
    with pytest.raises(services.ClinicError, match="must be on one or the other"):
        services.record_decision(follow_up=missed, decision=decision, by=paediatrician)


def test_a_follow_up_of_an_appointment_without_referral_goes_back_at_its_referral_date(
    clock, practice, gp
):
    session = ClinicSessionFactory(
        host_practice=practice, date=TUESDAY - datetime.timedelta(days=1)
    )
    appointment = AppointmentFactory(
        slot=free_slot(session),
        child=ChildFactory(practice=practice),
        referral_date=datetime.date(2025, 12, 1),
        status="not_brought",
    )
    follow_up = NotBroughtFollowUpFactory(appointment=appointment)
    services.record_decision(
        follow_up=follow_up, decision="family_contacted", to_waiting_list=True, by=gp
    )
    referral = Referral.objects.get(child=appointment.child)
    assert (referral.status, referral.referral_date) == (
        ReferralStatus.WAITING,
        datetime.date(2025, 12, 1),
    )
    assert referral.reason == "Rebook: not brought to the clinic of Mon 9 Mar 2026"


def test_a_booking_that_fails_leaves_the_follow_up_open(missed, practice, paediatrician):
    later = ClinicSessionFactory(host_practice=practice)
    slot = free_slot(later)
    AppointmentFactory(slot=slot, child=ChildFactory(practice=practice))
    with pytest.raises(services.ClinicError, match="just booked by someone else"):
        services.record_decision(follow_up=missed, decision="rebooked", slot=slot, by=paediatrician)
    missed.refresh_from_db()
    assert missed.status == FollowUpStatus.OPEN


def test_the_follow_up_links_the_childs_record_and_shows_the_practices_contact_route(
    missed, practice, gp, client_for
):
    other_gp = member(Role.GP, practice.hub, practice=practice, first_name="Rita", last_name="Shah")
    body = body_of(client_for(gp).get(reverse("clinics:follow_up_detail", args=[missed.pk])))
    child = missed.appointment.child
    assert reverse("population:child", args=[child.pk]) in body
    assert "Contact the family through the practice" in body
    assert f"registered at <strong>{practice.name}</strong>" in body
    assert f'href="mailto:{other_gp.email}"' in body and f'href="mailto:{gp.email}"' in body


# Query counts of the pickers


@pytest.mark.parametrize("rows", [1, 50])
def test_slot_picker_query_count_does_not_grow_with_waiting_children(
    rows, clock, practice, session, coordinator, client_for, django_assert_max_num_queries
):
    for _ in range(rows):
        waiting(practice)
    client = client_for(coordinator)
    url = reverse("clinics:slot_book", args=[session.pk, session.slots.first().pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert body_of(response).count('name="referral"') == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_child_booking_page_query_count_does_not_grow_with_free_slots(
    rows, clock, practice, coordinator, client_for, django_assert_max_num_queries
):
    referral = waiting(practice)
    session = ClinicSessionFactory(
        host_practice=practice,
        start_time=datetime.time(9, 0),
        end_time=(datetime.datetime(2000, 1, 1, 9) + datetime.timedelta(minutes=5 * rows)).time(),
        slot_minutes=5,
    )
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("clinics:referral_book", args=[referral.pk]))
    assert body_of(response).count('name="slot"') == min(rows, session.slots.count())
