"""One form sent twice at the same moment (a double click, a browser's retry) makes one record:
one advice request, one booking, one MDT case. Both sendings are in flight together, on two
real connections, uncommitted, before either finishes (the first held at the table it writes,
the second at the form's one-use token); the second is then shown what the first made."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from advice.models import AdviceRequest
from clinics.models import Appointment, FollowUpStatus
from hubs.models import Role
from mdt.models import CaseDiscussion
from mdt.scheduling import open_meetings
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    NotBroughtFollowUpFactory,
    ReferralFactory,
    free_slot,
)
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member, one_use_token
from tests.faults.parallel import in_flight_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

ROUNDS = 3  # a race that is won only now and then still fails


@pytest.fixture
def practice():
    return PracticeFactory(hub=HubFactory(code="TWICE"))


def two_tabs_of(person):
    """Two clients on one signed-in session, as two requests from one browser."""
    first = Client()
    first.force_login(person)
    second = Client()
    second.cookies = first.cookies
    return first, second


def send_twice(person, url, data, table):
    first, second = two_tabs_of(person)
    responses, errors = in_flight_together(
        f"LOCK TABLE {table} IN EXCLUSIVE MODE",
        lambda: first.post(url, data),
        lambda: second.post(url, data),
    )
    assert errors == []
    return responses


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_advice_question_sent_twice_at_once_is_one_request(practice):
    gp = member(Role.GP, practice.hub, practice=practice)
    url = reverse("advice:ask")
    for _ in range(ROUNDS):
        data = {
            "hub": practice.hub.pk,
            "request_type": "management",
            "urgency": "routine",
            "question": "Eczema not settling on emollients and a mild steroid.",
            **one_use_token(),
        }
        before = set(AdviceRequest.objects.values_list("pk", flat=True))
        responses = send_twice(gp, url, data, "advice_advicerequest")
        [made] = AdviceRequest.objects.exclude(pk__in=before)
        detail = reverse("advice:detail", args=[made.pk])
        assert [r.status_code for r in responses] == [302, 302]
        assert [r["Location"] for r in responses] == [detail, detail]
        told = messages_of(responses[0]) + messages_of(responses[1])
        assert f"This question was already sent: it is {made.reference}." in told


def test_a_booking_sent_twice_at_once_books_once(practice):
    coordinator = member(Role.COORDINATOR, practice.hub, is_staff=True)
    session = ClinicSessionFactory(host_practice=practice)
    for _ in range(ROUNDS):
        referral = ReferralFactory(child=ChildFactory(practice=practice))
        slot = free_slot(session)
        url = reverse("clinics:slot_book", args=[session.pk, slot.pk])
        data = {"referral": referral.pk, **one_use_token()}
        responses = send_twice(coordinator, url, data, "clinics_appointment")
        [booked] = Appointment.objects.filter(child=referral.child)
        assert booked.slot == slot
        page = reverse("clinics:session_detail", args=[session.pk])
        assert [(r.status_code, r["Location"]) for r in responses] == [(302, page)] * 2
        told = messages_of(responses[0]) + messages_of(responses[1])
        assert any(m.startswith("This booking was already made.") for m in told)


def test_a_referral_booked_twice_at_once_from_the_waiting_list_books_once(practice):
    coordinator = member(Role.COORDINATOR, practice.hub, is_staff=True)
    session = ClinicSessionFactory(host_practice=practice)
    for _ in range(ROUNDS):
        referral = ReferralFactory(child=ChildFactory(practice=practice))
        url = reverse("clinics:referral_book", args=[referral.pk])
        data = {"slot": free_slot(session).pk, **one_use_token()}
        responses = send_twice(coordinator, url, data, "clinics_appointment")
        assert Appointment.objects.filter(child=referral.child).count() == 1
        assert [r.status_code for r in responses] == [302, 302]


def test_a_follow_up_decision_sent_twice_at_once_books_once(practice):
    paediatrician = member(Role.PAEDIATRICIAN, practice.hub)
    session = ClinicSessionFactory(host_practice=practice)
    for _ in range(ROUNDS):
        child = ChildFactory(practice=practice)
        follow_up = NotBroughtFollowUpFactory(
            appointment=AppointmentFactory(child=child, status="not_brought")
        )
        url = reverse("clinics:follow_up_detail", args=[follow_up.pk])
        data = {
            "decision": "family_contacted",
            "note": "Rebooked by phone",
            "next_step": "book",
            "slot": free_slot(session).pk,
            **one_use_token(),
        }
        responses = send_twice(paediatrician, url, data, "clinics_appointment")
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUpStatus.CLOSED
        assert Appointment.objects.filter(child=child, status="booked").count() == 1
        assert [(r.status_code, r["Location"]) for r in responses] == [(302, url)] * 2
        told = messages_of(responses[0]) + messages_of(responses[1])
        assert "This decision was already recorded." in told


def test_a_case_put_forward_twice_at_once_is_one_case(practice):
    gp = member(Role.GP, practice.hub, practice=practice)
    for _ in range(ROUNDS):
        child = ChildFactory(practice=practice)
        url = reverse("mdt:put_forward_child", args=[child.pk])
        data = {
            "clinical_question": "Faltering growth: what next?",
            "consent_recorded": "on",
            "referrer_role": "gp",
            **one_use_token(),
        }
        if (meeting := open_meetings(practice.hub).first()) is not None:
            data["meeting"] = meeting.pk
        responses = send_twice(gp, url, data, "mdt_casediscussion")
        [case] = CaseDiscussion.objects.filter(child=child)
        page = reverse("mdt:case", args=[case.pk])
        assert [(r.status_code, r["Location"]) for r in responses] == [(302, page)] * 2
        told = messages_of(responses[0]) + messages_of(responses[1])
        assert "This case was already put forward: here it is." in told


def test_the_same_form_sent_again_later_shows_the_request_it_made(practice):
    gp = member(Role.GP, practice.hub, practice=practice)
    client = Client()
    client.force_login(gp)
    data = {
        "hub": practice.hub.pk,
        "request_type": "other",
        "urgency": "routine",
        "question": "A general question.",
        **one_use_token(),
    }
    first = client.post(reverse("advice:ask"), data)
    again = client.post(reverse("advice:ask"), data, follow=True)
    made = AdviceRequest.objects.get()
    assert first["Location"] == reverse("advice:detail", args=[made.pk])
    assert again.redirect_chain == [(first["Location"], 302)]
    assert f"This question was already sent: it is {made.reference}." in again.content.decode()
