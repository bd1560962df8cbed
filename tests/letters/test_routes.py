"""The advice answer as a letter; the secure email route for a practice without a MESH mailbox
(a real SMTP server on loopback, down first, then up); each letter's state on the advice
request and the appointment; the coordinator's list of letters not sent; and an MDT meeting's
invitation moved and cancelled."""

import datetime
import email
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from advice import services as advice_services
from clinics import services as clinic_services
from hubs.models import AuditEvent
from letters import relay
from letters.models import Kind, Letter, Route, Status
from mdt import services as mdt_services
from tests.advice.factories import AdviceRequestFactory
from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot
from tests.faults.servers import MailSink, free_port
from tests.letters.helpers import relay_waiting
from tests.outbox import relay_waiting as relay_emails

pytestmark = pytest.mark.django_db

SECURE = "practice.secure@nhs.net"


def smtp_to(port):
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
    }


@pytest.fixture
def no_mesh(settings):
    settings.MESH_URL = ""
    settings.MESH_MAILBOX = ""


@pytest.fixture
def secure_practice(practice):
    practice.secure_email = SECURE
    practice.mesh_mailbox = ""
    practice.save(update_fields=["secure_email", "mesh_mailbox"])
    return practice


@pytest.fixture
def sink():
    server = MailSink().start()
    yield server
    server.stop()


