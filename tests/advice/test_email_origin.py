"""Where an emailed question comes from: a From address is the GP's only when proven, by a
DKIM signature of its domain (checked against a key a DNS server on loopback serves) or by the
Authentication-Results of the hub's trusted relay; anything else is refused, or held until the
GP confirms it from the link sent to their registered address."""

import base64
import smtplib
import threading
from email.message import EmailMessage
from email.utils import make_msgid

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSServer

from advice import email_intake
from advice.models import AdviceRequest, InboundEmail
from advice.smtp import make_controller
from cc4c.models import OutboxEmail
from hubs.models import Hub, Role
from tests.advice.mail import passed, trust_relay
from tests.factories import HubFactory, PracticeFactory, member
from tests.faults.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "advice.origin@hub.example"
GP = "dr.signed@surgery.example"
SELECTOR = b"mail2026"


class Keys(BaseResolver):
    """A DNS server's answers: the TXT records it holds, NXDOMAIN for anything else."""

    def __init__(self):
        self.records = {}

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        if request.q.qtype == QTYPE.TXT and name in self.records:
            value = self.records[name]
            chunks = [value[i : i + 255] for i in range(0, len(value), 255)]
            reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        else:
            reply.header.rcode = 3  # NXDOMAIN
        return reply


@pytest.fixture
def dns(settings):
    keys = Keys()
    port = free_port()
    server = DNSServer(keys, port=port, address="127.0.0.1")
    server.start_thread()
    settings.ADVICE_EMAIL_DNS_SERVERS = [f"127.0.0.1:{port}"]
    yield keys
    server.stop()


def signing_key(dns, domain):
    """A new RSA key whose public half ``dns`` serves for ``domain``; its private half (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    dns.records[f"{SELECTOR.decode()}._domainkey.{domain}"] = (
        "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode()
    )
    return private


def signed(raw, domain, private):
    signature = dkim.sign(
        raw,
        SELECTOR,
        domain.encode(),
        private,
        include_headers=[b"from", b"to", b"subject", b"message-id"],
    )
    return signature + raw


@pytest.fixture
def receiver():
    controller = make_controller("127.0.0.1", free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def gp():
    hub = HubFactory(code="ORIGIN", advice_email=ADDRESS)
    return member(Role.GP, hub, practice=PracticeFactory(hub=hub), email=GP)


def message(sender=GP, text="Toddler with bow legs: physiological?"):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ADDRESS
    m["Subject"] = "Bow legs"
    m["Message-ID"] = make_msgid(domain="surgery.example")
    m.set_content(text)
    return m.as_bytes()


def deliver(receiver, raw, sender=GP):
    """The receiver's code for one message."""
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=30) as client:
        try:
            client.sendmail(sender, [ADDRESS], raw)
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code, refused.smtp_error.decode()
    return 250, ""


def test_a_forged_from_is_refused_when_the_hub_refuses_unproven_mail(settings, receiver, gp):
    settings.ADVICE_EMAIL_UNPROVEN = "refuse"
    code, reason = deliver(receiver, message(), sender="anyone@elsewhere.example")
    assert code == 550 and "could not be proven to come from its From address" in reason
    assert not AdviceRequest.objects.exists()
    [kept] = InboundEmail.objects.all()
    assert (kept.status, kept.person, kept.sender) == ("refused", None, GP)
    assert "could not be proven" in kept.reason


