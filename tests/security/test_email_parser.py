"""The advice line's inbound email parser against malformed, oversized, wrongly encoded and
hostile messages: a clear refusal or a clean question, never a crash, never half-kept."""

import base64
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from advice import attachments, email_intake
from advice.models import AdviceRequest, Attachment, InboundEmail
from hubs.models import Role
from tests.advice.factories import PDF_BYTES, PNG_BYTES
from tests.advice.mail import LOOPBACK, relayed, trust_relay
from tests.factories import HubFactory, PracticeFactory, member

ADDRESS = "advice.parser@hub.example"
SENDER = "dr.parser@practice.example"
ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
GZIP_BYTES = b"\x1f\x8b\x08\x00" + b"\x00" * 40

charsets = st.sampled_from(["utf-8", "us-ascii", "iso-8859-1", "utf-16", "x-no-such", "", "utf-7"])
encodings = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"])
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(document.cookie)</script>",
            '<img src=x onerror="alert(1)">Rash on <b>arm</b>',
            "<a href=\"javascript:alert('x')\">click</a>",
            '=HYPERLINK("http://evil.example")',
            "\x00\x01\x02 control characters \x7f",
            "\u202eevil\u202c right-to-left override",
        ]
    ),
)
file_names = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "../../../../etc/passwd.pdf",
            "..\\..\\windows\\system32\\evil.pdf",
            "/absolute/path.pdf",
            "C:\\Users\\x\\letter.pdf",
            "name\x00.pdf",
            "line\r\nContent-Type: text/html\r\n.pdf",
            "." * 300 + ".pdf",
            "ｆｕｌｌｗｉｄｔｈ／．．／ｘ.pdf",
            "",
        ]
    ),
)
payloads = st.one_of(
    st.sampled_from([PDF_BYTES, PNG_BYTES, ZIP_BYTES, GZIP_BYTES, b""]),
    st.binary(max_size=400),
    st.binary(max_size=200).map(lambda b: PDF_BYTES + b),
)


