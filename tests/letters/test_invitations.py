"""Calendar invitations: MDT invitees and clinic clinicians get an iCalendar invitation by
email (through the outbox); a move updates it, a cancellation cancels it, with the same UID and
a rising SEQUENCE (RFC 5545/5546), read back with icalendar."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from clinics import services as clinic_services
from hubs.models import Role
from mdt import services as mdt_services
from tests.clinics.factories import ClinicSessionFactory
from tests.factories import member
from tests.outbox import relay_waiting

pytestmark = pytest.mark.django_db


def calendars(to):
    """(METHOD, VEVENT) of each invitation sent to ``to``, in the order sent."""
    relay_waiting()
    found = []
    for message in mail.outbox:
        if to not in message.to:
            continue
        for part in message.message().walk():
            if part.get_content_type() == "text/calendar":
                assert part.get_param("method") in ("REQUEST", "CANCEL")
                calendar = Calendar.from_ical(part.get_payload(decode=True))
                [event] = calendar.walk("VEVENT")
                found.append((str(calendar["METHOD"]), event, message))
    return found


def test_clinic_clinicians_are_invited_updated_and_told_of_the_cancellation(
    hub, practice, paediatrician, coordinator
):
    gp = member(Role.GP, hub, practice=practice)
    day = timezone.localdate() + datetime.timedelta(days=14)
    session = clinic_services.create_session(
        hub=hub,
        date=day,
        host_practice=practice,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 0),
        slot_minutes=20,
        clinicians=[paediatrician, gp],
        by=coordinator,
    )
    # The coordinator moves it an hour later (the admin site).
    session.start_time, session.end_time = datetime.time(10, 0), datetime.time(12, 0)
    session.save()
    clinic_services.session_changed(session=session, by=coordinator)
    clinic_services.cancel_session(session=session, reason="Room flooded", by=coordinator)

    sent = calendars(paediatrician.email)
    assert [method for method, _, _ in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    uids = {str(event["UID"]) for _, event, _ in sent}
    assert len(uids) == 1
    sequences = [int(event["SEQUENCE"]) for _, event, _ in sent]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    _, first, invitation = sent[0]
    _, moved, update = sent[1]
    assert (
        first.decoded("DTSTART").astimezone(datetime.UTC).hour + 1
        == moved.decoded("DTSTART").astimezone(datetime.UTC).hour
    )
    assert practice.name in str(first["LOCATION"])
    assert update.subject.startswith("Updated invitation")
    assert {str(a).removeprefix("mailto:") for a in first.get("ATTENDEE")} == {
        paediatrician.email,
        gp.email,
    }
    assert str(sent[2][1]["STATUS"]) == "CANCELLED"
    # The GP gets the same three.
    assert [method for method, _, _ in calendars(gp.email)] == ["REQUEST", "REQUEST", "CANCEL"]


def test_a_clinician_added_is_invited_and_one_removed_gets_a_cancellation(
    hub, practice, paediatrician, coordinator
):
    gp = member(Role.GP, hub, practice=practice)
    session = ClinicSessionFactory(host_practice=practice)
    session.clinicians.set([paediatrician])
    clinic_services.session_changed(session=session, by=coordinator)
    session.clinicians.set([gp])
    clinic_services.session_changed(session=session, by=coordinator)

    assert [m for m, _, _ in calendars(paediatrician.email)] == ["REQUEST", "CANCEL"]
    [(method, event, _)] = calendars(gp.email)
    assert method == "REQUEST"
    assert int(event["SEQUENCE"]) == int(calendars(paediatrician.email)[1][1]["SEQUENCE"])


def test_mdt_invitees_are_invited_when_a_series_is_scheduled_and_a_presenter_when_invited(
    hub, paediatrician, coordinator, gp, child
):
    first = timezone.now() + datetime.timedelta(days=7)
    [meeting] = mdt_services.schedule_series(
        hub=hub,
        first_starts_at=first,
        count=1,
        by=coordinator,
        place="Practice meeting room",
        chair=paediatrician,
    )
    [(method, event, message)] = calendars(paediatrician.email)
    assert method == "REQUEST" and "MDT meeting" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Practice meeting room"
    assert child.family_name not in message.body

    mdt_services.put_forward(
        by=gp, child=child, clinical_question="Is this constipation?", consent_recorded=True
    )
    [(method, gp_event, message)] = calendars(gp.email)
    assert method == "REQUEST" and str(gp_event["UID"]) == str(event["UID"])
    assert child.family_name not in message.body and child.nhs_number not in message.body
    # The chair, already invited, is not sent it again.
    assert len(calendars(paediatrician.email)) == 1
    assert meeting.pk