def answered(hub, gp, child, paediatrician):
    advice_request = AdviceRequestFactory(
        hub=hub, child=child, asked_by=gp, question="Eczema flaring despite emollients."
    )
    advice_services.answer(
        advice_request=advice_request,
        text="Use a moderate-potency steroid for two weeks, then review.",
        by=paediatrician,
    )
    return advice_request, Letter.objects.get(kind=Kind.ADVICE)


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_advice_answer_letter_carries_the_question_the_answer_and_who_gave_it(
    client, hub, gp, child, paediatrician, secure_practice, no_mesh
):
    advice_request, letter = answered(hub, gp, child, paediatrician)
    assert letter.status == Status.QUEUED and letter.practice == secure_practice
    client.force_login(gp)
    response = client.get(reverse("letters:letter_pdf", args=[letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    text = pdf_text(response.content)
    assert "Advice from the hub's paediatrician" in text
    assert "Eczema flaring despite emollients." in text
    assert "Use a moderate-potency steroid for two weeks, then review." in text
    assert child.formatted_nhs_number in text
    assert child.family_name.upper() in text
    assert f"{child.date_of_birth:%-d %b %Y}" in text
    assert secure_practice.name in text and secure_practice.ods_code in text
    assert paediatrician.display_name in text and "Paediatrician" in text
    assert hub.name in text
    assert AuditEvent.objects.filter(
        action="letters.download", person=gp, child_id=child.pk, object_id=str(letter.pk)
    ).exists()
    # A general question names no child: no letter.
    general = AdviceRequestFactory(hub=hub, asked_by=gp)
    advice_services.answer(advice_request=general, text="See the guideline.", by=paediatrician)
    assert Letter.objects.count() == 1


def test_a_practice_without_a_mailbox_gets_the_letter_by_secure_email_once_the_server_is_up(
    settings, hub, gp, child, paediatrician, secure_practice, no_mesh, sink, client
):
    settings.SECURE_EMAIL_CONFIG = smtp_to(free_port())  # nothing listens there yet
    advice_request, letter = answered(hub, gp, child, paediatrician)
    assert relay_waiting() == 0
    letter.refresh_from_db()
    assert letter.status == Status.QUEUED and letter.attempts == 1
    assert "Secure email" in letter.last_error and letter.next_attempt_at > timezone.now()

    settings.SECURE_EMAIL_CONFIG = smtp_to(sink.port)
    assert relay.relay(now=letter.next_attempt_at) == 1
    assert relay.relay(now=letter.next_attempt_at) == 0
    [(recipients, raw)] = sink.accepted
    assert recipients == [SECURE]
    message = email.message_from_bytes(raw)
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body_text = body.get_payload(decode=True).decode()
    for identifier in (child.nhs_number, child.formatted_nhs_number, child.family_name):
        assert identifier not in body_text and identifier not in message["Subject"]
    assert "steroid" not in body_text
    [attachment] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    text = pdf_text(attachment.get_payload(decode=True))
    assert child.formatted_nhs_number in text and "moderate-potency steroid" in text
    letter.refresh_from_db()
    assert letter.status == Status.SENT and letter.route == Route.EMAIL
    assert letter.recipient == SECURE and letter.attempts == 2

    # The request's page shows the letter and its state.
    client.force_login(gp)
    page = client.get(reverse("advice:detail", args=[advice_request.pk])).content.decode()
    assert reverse("letters:letter_pdf", args=[letter.pk]) in page
    assert "Sent" in page and SECURE in page


def test_a_practice_with_neither_route_fails_at_once_saying_what_to_add(
    hub, gp, child, paediatrician, practice, no_mesh
):
    _request, letter = answered(hub, gp, child, paediatrician)
    assert relay_waiting() == 0
    letter.refresh_from_db()
    assert letter.status == Status.FAILED and letter.attempts == 0
    assert "no MESH mailbox and no secure email address" in letter.last_error


def test_the_appointment_shows_its_letter_and_its_state(
    client, child, secure_practice, paediatrician, coordinator, no_mesh
):
    session = ClinicSessionFactory(host_practice=secure_practice, date=timezone.localdate())
    session.clinicians.add(paediatrician)
    appointment = AppointmentFactory(slot=free_slot(session), child=child, status="attended")
    clinic_services.record_outcome(
        appointment=appointment, outcome="discharged_to_primary_care", by=paediatrician
    )
    letter = Letter.objects.get(kind=Kind.CLINIC)
    client.force_login(coordinator)
    url = reverse("clinics:appointment_detail", args=[appointment.pk])
    page = client.get(url).content.decode()
    assert reverse("letters:letter_pdf", args=[letter.pk]) in page and "Queued" in page


def test_the_list_of_letters_not_sent_is_the_coordinators_hubs_searchable_and_pinned(
    client, hub, other_hub, coordinator, practice, other_practice, django_assert_max_num_queries
):
    from tests.factories import ChildFactory

    def failed(child, prac, n):
        for _ in range(n):
            Letter.objects.create(
                hub=prac.hub,
                practice=prac,
                child=child,
                kind=Kind.CLINIC,
                source_type="clinics.appointment",
                source_id=Letter.objects.count() + 1,
                title="Outreach clinic letter",
                html="<p>letter</p>",
                status=Status.FAILED,
                failed_at=timezone.now(),
                last_error="MESH refused the message: Unregistered to address",
            )

    client.force_login(coordinator)
    url = reverse("letters:not_sent")
    assert "Every letter to the practices of your hubs has been sent." in (
        client.get(url).content.decode()
    )
    stranger = ChildFactory(practice=other_practice, family_name="Elsewhereson")
    failed(stranger, other_practice, 1)
    for n in (1, 50):
        Letter.objects.filter(hub=hub).delete()
        failed(ChildFactory(practice=practice, family_name="Ourhubchild"), practice, n)
        # Session, person, roles, MFA; the count and the page of letters; the audit entry;
        # the session saved and its transaction.
        with django_assert_max_num_queries(10):
            page = client.get(url).content.decode()
        assert page.count("Send again<span") == n
        assert "Elsewhereson" not in page
    found = client.get(url, {"q": "Ourhubchild"}).content.decode()
    assert found.count("Send again<span") == 50
    assert "No letter not sent matches" in client.get(url, {"q": "nobody"}).content.decode()
    csv_rows = client.get(reverse("letters:not_sent_csv")).content.decode().splitlines()
    assert len(csv_rows) == 51 and csv_rows[0].startswith("reference,kind,hub")
    assert AuditEvent.objects.filter(action="letters.not_sent.export").exists()


def test_an_mdt_meeting_moved_then_cancelled_updates_and_cancels_the_same_event(
    hub, paediatrician, coordinator, mailoutbox
):
    first = timezone.now() + datetime.timedelta(days=7)
    [meeting] = mdt_services.schedule_series(
        hub=hub,
        first_starts_at=first,
        count=1,
        by=coordinator,
        place="Room 1",
        chair=paediatrician,
    )
    mdt_services.change_meeting(
        meeting=meeting,
        by=coordinator,
        starts_at=meeting.starts_at + datetime.timedelta(hours=2),
        place="Room 2",
    )
    mdt_services.cancel_meeting(meeting=meeting, by=coordinator)
    relay_emails()
    events = []
    for message in mailoutbox:
        for part in message.message().walk():
            if part.get_content_type() == "text/calendar":
                calendar = Calendar.from_ical(part.get_payload(decode=True))
                [event] = calendar.walk("VEVENT")
                events.append((str(calendar["METHOD"]), event))
    assert [method for method, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(event["UID"]) for _, event in events}) == 1
    sequences = [int(event["SEQUENCE"]) for _, event in events]
    assert sequences[0] < sequences[1] < sequences[2]
    assert str(events[1][1]["LOCATION"]) == "Room 2"
    assert events[1][1].decoded("DTSTART") - events[0][1].decoded("DTSTART") == (
        datetime.timedelta(hours=2)
    )
    assert str(events[2][1]["STATUS"]) == "CANCELLED"
