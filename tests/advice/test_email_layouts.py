"""Mail as GPs' programs really send it, through the receiver on loopback: Apple Mail's text,
photo, text; S/MIME and PGP signed messages (the signature is no attachment); .txt files;
iPhone HEIC photos (kept as JPEG) and WebP; and refusals that name the real reason."""

import io
import smtplib
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP

import pillow_heif
import pytest
from PIL import Image

from advice.models import AdviceRequest
from advice.smtp import make_controller
from hubs.models import Role
from tests.advice.mail import passed, trust_relay
from tests.factories import HubFactory, PracticeFactory, member
from tests.faults.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "advice.layouts@hub.example"
GP = "dr.layout@practice.example"


@pytest.fixture
def receiver(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    trust_relay(settings)
    hub = HubFactory(code="LAYOUT", advice_email=ADDRESS)
    member(Role.GP, hub, practice=PracticeFactory(hub=hub), email=GP)
    controller = make_controller("127.0.0.1", free_port())
    controller.start()
    yield controller
    controller.stop()


def photo(fmt):
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 40, 40)).save(out, format=fmt)
    return out.getvalue()


def headed(message, subject="Rash on the arm"):
    message["From"] = GP
    message["To"] = ADDRESS
    message["Subject"] = subject
    message["Authentication-Results"] = passed("practice.example")
    return message


def send(receiver, message):
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=30) as client:
        try:
            client.sendmail(GP, [ADDRESS], message.as_bytes(policy=SMTP))
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code, refused.smtp_error.decode()
    return 250, ""


def made():
    request = AdviceRequest.objects.get()
    files = [(a.original_name, a.content_type, a.file.read()) for a in request.attachments.all()]
    return request, files


def test_apple_mails_text_photo_text_keeps_both_texts_in_order_and_the_photo(receiver):
    message = MIMEMultipart("mixed")
    message.attach(MIMEText("Seen today with a rash:", "plain"))
    picture = MIMEImage(photo("JPEG"), "jpeg")
    picture.add_header("Content-Disposition", "inline", filename="IMG_0042.jpeg")
    message.attach(picture)
    message.attach(MIMEText("It started a week ago. What next?", "plain"))
    assert send(receiver, headed(message)) == (250, "")
    request, files = made()
    assert request.question.index("Seen today") < request.question.index("started a week ago")
    assert [(name, kind) for name, kind, _data in files] == [("IMG_0042.jpg", "image/jpeg")]


def _signed(protocol, signature_type, signature_name, content):
    message = MIMEMultipart("signed", protocol=protocol, micalg="sha-256")
    message.attach(content)
    maintype, subtype = signature_type.split("/")
    signature = MIMEApplication(b"0\x82\x05signature bytes", subtype, name=signature_name)
    signature.add_header("Content-Disposition", "attachment", filename=signature_name)
    message.attach(signature)
    return message


def test_an_smime_signed_message_is_read_without_its_signature(receiver):
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("Bow legs at two: physiological?", "plain"))
    alternative.attach(MIMEText("<p>Bow legs at two: physiological?</p>", "html"))
    message = _signed(
        "application/pkcs7-signature", "application/pkcs7-signature", "smime.p7s", alternative
    )
    assert send(receiver, headed(message)) == (250, "")
    request, files = made()
    assert "Bow legs at two" in request.question and "<p>" not in request.question
    assert files == []


def test_a_pgp_signed_message_with_a_text_file_keeps_the_file_not_the_signature(receiver):
    content = MIMEMultipart("mixed")
    content.attach(MIMEText("Growth chart readings attached.", "plain"))
    readings = MIMEText("2025-01-03 9.8 kg\n2025-04-02 10.1 kg\n", "plain")
    readings.add_header("Content-Disposition", "attachment", filename="weights.txt")
    content.attach(readings)
    message = _signed(
        "application/pgp-signature", "application/pgp-signature", "signature.asc", content
    )
    assert send(receiver, headed(message)) == (250, "")
    request, files = made()
    assert "Growth chart readings" in request.question and "9.8 kg" not in request.question
    [(name, kind, data)] = files
    assert (name, kind) == ("weights.txt", "text/plain")
    assert data.splitlines() == [b"2025-01-03 9.8 kg", b"2025-04-02 10.1 kg"]


def test_an_iphone_heic_photo_is_kept_as_a_jpeg_and_a_webp_as_it_is(receiver):
    message = EmailMessage()
    message.set_content("Two photos of the rash.")
    message.add_attachment(photo("HEIF"), "image", "heic", filename="IMG_0001.HEIC")
    message.add_attachment(photo("WEBP"), "image", "webp", filename="rash.webp")
    assert send(receiver, headed(message)) == (250, "")
    _request, files = made()
    (heic_name, heic_type, heic_data), (webp_name, webp_type, webp_data) = files
    assert (heic_name, heic_type) == ("IMG_0001.jpg", "image/jpeg")
    assert Image.open(io.BytesIO(heic_data)).format == "JPEG"
    assert (webp_name, webp_type) == ("rash.webp", "image/webp")
    assert webp_data == photo("WEBP")


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("notes.docx", b"PK\x03\x04" + b"\x00" * 40, "notes is a zip archive (Word and Excel"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 40, "setup is a program"),
        ("letter.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 40, "letter is an Office document"),
    ],
)
def test_a_refusal_names_what_the_file_really_is(receiver, name, data, said):
    message = EmailMessage()
    message.set_content("See attached.")
    message.add_attachment(data, "application", "octet-stream", filename=name)
    code, reason = send(receiver, headed(message))
    assert code == 554 and said in reason
    assert not AdviceRequest.objects.exists()


def test_an_encrypted_message_is_refused_saying_so(receiver):
    message = MIMEApplication(b"0\x80encrypted", "pkcs7-mime", name="smime.p7m")
    message.set_param("smime-type", "enveloped-data")
    code, reason = send(receiver, headed(message))
    assert code == 554 and "encrypted" in reason
