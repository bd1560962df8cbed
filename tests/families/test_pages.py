"""The families pages: contacts on the child's record (scoped, audited, history kept), the
outbox and replies lists (query counts pinned), the carers import, and the measures."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cc4c import breakdown, govuk_notify
from cc4c.imports import run_import, template_csv
from clinics import services as clinics
from evaluation.periods import Period
from families.metrics import family_message_measures
from families.models import Carer, Message
from hubs.models import AuditEvent
from tests.clinics.factories import ClinicSessionFactory, free_slot
from tests.factories import ChildFactory
from tests.families.factories import CarerFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_adds_a_contact_with_consent_and_the_look_is_audited(
    client_for, coordinator, child
):
    client = client_for(coordinator)
    url = reverse("families:carers", args=[child.pk])
    bad = client.post(
        url,
        {"name": "Ann", "relationship": "mother", "preferred_channel": "sms", "mobile": "12345"},
    )
    assert "is not a UK mobile number" in bad.content.decode()
    assert not Carer.objects.exists()
    ok = client.post(
        url,
        {
            "name": "Ann Parent",
            "relationship": "mother",
            "preferred_channel": "sms",
            "mobile": "+44 7700 900 123",
            "consent_to_messages": "on",
        },
    )
    assert ok.status_code == 302
    carer = Carer.objects.get()
    assert carer.mobile == "07700900123" and carer.consent_given_on == timezone.localdate()
    client.get(url)
    assert AuditEvent.objects.filter(action="family.contacts.view", child_id=child.pk).exists()
    client.post(
        reverse("families:carer_edit", args=[carer.pk]),
        {
            "name": "Ann Parent",
            "relationship": "mother",
            "preferred_channel": "sms",
            "mobile": "07700900124",
        },
    )
    assert carer.history.count() == 2


def test_a_gp_of_another_hub_gets_404_for_the_contacts(client_for, other_hub, child):
    from hubs.models import Role
    from tests.factories import member

    client = client_for(member(Role.GP, other_hub))
    assert client.get(reverse("families:carers", args=[child.pk])).status_code == 404


def _messages(practice, coordinator, n):
    session = ClinicSessionFactory(
        host_practice=practice,
        date=timezone.localdate() + datetime.timedelta(days=8),
        end_time=datetime.time(23, 0),
        slot_minutes=10,
    )
    for _ in range(n):
        child = ChildFactory(practice=practice)
        CarerFactory(child=child)
        clinics.book_appointment(slot=free_slot(session), child=child, by=coordinator)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_outbox_and_replies_take_the_same_queries_for_1_and_50_messages(
    rows, client_for, coordinator, practice, django_assert_max_num_queries
):
    _messages(practice, coordinator, rows)
    govuk_notify.relay()
    Message.objects.update()
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("families:outbox"))
    assert page.content.decode().count("has an appointment at the children") == rows
    with django_assert_max_num_queries(14):
        assert client.get(reverse("families:replies")).status_code == 200


def test_the_carers_import_adds_and_updates_contacts_and_names_bad_lines(child, coordinator):
    header = template_csv("carers")
    good = header + f"{child.nhs_number},Ann Parent,mother,07700 900123,,sms,,yes,01/03/2026\n"
    result = run_import("carers", io.BytesIO(good.encode()))
    assert result.created == 1
    again = run_import("carers", io.BytesIO(good.replace("sms,,yes", "sms,Bengali,yes").encode()))
    assert again.updated == 1 and Carer.objects.get().language_need == "Bengali"
    bad = header + f"{child.nhs_number},Ann Parent,self,,ann@example.org,sms,,yes,\n"
    with pytest.raises(Exception) as refused:
        run_import("carers", io.BytesIO(bad.encode()))
    text = str(getattr(refused.value, "errors", refused.value))
    assert (
        "line 2: mobile" in text
        and "line 2: consent_given_on" in text
        and "line 2: relationship" in text
    )


def test_the_measures_count_sent_delivered_and_not_brought_with_and_without_reminders(
    notify, client, carer, practice, coordinator, paediatrician, django_assert_num_queries
):
    from cc4c.models import NotificationStatus
    from families.models import Kind

    session = ClinicSessionFactory(host_practice=practice, date=timezone.localdate())
    reminded = clinics.book_appointment(slot=free_slot(session), child=carer.child, by=coordinator)
    other = ChildFactory(practice=practice)
    missed = clinics.book_appointment(slot=free_slot(session), child=other, by=coordinator)
    message = Message.objects.get(appointment=reminded)
    message.kind = Kind.REMINDER
    message.save()
    govuk_notify.relay()
    message.outbox.refresh_from_db()
    message.outbox.status = NotificationStatus.DELIVERED
    message.outbox.save()
    clinics.mark_attended(appointment=reminded, by=paediatrician)
    clinics.mark_not_brought(appointment=missed, by=paediatrician)
    today = timezone.localdate()
    period = Period.of(today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    values = family_message_measures([session.hub_id], period.date_from, period.date_to)
    assert values["family_messages_sent"] == 1
    assert values["family_messages_delivered"] == 1
    assert values["clinic_dna_reminded_pct"] == 0
    assert values["clinic_dna_not_reminded_pct"] == 100
    # A report's three asks read the messages once, and the appointments once for all of them
    # and once for those with a delivered reminder.
    with breakdown.one_computation(), django_assert_num_queries(3):
        together, per_hub, per_month = (
            family_message_measures([session.hub_id], period.date_from, period.date_to, by=by)
            for by in (None, "hub", "month")
        )
    assert together == values and per_hub == {session.hub_id: values}
    assert per_month[breakdown.first_of_month(today)] == values


def test_the_measures_count_family_cancellations_and_the_slots_given_back_that_were_rebooked(
    notify, client, carer, practice, coordinator
):
    from families.models import FamilyLink

    session = ClinicSessionFactory(
        host_practice=practice, date=timezone.localdate() + datetime.timedelta(days=10)
    )
    children = [carer.child] + [ChildFactory(practice=practice) for _ in range(2)]
    for child in children[1:]:
        CarerFactory(child=child)
    booked = [
        clinics.book_appointment(slot=free_slot(session), child=child, by=coordinator)
        for child in children
    ]
    # Two families say they can't come; one of the two slots goes to another child.
    for appointment in booked[:2]:
        link = FamilyLink.objects.get(appointment=appointment)
        message = Message.objects.filter(appointment=appointment).first()
        token = message.outbox.personalisation["link"].rstrip("/").rsplit("/", 1)[-1]
        assert client.post(reverse("families:answer", args=[token]), {"answer": "cant_come"})
        link.refresh_from_db()
        assert link.answer == "cant_come"
    clinics.book_appointment(
        slot=booked[0].slot, child=ChildFactory(practice=practice), by=coordinator
    )
    values = family_message_measures([session.hub_id], session.date, session.date)
    assert values["family_cancellations"] == 2
    assert values["family_cancelled_slots_rebooked"] == 1
