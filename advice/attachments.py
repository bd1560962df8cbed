"""Files sent with advice requests: checked by content (not by name), kept under safe names.

PDFs, photos (JPEG, PNG, GIF, WebP, and HEIC, which iPhones take and most computers cannot
show, so it is kept as a JPEG) and plain text files are accepted; anything else is refused with
a message that says what the file is and what to send instead.
"""

import io
import re
import unicodedata
from pathlib import Path

from django.conf import settings

# What a file's first bytes must be for each type we keep, with the extension we store.
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
]
# HEIF brands (the four bytes after "ftyp" at offset 4) of iPhone photos.
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
ACCEPTED = "PDF, JPEG, PNG, GIF, HEIC, WebP or text"
# What a refused file most often is, by its first bytes: said to the sender.
KNOWN = [
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
    (b"PK\x03\x04", "a zip archive (Word and Excel files are ones too): save it as PDF"),
    (b"\x1f\x8b", "a compressed archive"),
    (b"Rar!", "a compressed archive"),
    (b"7z\xbc\xaf", "a compressed archive"),
    (b"\xd0\xcf\x11\xe0", "an Office document: save it as PDF"),
    (b"{\\rtf", "a rich text document: save it as PDF"),
    (b"<", "a web page or HTML file: save it as PDF"),
]
# Bytes that never occur in a plain text file (tab, line feed, carriage return and form feed do).
BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class AttachmentRefused(ValueError):
    """The file is not one we keep; the message says why, for the sender."""


def max_bytes():
    return settings.ADVICE_ATTACHMENT_MAX_BYTES


def sniff(head):
    """(content type, extension) from a file's first bytes, or None if not one we keep as is."""
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic", "heic"
    return None


def safe_name(name, ext):
    """A display name with no path, control or odd characters, ending in the true extension."""
    name = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", stem).strip(" ._") or "attachment"
    return f"{stem[:80]}.{ext}"


def _is_text(name, data, declared):
    """A plain text file: called .txt or sent as text/plain, and readable as text."""
    if not (str(name or "").lower().endswith(".txt") or declared == "text/plain"):
        return False
    if BINARY.search(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return declared == "text/plain"  # an older program's Windows-1252, still text
    return True


def _what_it_is(data):
    for magic, what in KNOWN:
        if data.startswith(magic):
            return what
    return None


def _heic_to_jpeg(label, data):
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=90)
    except Exception as exc:  # a damaged or cut-off photo
        raise AttachmentRefused(f"{label} is a HEIC photo that could not be read.") from exc
    return out.getvalue()


def prepare(name, data, declared=""):
    """Check one file and make it one to keep: (safe name, content type, bytes), a HEIC photo
    as a JPEG; raises AttachmentRefused saying why not. ``declared`` is the content type the
    sender gave, which decides nothing but whether an unmarked file is text."""
    label = safe_name(name, "")[:-1] or "attachment"
    if len(data) == 0:
        raise AttachmentRefused(f"{label} is empty.")
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise AttachmentRefused(f"{label} is larger than {limit} MB.")
    found = sniff(data[:16])
    if found is None:
        if _is_text(name, data, declared):
            return safe_name(name, "txt"), "text/plain", data
        what = _what_it_is(data)
        if what:
            raise AttachmentRefused(f"{label} is {what}; send a {ACCEPTED} file.")
        raise AttachmentRefused(f"{label} is not a {ACCEPTED} file.")
    content_type, ext = found
    if content_type == "image/heic":
        return safe_name(name, "jpg"), "image/jpeg", _heic_to_jpeg(label, data)
    return safe_name(name, ext), content_type, data


def check(name, data):
    """Validate one file's bytes; returns (safe name, content type) or raises AttachmentRefused."""
    clean_name, content_type, _data = prepare(name, data)
    return clean_name, content_type


# A file this old with no Attachment row is one whose transaction failed or was cut off.
ORPHAN_AFTER_SECONDS = 3600


def remove_orphans(now=None):
    """Remove the stored files of advice attachments that no Attachment names (written by a
    transaction that then failed, or by a process killed mid-save) once an hour old; how many
    went. Daily, by beat."""
    import time

    from django.core.files.storage import default_storage

    from advice.models import Attachment

    now = time.time() if now is None else now
    root = Path(default_storage.path("advice"))
    if not root.exists():
        return 0
    known = set(Attachment.objects.values_list("file", flat=True))
    removed = 0
    for path in root.rglob("*"):
        if not path.is_file() or now - path.stat().st_mtime < ORPHAN_AFTER_SECONDS:
            continue
        if path.relative_to(default_storage.path("")).as_posix() not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
