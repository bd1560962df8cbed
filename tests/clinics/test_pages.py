import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clinics.models import Appointment, AppointmentStatus, FollowUpStatus, NotBroughtFollowUp
from hubs.models import AuditEvent, Role
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    NotBroughtFollowUpFactory,
    ReferralFactory,
    free_slot,
)
from tests.factories import ChildFactory, member, one_use_token

# A Tuesday morning in March, London time: clinics of the day are running.
CLINIC_MORNING = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize("rows", [1, 50])
def test_session_list_query_count_does_not_grow_with_rows(
    rows, practice, coordinator, client_for, django_assert_max_num_queries
):
    for _ in range(rows):
        ClinicSessionFactory(host_practice=practice)
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clinics:session_list"))
    assert response.status_code == 200
    assert len(re.findall(r"/clinics/sessions/\d+/", response.content.decode())) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_waiting_list_query_count_does_not_grow_with_rows(
    rows, practice, gp, client_for, django_assert_max_num_queries
):
    for _ in range(rows):
        ReferralFactory(child=ChildFactory(practice=practice))
    client = client_for(gp)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clinics:waiting_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_follow_up_worklist_query_count_does_not_grow_with_rows(
    rows, practice, paediatrician, client_for, django_assert_max_num_queries
):
    session = ClinicSessionFactory(
        host_practice=practice, start_time=datetime.time(0, 0), end_time=datetime.time(23, 40)
    )
    # 71 slots: room for 50 children.
    for _ in range(rows):
        appointment = AppointmentFactory(
            slot=free_slot(session), child=ChildFactory(practice=practice), status="not_brought"
        )
        NotBroughtFollowUpFactory(appointment=appointment).assigned_to.set([paediatrician])
    client = client_for(paediatrician)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clinics:follow_up_list"))
    assert response.status_code == 200
    assert len(re.findall(r"/clinics/follow-ups/\d+/", response.content.decode())) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_session_page_query_count_does_not_grow_with_booked_children(
    rows, practice, coordinator, client_for, django_assert_max_num_queries
):
    session = ClinicSessionFactory(
        host_practice=practice, start_time=datetime.time(0, 0), end_time=datetime.time(23, 40)
    )
    # 71 slots: room for 50 children.
    for _ in range(rows):
        AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
        ReferralFactory(child=ChildFactory(practice=practice))
    client = client_for(coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("clinics:session_detail", args=[session.pk]))
    assert response.status_code == 200


def test_waiting_list_highlights_children_over_the_hub_target(practice, gp, client_for):
    practice.hub.clinic_wait_target_weeks = 6
    practice.hub.save()
    today = timezone.localdate()
    ReferralFactory(
        child=ChildFactory(practice=practice, family_name="Longwait"),
        referral_date=today - datetime.timedelta(weeks=7),
    )
    ReferralFactory(
        child=ChildFactory(practice=practice, family_name="Shortwait"),
        referral_date=today - datetime.timedelta(weeks=2),
    )
    body = client_for(gp).get(reverse("clinics:waiting_list")).content.decode()
    assert "7 weeks <strong>(over the 6-week target)</strong>" in body
    assert "2 weeks</td>" in body
    assert body.index("Longwait") < body.index("Shortwait")
    body = client_for(gp).get(reverse("clinics:waiting_list") + "?sort=-waited").content.decode()
    assert body.index("Shortwait") < body.index("Longwait")


def test_coordinator_books_a_waiting_child_into_a_free_slot(
    session, practice, coordinator, client_for
):
    referral = ReferralFactory(child=ChildFactory(practice=practice))
    slot = session.slots.first()
    response = client_for(coordinator).post(
        reverse("clinics:slot_book", args=[session.pk, slot.pk]),
        {"referral": referral.pk, **one_use_token()},
        follow=True,
    )
    assert f"at {slot.start_time:%H:%M}" in response.content.decode()
    assert Appointment.objects.get(slot=slot).child == referral.child


def test_booking_a_slot_someone_just_took_shows_the_message(
    session, practice, coordinator, client_for
):
    slot = session.slots.first()
    AppointmentFactory(slot=slot, child=ChildFactory(practice=practice))
    referral = ReferralFactory(child=ChildFactory(practice=practice))
    response = client_for(coordinator).post(
        reverse("clinics:slot_book", args=[session.pk, slot.pk]),
        {"referral": referral.pk, **one_use_token()},
        follow=True,
    )
    assert "That slot was just booked by someone else" in response.content.decode()


