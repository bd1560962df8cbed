"""The advice line's mail receiver dies in the middle of a message: nothing of it is kept and
the sender is not told it arrived (its server sends it again); sent again, it is stored whole."""

import smtplib
import socket
import time
from email.policy import SMTP

import pytest

from advice.models import AdviceRequest, Attachment, InboundEmail
from hubs.models import Role
from tests.advice.factories import PDF_BYTES
from tests.advice.test_email_receiver import ADDRESS, question
from tests.factories import HubFactory, PracticeFactory, member
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
        env=project_env(DATABASE_URL=database_url_for_tests()),
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