@st.composite
def raw_messages(draw, sender=None):
    """A raw MIME message, often broken: random charsets, encodings, parts and names."""
    sender = sender or draw(st.one_of(st.just(SENDER), st.text(max_size=60)))
    subject = draw(hostile_text)
    body = draw(hostile_text).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        body = draw(st.binary(max_size=300))
    kind = draw(st.sampled_from(["plain", "html"]))
    lines = [
        f"From: {sender}",
        f"To: {ADDRESS}",
        f"Subject: {subject}",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b0undary"',
        "",
        "--b0undary",
        f'Content-Type: text/{kind}; charset="{draw(charsets)}"',
        f"Content-Transfer-Encoding: {draw(encodings)}",
        "",
    ]
    head = "\r\n".join(lines).encode("utf-8", "surrogatepass") + b"\r\n"
    parts = [head + body]
    for _ in range(draw(st.integers(0, 2))):
        name = draw(file_names)
        data = draw(payloads)
        encoded = base64.encodebytes(data)
        if draw(st.booleans()):
            encoded = encoded[: draw(st.integers(0, len(encoded)))] + b"!!not base64!!"
        part = (
            "\r\n--b0undary\r\n"
            f'Content-Type: application/octet-stream; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode("utf-8", "surrogatepass") + encoded
        parts.append(part)
    tail = b"\r\n--b0undary--\r\n" if draw(st.booleans()) else b""
    return b"".join(parts) + tail


def check_parsed(parsed):
    assert parsed.sender and "@" in parsed.sender
    assert isinstance(parsed.text, str) and parsed.text.strip()
    assert "\x00" not in parsed.text
    for name, data, declared in parsed.files:
        safe, content_type, _kept = attachments.prepare(name, data, declared)
        assert "/" not in safe and "\\" not in safe and ".." not in safe
        assert safe.isprintable() and len(safe) <= 90
        assert content_type in {
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "text/plain",
        }


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_at_all_are_parsed_or_refused_with_554(raw):
    try:
        check_parsed(email_intake.parse(raw))
    except email_intake.Refused as refused:
        assert refused.code == 554


@hypothesis_settings(max_examples=300, deadline=None)
@given(raw_messages())
def test_broken_messages_are_parsed_cleanly_or_refused_with_554(raw):
    try:
        check_parsed(email_intake.parse(raw))
    except email_intake.Refused as refused:
        assert refused.code == 554
        assert refused.reply.startswith("554 5.6.0 ")


@given(file_names)
def test_no_attachment_name_can_leave_its_folder_or_hide_its_type(name):
    safe, _ = attachments.check(name, PDF_BYTES)
    assert safe.endswith(".pdf") and "/" not in safe and "\\" not in safe
    assert not safe.startswith(".") and ".." not in safe and safe.isprintable()


@pytest.mark.parametrize(
    ("data", "what"),
    [(ZIP_BYTES, "zip"), (GZIP_BYTES, "gzip"), (b"<html><script>x</script>", "html")],
)
def test_archives_and_pages_are_refused_unopened_whatever_they_are_called(data, what):
    message = attachment_message("scan.pdf", data)
    with pytest.raises(email_intake.Refused) as refused:
        email_intake.parse(message)
    assert refused.value.code == 554
    # The refusal says what the file is, and what to send instead.
    assert refused.value.reason.startswith("5.6.0 Attachment refused: scan is a")
    assert refused.value.reason.endswith("send a PDF, JPEG, PNG, GIF, HEIC, WebP or text file.")


def attachment_message(name, data, subtype="pdf"):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = ADDRESS
    message["Subject"] = "Question"
    message.set_content("Please see the attachment.")
    message.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    return message.as_bytes()


def test_a_zip_bomb_is_refused_from_its_first_bytes_without_inflating_it(settings):
    # A real zip whose one member inflates to 100 MB from about 100 KB: never opened.
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.pdf", b"\0" * (100 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(email_intake.Refused) as refused:
        email_intake.parse(attachment_message("results.zip", buffer.getvalue(), "zip"))
    assert time.monotonic() - started < 5
    assert "results is a zip archive" in refused.value.reason


def test_an_attachment_over_the_size_limit_is_refused(settings):
    settings.ADVICE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(email_intake.Refused) as refused:
        email_intake.parse(attachment_message("big.pdf", PDF_BYTES + b"0" * 2048))
    assert "larger than" in refused.value.reason


def test_messages_nested_a_thousand_deep_are_refused_not_crashed_on():
    raw = b"From: " + SENDER.encode() + b"\r\nSubject: nest\r\n"
    for depth in range(1000):
        raw += f'Content-Type: multipart/mixed; boundary="b{depth}"\r\n\r\n--b{depth}\r\n'.encode()
    raw += b"Content-Type: text/plain\r\n\r\nhello\r\n"
    started = time.monotonic()
    try:
        check_parsed(email_intake.parse(raw))
    except email_intake.Refused as refused:
        assert refused.code == 554
    assert time.monotonic() - started < 10


# --- through to the database: stored whole, or refused with nothing kept ---------------------


@pytest.fixture
def mail_hub(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    trust_relay(settings)
    hub = HubFactory(code="PARSE", advice_email=ADDRESS)
    gp = member(Role.GP, hub, practice=PracticeFactory(hub=hub), email=SENDER)
    return hub, gp


def state():
    files = Path(settings.MEDIA_ROOT)
    return (
        InboundEmail.objects.count(),
        AdviceRequest.objects.count(),
        Attachment.objects.count(),
        sum(1 for p in files.rglob("*") if p.is_file()) if files.exists() else 0,
    )


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=raw_messages(sender=SENDER))
def test_a_hostile_message_from_a_real_gp_is_kept_whole_or_not_at_all(mail_hub, raw):
    before = state()
    raw = relayed(raw, "practice.example")
    kept = InboundEmail.objects.exclude(status="refused")
    if kept.filter(content_hash=email_intake.content_hash(raw)).exists():
        # The same message again (an earlier example): the first copy stands, nothing new.
        email_intake.accept(raw=raw, mail_from=SENDER, rcpt_to=ADDRESS, peer=LOOPBACK)
        assert state() == before
        return
    try:
        inbound = email_intake.accept(raw=raw, mail_from=SENDER, rcpt_to=ADDRESS, peer=LOOPBACK)
    except email_intake.Refused:
        # Kept as refused, for the coordinator to read (or not at all when unreadable); no
        # request and no file.
        assert state()[1:] == before[1:]
        assert state()[0] - before[0] == InboundEmail.objects.filter(status="refused").count()
        InboundEmail.objects.filter(status="refused").delete()
        return
    inbound.refresh_from_db()
    assert bytes(inbound.raw) == raw
    assert inbound.status in ("processed", "failed")
    if inbound.status == "processed":
        request = inbound.advice_request
        assert "\x00" not in request.question
        stored = list(request.attachments.all())
        assert state() == (
            before[0] + 1,
            before[1] + 1,
            before[2] + len(stored),
            before[3] + len(stored),
        )
        for attachment in stored:
            assert (
                Path(attachment.file.path)
                .resolve()
                .is_relative_to(Path(settings.MEDIA_ROOT).resolve())
            )
    else:
        # Kept whole for a coordinator to see in the admin site; no request, no files.
        assert state()[1:] == before[1:]


def test_hostile_html_is_shown_as_text_on_the_request_page(mail_hub, client_for):
    hub, gp = mail_hub
    raw = (
        f"From: {SENDER}\r\nTo: {ADDRESS}\r\nSubject: <script>alert(1)</script>\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        '<p>Rash <img src=x onerror="alert(2)"> &lt;script&gt;alert(3)&lt;/script&gt;</p>'
    ).encode()
    inbound = email_intake.accept(
        raw=relayed(raw, "practice.example"), mail_from=SENDER, rcpt_to=ADDRESS, peer=LOOPBACK
    )
    assert inbound.status == "processed"
    paediatrician = member(Role.PAEDIATRICIAN, hub)
    page = client_for(paediatrician).get(reverse("advice:detail", args=[inbound.advice_request_id]))
    body = page.content.decode()
    assert "<script>alert" not in body and "onerror" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in body


def test_an_oversized_message_is_refused_before_it_is_read(mail_hub, settings):
    settings.ADVICE_EMAIL_MAX_BYTES = 10_000
    raw = attachment_message("big.pdf", PDF_BYTES + b"0" * 20_000)
    before = state()
    with pytest.raises(email_intake.Refused) as refused:
        email_intake.accept(raw=raw, mail_from=SENDER, rcpt_to=ADDRESS)
    assert refused.value.code == 552
    assert state() == before
