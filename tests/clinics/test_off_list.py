"""Taking a child off the clinic waiting list without an appointment: the reason asked for,
the practice told without anything clinical, the reason kept on the child's record, and the
unhappy turns (no reason, another reason left blank, twice, already booked, another hub)."""

import pytest
from django.core import mail
from django.urls import reverse

from clinics import services
from clinics.models import OffListReason, Referral, ReferralStatus
from clinics.services import ClinicError
from hubs.models import AuditEvent, Role
from tests.clinics.factories import ReferralFactory
from tests.factories import ChildFactory, HubFactory, member
from tests.outbox import relay_waiting

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def referral(practice, gp):
    child = ChildFactory(practice=practice, given_name="Ada", family_name="Offlist")
    return ReferralFactory(child=child, referred_by=gp, reason="Constipation, not settling")


def url(referral):
    return reverse("clinics:referral_off_list", args=[referral.pk])


def body(response):
    return response.content.decode()


def test_the_waiting_list_and_the_booking_page_offer_take_off(referral, coordinator, client_for):
    client = client_for(coordinator)
    assert url(referral) in body(client.get(reverse("clinics:waiting_list")))
    assert url(referral) in body(client.get(reverse("clinics:referral_book", args=[referral.pk])))


def test_the_page_names_the_child_and_asks_why_and_audits_the_look(
    referral, coordinator, client_for
):
    page = body(client_for(coordinator).get(url(referral)))
    assert "Take Ada Offlist off the waiting list" in page
    for reason in OffListReason:
        assert reason.label in page
    assert AuditEvent.objects.filter(action="clinic.referral.view", child_id=referral.child_id)


def test_without_a_reason_the_error_summary_names_the_field(referral, coordinator, client_for):
    page = body(client_for(coordinator).post(url(referral), {}))
    assert "There is a problem" in page
    assert "Select why the child is coming off the list." in page
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WAITING


def test_another_reason_needs_its_note(referral, coordinator, client_for):
    page = body(client_for(coordinator).post(url(referral), {"reason": "other", "note": "  "}))
    assert "Say why the child is coming off the list." in page
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WAITING


def test_taking_off_closes_the_referral_tells_the_practice_and_shows_on_the_record(
    referral, coordinator, gp, client_for, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(referral), {"reason": "seen_elsewhere", "note": "Under community team"}, follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("clinics:waiting_list")
    assert "Ada Offlist is off the waiting list. Their practice has been told." in body(response)
    assert url(referral) not in body(response)  # no longer on the list
    closed = Referral.objects.get(pk=referral.pk)
    assert closed.status == ReferralStatus.CLOSED
    assert (closed.off_list_reason, closed.off_list_note) == (
        "seen_elsewhere",
        "Under community team",
    )
    assert closed.off_list_by == coordinator and closed.off_list_at is not None

    relay_waiting()
    (message,) = [m for m in mail.outbox if "waiting list" in m.subject]
    assert gp.email in message.to
    for detail in ("Ada", "Offlist", referral.child.nhs_number, "Constipation", "community"):
        assert detail not in message.subject and detail not in message.body
    assert reverse("population:child", args=[referral.child_id]) in message.body

    record = body(client_for(gp).get(reverse("population:child", args=[referral.child_id])))
    assert "taken off the list" in record and "Seen or being seen by another service" in record
    assert "Under community team" in record


def test_twice_or_after_booking_is_refused_with_the_reason(referral, coordinator, client_for):
    client = client_for(coordinator)
    client.post(url(referral), {"reason": "not_needed"})
    response = client.post(url(referral), {"reason": "moved"}, follow=True)
    assert "Ada Offlist is no longer waiting: the referral is closed." in body(response)
    assert Referral.objects.get(pk=referral.pk).off_list_reason == "not_needed"

    booked = ReferralFactory(child=referral.child, status=ReferralStatus.BOOKED)
    response = client.get(url(booked), follow=True)
    assert "is no longer waiting: the referral is booked." in body(response)


def test_the_service_refuses_a_referral_booked_meanwhile(referral, coordinator):
    stale = Referral.objects.get(pk=referral.pk)
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.BOOKED)
    with pytest.raises(ClinicError, match="no longer waiting: the referral is booked"):
        services.take_off_waiting_list(referral=stale, reason="moved", by=coordinator)
    assert Referral.objects.get(pk=referral.pk).off_list_reason == ""


def test_a_gp_cannot_take_off_and_another_hubs_child_is_not_found(referral, gp, client_for):
    assert client_for(gp).get(url(referral)).status_code == 404
    other = HubFactory()
    outsider = member(Role.COORDINATOR, other)
    assert client_for(outsider).post(url(referral), {"reason": "moved"}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WAITING