def test_opening_an_appointment_is_audited_with_the_child(practice, gp, client_for):
    appointment = AppointmentFactory(child=ChildFactory(practice=practice))
    response = client_for(gp).get(reverse("clinics:appointment_detail", args=[appointment.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="clinic.appointment.view")
    assert (event.person, event.child_id) == (gp, appointment.child_id)


def test_paediatrician_marks_not_brought_on_the_day_and_the_page_never_says_dna(
    practice, paediatrician, client_for
):
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    appointment = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    client = client_for(paediatrician)
    response = client.post(
        reverse("clinics:appointment_attendance", args=[appointment.pk]),
        {"status": "not_brought"},
        follow=True,
    )
    body = response.content.decode()
    assert "Not brought" in body
    assert "DNA" not in body and "did not attend" not in body.lower()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NOT_BROUGHT
    assert NotBroughtFollowUp.objects.filter(appointment=appointment).exists()


def test_a_gp_cannot_record_attendance(session, practice, gp, client_for):
    appointment = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    response = client_for(gp).post(
        reverse("clinics:appointment_attendance", args=[appointment.pk]), {"status": "attended"}
    )
    assert response.status_code == 404


def test_decision_form_refuses_a_discharge_without_a_reason(practice, gp, client_for):
    follow_up = NotBroughtFollowUpFactory(
        appointment=AppointmentFactory(child=ChildFactory(practice=practice), status="not_brought")
    )
    url = reverse("clinics:follow_up_detail", args=[follow_up.pk])
    response = client_for(gp).post(url, {"decision": "discharged_with_reason", "note": ""})
    body = response.content.decode()
    assert "There is a problem" in body and "Say why the child is discharged." in body
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN

    client_for(gp).post(
        url,
        {
            "decision": "family_contacted",
            "note": "Rebooking by phone",
            "next_step": "waiting_list",
            **one_use_token(),
        },
    )
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.decided_by) == (FollowUpStatus.CLOSED, gp)


def test_gp_refers_a_child_to_the_waiting_list(child, gp, client_for):
    response = client_for(gp).post(
        reverse("clinics:refer", args=[child.pk]),
        {
            "reason": "Faltering growth",
            "referral_date": timezone.localdate().isoformat(),
            "priority": "soon",
            "source": "gp",
        },
        follow=True,
    )
    assert "on the clinic&#x27;s waiting list" in response.content.decode()
    assert child.clinic_referrals.get().referred_by == gp


def test_coordinator_creates_a_session_with_slots(practice, coordinator, client_for):
    paed = member(Role.PAEDIATRICIAN, practice.hub)
    response = client_for(coordinator).post(
        reverse("clinics:session_create"),
        {
            "hub": practice.hub.pk,
            "date": "2030-03-04",
            "host_practice": practice.pk,
            "start_time": "09:00",
            "end_time": "10:00",
            "slot_minutes": "15",
            "clinicians": [paed.pk],
        },
        follow=True,
    )
    assert "Session created with 4 slots." in response.content.decode()


def test_child_panel_lists_the_childs_appointments(practice, gp, rf):
    from clinics.panels import child_panel

    child = ChildFactory(practice=practice)
    AppointmentFactory(child=child)
    request = rf.get("/")
    request.user = gp
    panel = child_panel(request, child)
    assert panel["title"] == "Outreach clinic appointments"
    assert len(panel["context"]["appointments"]) == 1


def test_waiting_list_download_is_audited_and_lists_only_the_hubs_children(
    practice, other_child, gp, client_for
):
    referral = ReferralFactory(child=ChildFactory(practice=practice))
    ReferralFactory(child=other_child)
    response = client_for(gp).get(reverse("clinics:waiting_list_csv"))
    body = response.content.decode()
    assert referral.child.nhs_number in body
    assert other_child.nhs_number not in body
    assert AuditEvent.objects.filter(action="clinic.waiting_list.export", person=gp).count() == 1
    # Dates in the house style, as on the page.
    born = referral.child.date_of_birth
    assert f",{born.day} {born:%b %Y},{practice.name}," in body
    assert f",{referral.referral_date.day} {referral.referral_date:%b %Y}," in body


def test_the_waiting_list_download_keeps_the_search_and_the_order_of_the_page(
    practice, coordinator, client_for
):
    amir = ReferralFactory(
        child=ChildFactory(practice=practice, given_name="Amir", family_name="Z")
    )
    ReferralFactory(child=ChildFactory(practice=practice, given_name="Bea", family_name="Y"))
    zoe = ReferralFactory(child=ChildFactory(practice=practice, given_name="Zoe", family_name="Z"))
    client = client_for(coordinator)
    page = client.get(reverse("clinics:waiting_list"), {"q": "Z", "sort": "name"}).content.decode()
    link = reverse("clinics:waiting_list_csv") + "?sort=name&amp;q=Z"
    assert f'href="{link}">Download these children (CSV)' in page

    csv = client.get(reverse("clinics:waiting_list_csv"), {"q": "Z", "sort": "name"})
    rows = csv.content.decode().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [amir.child.nhs_number, zoe.child.nhs_number]
    everyone = client.get(reverse("clinics:waiting_list_csv")).content.decode()
    assert len(everyone.splitlines()) == 4


def test_on_the_day_the_paediatrician_marks_attended_and_the_outcome_from_the_clinic_list(
    practice, paediatrician, client_for
):
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    appointment = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    client = client_for(paediatrician)
    url = reverse("clinics:session_detail", args=[session.pk])
    response = client.post(
        reverse("clinics:appointment_attendance", args=[appointment.pk]),
        {"status": "attended", "back": "session"},
    )
    assert response["Location"] == url
    assert "Save outcome" in client.get(url).content.decode()
    client.post(
        reverse("clinics:appointment_outcome", args=[appointment.pk]),
        {"outcome": "discharged_to_primary_care", "back": "session"},
    )
    appointment.refresh_from_db()
    assert (appointment.status, appointment.outcome) == ("attended", "discharged_to_primary_care")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PAEDIATRICIAN, Role.GP])
