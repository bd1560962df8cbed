"""Rate limits at the doors: sign-in, password reset, and the advice line's email receiver."""

import smtplib
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.cache import cache
from django.urls import reverse

from advice import mail_throttle
from advice.errors import Refused
from advice.models import AdviceRequest, InboundEmail
from advice.smtp import make_controller
from hubs.models import Role
from tests.advice.mail import passed, trust_relay
from tests.factories import TEST_PASSWORD, HubFactory, PracticeFactory, member
from tests.outbox import sent_mail

TOO_MANY = "Too many failed login attempts"


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, gp):
    for _ in range(5):
        response = sign_in(client, gp.email, "not-the-password-at-all")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    response = sign_in(client, gp.email, TEST_PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_another_account_is_not_locked_by_someone_elses_failures(client, gp, paediatrician):
    for _ in range(5):
        sign_in(client, gp.email, "not-the-password-at-all")
    response = sign_in(client, paediatrician.email, TEST_PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_spraying_sign_ins_is_turned_away(client):
    statuses = [
        sign_in(client, f"p{i}@spray.example", "guess-guess-1").status_code for i in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


@pytest.mark.django_db
def test_password_reset_emails_for_one_address_stop_after_five_a_minute(client, gp):
    url = reverse("account_reset_password")
    statuses = [client.post(url, {"email": gp.email}).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(sent_mail()) == 5


# --- the advice line's email receiver ------------------------------------------------------

ADDRESS = "advice.limits@hub.example"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    controller = make_controller("127.0.0.1", free_port())
    controller.start()
    yield controller
    controller.stop()
    cache.clear()


@pytest.fixture
def mail_hub():
    hub = HubFactory(code="LIMIT", advice_email=ADDRESS)
    member(Role.GP, hub, practice=PracticeFactory(hub=hub), email="dr.busy@practice.example")
    return hub


def question(sender):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ADDRESS
    message["Subject"] = "Rash"
    message["Authentication-Results"] = passed(sender.rpartition("@")[2])
    message.set_content(f"Rash for two weeks; what next? ({make_msgid()})")
    return message


def send(receiver, sender, envelope=None):
    """The receiver's answer code to one message."""
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=20) as client:
        try:
            client.send_message(question(sender), from_addr=envelope or sender)
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code
    return 250


@pytest.mark.django_db(transaction=True)
def test_a_sender_over_the_hourly_limit_is_told_to_try_later_and_nothing_is_stored(
    settings, receiver, mail_hub
):
    trust_relay(settings)
    settings.ADVICE_EMAIL_PER_SENDER_PER_HOUR = 2
    # The proven From address is counted, whatever envelope sender each message gives.
    codes = [send(receiver, "dr.busy@practice.example", f"bounce{i}@x.example") for i in range(3)]
    assert codes == [250, 250, 451]
    assert AdviceRequest.objects.filter(hub=mail_hub).count() == 2
    assert InboundEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_one_sending_server_is_limited_whoever_the_messages_claim_to_be_from(
    settings, receiver, mail_hub
):
    settings.ADVICE_EMAIL_PER_PEER_PER_HOUR = 3
    codes = [send(receiver, f"someone{i}@spoofed.example") for i in range(3)]
    # Strangers are refused for who they are (550) but still counted against the server.
    assert codes == [550, 550, 550]
    assert send(receiver, "dr.busy@practice.example") == 451
    assert AdviceRequest.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_trusted_relay_carrying_every_gps_mail_has_its_own_limit(settings, receiver, mail_hub):
    trust_relay(settings)
    settings.ADVICE_EMAIL_PER_PEER_PER_HOUR = 1
    settings.ADVICE_EMAIL_PER_RELAY_PER_HOUR = 3
    assert [send(receiver, "dr.busy@practice.example") for _ in range(4)] == [250, 250, 250, 451]


@pytest.mark.django_db(transaction=True)
def test_the_receiver_serves_so_many_connections_at_once_and_tells_the_next_to_wait(mail_hub):
    controller = make_controller("127.0.0.1", free_port(), max_connections=2)
    controller.start()
    try:
        first = smtplib.SMTP(controller.hostname, controller.port, timeout=10)
        second = smtplib.SMTP(controller.hostname, controller.port, timeout=10)
        with pytest.raises(smtplib.SMTPConnectError) as busy:
            smtplib.SMTP(controller.hostname, controller.port, timeout=10)
        assert busy.value.smtp_code == 421
        first.quit()
        wait = smtplib.SMTP(controller.hostname, controller.port, timeout=10)
        assert wait.noop()[0] == 250  # a place came free
        for client in (second, wait):
            client.quit()
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_message_over_the_size_limit_is_refused_without_being_kept(settings, mail_hub):
    settings.ADVICE_EMAIL_MAX_BYTES = 50_000
    controller = make_controller("127.0.0.1", free_port())
    controller.start()
    try:
        message = question("dr.busy@practice.example")
        message.add_attachment(b"%PDF-1.4 " + b"0" * 200_000, "application", "pdf")
        client = smtplib.SMTP(controller.hostname, controller.port, timeout=20)
        with client, pytest.raises(smtplib.SMTPException) as refused:
            client.send_message(message)
        assert "552" in str(refused.value)
        assert not InboundEmail.objects.exists()
    finally:
        controller.stop()


@pytest.mark.django_db
def test_the_hourly_count_starts_again_in_the_next_hour(settings):
    settings.ADVICE_EMAIL_PER_SENDER_PER_HOUR = 1
    hour = 1_700_000_000 // 3600 * 3600
    mail_throttle.check_sender("dr@x.example", now=hour + 10)
    with pytest.raises(Refused) as refused:
        mail_throttle.check_sender("DR@x.example", now=hour + 20)
    assert refused.value.code == 451
    mail_throttle.check_sender("dr@x.example", now=hour + 3600)
