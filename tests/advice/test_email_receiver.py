"""The advice mail receiver, a real SMTP server on loopback, fed by smtplib."""

import smtplib
import socket
from email.message import EmailMessage

import pytest
from django.core.cache import cache

from advice.models import AdviceRequest, InboundEmail
from advice.smtp import make_controller
from hubs.models import Role
from tests.advice.factories import PDF_BYTES
from tests.advice.mail import passed, trust_relay
from tests.factories import HubFactory, PracticeFactory, member

ADDRESS = "advice.test@hub.example"

pytestmark = pytest.mark.django_db(transaction=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver(settings):
    settings.ADVICE_EMAIL_MAX_BYTES = 200_000
    trust_relay(settings)
    cache.clear()  # the receiver's hourly counts per server and sender start at none
    controller = make_controller("127.0.0.1", free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def advice_hub():
    hub = HubFactory(code="MAIL", advice_email=ADDRESS)
    practice = PracticeFactory(hub=hub)
    gp = member(Role.GP, hub, practice=practice, email="dr.gp@practice.example")
    return hub, gp


def question(sender="dr.gp@practice.example", attach=PDF_BYTES, name="referral letter.pdf"):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ADDRESS
    message["Subject"] = "Toddler with bow legs"
    message["Authentication-Results"] = passed(sender.rpartition("@")[2])
    message.set_content("Is this physiological? Photos and letter attached.")
    if attach is not None:
        message.add_attachment(attach, maintype="application", subtype="pdf", filename=name)
    return message


def smtp(receiver):
    return smtplib.SMTP(receiver.hostname, receiver.port, timeout=20)


def test_an_emailed_question_with_a_pdf_becomes_a_request_in_the_queue(receiver, advice_hub):
    hub, gp = advice_hub
    with smtp(receiver) as client:
        client.send_message(question())
    advice_request = AdviceRequest.objects.get(hub=hub)
    assert advice_request.channel == "email"
    assert advice_request.asked_by == gp
    assert advice_request.status == "open"
    assert "bow legs" in advice_request.question
    attachment = advice_request.attachments.get()
    assert attachment.original_name == "referral letter.pdf"
    assert attachment.file.read() == PDF_BYTES
    inbound = InboundEmail.objects.get()
    assert inbound.status == "processed" and inbound.advice_request == advice_request
    assert b"bow legs" in bytes(inbound.raw)


def test_an_unknown_sender_is_refused_with_a_reason_and_the_receiver_keeps_going(
    receiver, advice_hub
):
    with smtp(receiver) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.send_message(question(sender="stranger@elsewhere.example"))
    assert refused.value.smtp_code == 550
    assert b"not a GP or paediatrician" in refused.value.smtp_error
    assert not AdviceRequest.objects.exists()
    # Kept, refused, for the coordinator to read.
    [kept] = InboundEmail.objects.all()
    assert (kept.status, kept.sender) == ("refused", "stranger@elsewhere.example")
    assert "not a GP or paediatrician" in kept.reason
    with smtp(receiver) as client:
        client.send_message(question())
    assert AdviceRequest.objects.count() == 1


def test_malformed_mail_is_refused_with_554_and_the_receiver_keeps_going(receiver, advice_hub):
    with smtp(receiver) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail("x@y.example", [ADDRESS], b"\x00\xff garbage with no headers at all")
    assert refused.value.smtp_code == 554
    with smtp(receiver) as client:
        client.send_message(question())
    assert AdviceRequest.objects.count() == 1


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused(receiver, advice_hub):
    with smtp(receiver) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.send_message(question(attach=b"MZ\x90\x00 program", name="invoice.pdf"))
    assert refused.value.smtp_code == 554
    assert not AdviceRequest.objects.exists()


def test_oversize_mail_is_refused_with_552(receiver, advice_hub):
    big = PDF_BYTES + b"0" * 300_000
    with smtp(receiver) as client, pytest.raises(smtplib.SMTPException) as refused:
        client.send_message(question(attach=big))
    assert "552" in str(refused.value)
    assert not AdviceRequest.objects.exists()


def test_mail_to_an_address_that_is_no_advice_line_is_refused(receiver, advice_hub):
    message = question()
    with smtp(receiver) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.send_message(message, to_addrs=["someone@hub.example"])