def test_a_forged_from_is_held_and_filed_only_when_the_gp_confirms_it(
    settings, receiver, gp, client_for
):
    settings.ADVICE_EMAIL_UNPROVEN = "confirm"
    assert deliver(receiver, message())[0] == 250
    [held] = InboundEmail.objects.all()
    assert (held.status, held.held_for, held.person) == ("held", gp, None)
    assert not AdviceRequest.objects.exists()  # never filed as theirs unconfirmed
    [email] = OutboxEmail.objects.filter(kind="advice.email_confirm")
    assert email.to == [GP] and "Bow legs" not in email.body and "bow legs" not in email.body
    link = next(w for w in email.body.split() if "/advice/email/" in w)
    path = link[link.index("/advice/") :]

    other_gp = member(Role.GP, Hub.objects.get(code="ORIGIN"), email="other@surgery.example")
    assert client_for(other_gp).get(path).status_code == 404
    assert client_for(other_gp).post(path).status_code == 404

    page = client_for(gp).get(path)
    assert page.status_code == 200 and "Toddler with bow legs" in page.content.decode()
    response = client_for(gp).post(path)
    made = AdviceRequest.objects.get()
    assert response["Location"] == reverse("advice:detail", args=[made.pk])
    assert made.asked_by == gp
    held.refresh_from_db()
    assert (held.status, held.proof, held.advice_request) == (
        "processed",
        "confirmed by the sender",
        made,
    )
    assert client_for(gp).post(path).status_code == 404  # the link is used
    assert AdviceRequest.objects.count() == 1


def test_a_dkim_signed_message_of_the_from_domain_is_the_gps(settings, receiver, gp, dns):
    settings.ADVICE_EMAIL_UNPROVEN = "refuse"
    private = signing_key(dns, "surgery.example")
    assert deliver(receiver, signed(message(), "surgery.example", private)) == (250, "")
    made = AdviceRequest.objects.get()
    assert made.asked_by == gp
    assert InboundEmail.objects.get().proof == "dkim:surgery.example"


def test_a_signature_of_another_domain_or_a_changed_message_proves_nothing(
    settings, receiver, gp, dns
):
    settings.ADVICE_EMAIL_UNPROVEN = "refuse"
    theirs = signing_key(dns, "elsewhere.example")
    assert deliver(receiver, signed(message(), "elsewhere.example", theirs))[0] == 550
    ours = signing_key(dns, "surgery.example")
    tampered = signed(message(), "surgery.example", ours).replace(b"physiological", b"urgent!!!!!")
    assert deliver(receiver, tampered)[0] == 550
    assert not AdviceRequest.objects.exists()


def test_the_trusted_relays_verdict_counts_only_from_the_relay(settings, receiver, gp):
    settings.ADVICE_EMAIL_UNPROVEN = "refuse"
    raw = f"Authentication-Results: {passed('surgery.example')}\r\n".encode() + message()
    trust_relay(settings)
    settings.ADVICE_EMAIL_TRUSTED_RELAYS = ["192.0.2.0/24"]  # the relay is elsewhere
    assert deliver(receiver, raw)[0] == 550  # anyone can write the header themselves
    trust_relay(settings)  # the relay connects from here
    assert deliver(receiver, raw)[0] == 250
    assert AdviceRequest.objects.get().asked_by == gp
    assert InboundEmail.objects.get(status="processed").proof == "relay:relay.test"


def test_a_refused_message_is_read_by_its_hubs_coordinator_in_the_admin_site(
    settings, receiver, gp, client_for
):
    settings.ADVICE_EMAIL_UNPROVEN = "refuse"
    deliver(receiver, message(text="Rash on the legs for a week"))
    kept = InboundEmail.objects.get()
    url = reverse("admin:advice_inboundemail_change", args=[kept.pk])
    coordinator = member(Role.COORDINATOR, Hub.objects.get(code="ORIGIN"), is_staff=True)
    body = client_for(coordinator).get(url).content.decode()
    assert "Rash on the legs for a week" in body and "could not be proven" in body
    elsewhere = member(Role.COORDINATOR, HubFactory(code="ELSE"), is_staff=True)
    assert client_for(elsewhere).get(url).status_code in (302, 404)


def test_the_dns_stand_in_is_what_the_check_asks(dns, settings):
    """The check really asks the DNS server named in the settings (no key: no proof)."""
    asked = threading.Event()
    original = dns.resolve

    def resolve(request, handler):
        asked.set()
        return original(request, handler)

    dns.resolve = resolve
    raw = signed(message(), "surgery.example", signing_key(dns, "surgery.example"))
    dns.records.clear()
    assert email_intake.mail_origin.by_dkim(raw, GP) is None
    assert asked.is_set()
