"""The advice line's mail receiver dies in the middle of a message: nothing of it is kept and
the sender is not told it arrived (its server sends it again); sent again, it is stored whole."""

import datetime
import smtplib
import socket
import threading
import time
from email.policy import SMTP
from email.utils import make_msgid

import pytest
from django.utils import timezone

from advice import email_intake
from advice.models import AdviceRequest, Attachment, InboundEmail
from hubs.models import Role
from tests.advice.factories import PDF_BYTES
from tests.advice.mail import RELAY_ENV, trust_relay
from tests.advice.test_email_receiver import ADDRESS, question
from tests.factories import HubFactory, PracticeFactory, member
from tests.faults.parallel import backends_waiting_on_locks, lock_held
from tests.faults.servers import (
    PYTHON,
    Process,
    database_url_for_tests,
    free_port,
    listening,
    project_env,
    wait_for,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


@pytest.fixture
def advice_hub():
    hub = HubFactory(code="MAIL", advice_email=ADDRESS)
    member(Role.GP, hub, practice=PracticeFactory(hub=hub), email="dr.gp@practice.example")
    return hub


def start_receiver(port, folder):
    receiver = Process(
        "advice_smtpd",
        [PYTHON, "manage.py", "advice_smtpd", "--port", str(port)],
        env=project_env(DATABASE_URL=database_url_for_tests(), **RELAY_ENV),
        folder=folder,
    ).start()
    wait_for(lambda: listening(port), timeout=30, what="advice mail receiver listening")
    return receiver


def reply(stream):
    while True:
        line = stream.readline()
        if not line or line[3:4] != b"-":
            return line


def test_a_message_cut_off_by_a_receiver_restart_is_not_kept_and_is_stored_whole_when_resent(
    advice_hub, tmp_path
):
    port = free_port()
    receiver = start_receiver(port, tmp_path)
    raw = question().as_bytes(policy=SMTP)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            stream = client.makefile("rb")
            assert reply(stream).startswith(b"220")
            for command, expected in [
                (b"EHLO practice.example", b"250"),
                (b"MAIL FROM:<dr.gp@practice.example>", b"250"),
                (f"RCPT TO:<{ADDRESS}>".encode(), b"250"),
                (b"DATA", b"354"),
            ]:
                client.sendall(command + b"\r\n")
                assert reply(stream).startswith(expected)
            client.sendall(raw[: len(raw) // 2])
            time.sleep(0.3)
            receiver.kill()  # the receiver dies with half the message in hand
            assert not reply(stream).startswith(b"250")  # the sender is never told it arrived
        assert not InboundEmail.objects.exists()
        assert not AdviceRequest.objects.exists()
        assert not Attachment.objects.exists()

        receiver = start_receiver(port, tmp_path)
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
            client.send_message(question())  # the sender's server tries again
        advice_request = AdviceRequest.objects.get()
        attachment = advice_request.attachments.get()
        assert attachment.size == len(PDF_BYTES)
        assert attachment.file.read() == PDF_BYTES
        assert InboundEmail.objects.count() == 1
    finally:
        receiver.kill()


def test_a_message_delivered_again_after_the_receiver_died_before_its_250_is_one_request(
    advice_hub, tmp_path
):
    """The receiver stores the message, then dies making it into a request (held at the
    requests table, then killed), so the sender never hears 250 and sends it again: the stored
    copy is found by its Message-ID and made into one request."""
    port = free_port()
    receiver = start_receiver(port, tmp_path)
    raw = question()
    raw["Message-ID"] = make_msgid(domain="practice.example")
    answered = {}

    def send():
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                client.send_message(raw)
            answered["code"] = 250
        except (smtplib.SMTPException, OSError) as error:
            answered["error"] = error

    try:
        with lock_held("LOCK TABLE advice_advicerequest IN SHARE MODE"):
            sender = threading.Thread(target=send)
            sender.start()
            wait_for(backends_waiting_on_locks, timeout=30, what="the receiver making the request")
            assert InboundEmail.objects.get().status == "stored"  # committed before the 250
            receiver.kill()
            sender.join(timeout=30)
        assert "code" not in answered  # the sender never heard 250
        wait_for(lambda: not backends_waiting_on_locks(), timeout=30, what="the dead work gone")
        assert not AdviceRequest.objects.exists()

        receiver = start_receiver(port, tmp_path)
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.send_message(raw)  # the sender's server tries again, and hears 250
            client.send_message(raw)  # and once more, for good measure
        advice_request = AdviceRequest.objects.get()
        assert advice_request.attachments.get().file.read() == PDF_BYTES
        inbound = InboundEmail.objects.get()
        assert (inbound.status, inbound.advice_request) == ("processed", advice_request)
        assert email_intake.sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
        assert AdviceRequest.objects.count() == 1
    finally:
        receiver.kill()


def test_a_stored_message_the_receiver_never_processed_is_made_a_request_by_the_sweep(
    advice_hub, settings
):
    trust_relay(settings)
    gp = advice_hub.memberships.get().person
    inbound = InboundEmail.objects.create(
        hub=advice_hub,
        mail_from=gp.email,
        rcpt_to=ADDRESS,
        raw=question().as_bytes(policy=SMTP),
        person=gp,
        sender=gp.email,
        content_hash="x" * 64,
    )
    assert email_intake.sweep() == 0  # the receiver may still be at it
    later = timezone.now() + email_intake.SWEEP_AFTER + datetime.timedelta(seconds=1)
    assert email_intake.sweep(now=later) == 1
    inbound.refresh_from_db()
    assert inbound.status == "processed" and inbound.advice_request.asked_by == gp
    assert email_intake.sweep(now=later) == 0
    assert AdviceRequest.objects.count() == 1