@time_machine.travel(CLINIC_MORNING, tick=False)
def test_every_clinic_page_opens_with_one_heading(role, practice, client_for):
    person = member(role, practice.hub, practice=practice, is_staff=role == Role.COORDINATOR)
    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    ClinicSessionFactory(host_practice=practice)  # a later one, with free slots to move to
    child = ChildFactory(practice=practice)
    booked = AppointmentFactory(slot=free_slot(session), child=child)
    attended = AppointmentFactory(slot=free_slot(session), child=child, status="attended")
    follow_up = NotBroughtFollowUpFactory(
        appointment=AppointmentFactory(slot=free_slot(session), child=child, status="not_brought")
    )
    waiting = ReferralFactory(child=ChildFactory(practice=practice))
    urls = [
        reverse("clinics:session_list"),
        reverse("clinics:session_list") + "?when=past",
        reverse("clinics:session_detail", args=[session.pk]),
        reverse("clinics:session_print", args=[session.pk]),
        reverse("clinics:appointment_detail", args=[booked.pk]),
        reverse("clinics:appointment_detail", args=[attended.pk]),
        reverse("clinics:waiting_list") + "?sort=priority&q=Child",
        reverse("clinics:follow_up_list"),
        reverse("clinics:follow_up_detail", args=[follow_up.pk]),
    ]
    if role != Role.COORDINATOR:
        urls.append(reverse("clinics:refer", args=[child.pk]))
    if role != Role.GP:
        urls += [
            reverse("clinics:session_create"),
            reverse("clinics:session_cancel", args=[session.pk]),
            reverse("clinics:slot_book", args=[session.pk, free_slot(session).pk]),
            reverse("clinics:referral_book", args=[waiting.pk]),
        ]
    client = client_for(person)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert body.count("<h1") == 1, url
        assert "DNA" not in body, url


def test_session_list_counts_booked_slots_without_cancelled_ones(practice, gp, client_for):
    session = ClinicSessionFactory(host_practice=practice)
    first, second = session.slots.all()[:2]
    AppointmentFactory(slot=first, child=ChildFactory(practice=practice))
    AppointmentFactory(
        slot=second, child=ChildFactory(practice=practice), status="cancelled_by_family"
    )
    body = client_for(gp).get(reverse("clinics:session_list")).content.decode()
    assert f"<td>1 of {session.slots.count()}</td>" in body


def test_appointment_letter_tells_the_family_when_and_where_with_a_feedback_code(
    practice, gp, client_for
):
    session = ClinicSessionFactory(host_practice=practice, date=datetime.date(2026, 12, 3))
    appointment = AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    response = client_for(gp).get(reverse("clinics:appointment_letter", args=[appointment.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thu 3 Dec 2026" in body
    assert appointment.slot.start_time.strftime("%H:%M") in body
    assert practice.name in body
    assert "Tell us how it went" in body and "<svg" in body
    assert "Do not send this letter" not in body
    event = AuditEvent.objects.get(action="clinic.appointment.letter")
    assert (event.person, event.child_id) == (gp, appointment.child_id)


def test_letter_of_a_cancelled_appointment_warns_and_carries_no_feedback_link(
    practice, gp, client_for
):
    appointment = AppointmentFactory(
        child=ChildFactory(practice=practice), status=AppointmentStatus.CANCELLED_BY_CLINIC
    )
    body = (
        client_for(gp)
        .get(reverse("clinics:appointment_letter", args=[appointment.pk]))
        .content.decode()
    )
    assert "Do not send this letter" in body
    assert "Tell us how it went" not in body
