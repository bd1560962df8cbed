"""Checks on files sent with advice requests: size, type by content (not by name), safe names."""

import re
import unicodedata

from django.conf import settings

# What a file's first bytes must be for each type we accept, with the extension we store.
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
]
ACCEPTED = "PDF, PNG, JPEG or GIF"


class AttachmentRefused(ValueError):
    """The file is not one we keep; the message says why, for the sender."""


def max_bytes():
    return settings.ADVICE_ATTACHMENT_MAX_BYTES


def sniff(head):
    """(content type, extension) from a file's first bytes, or None if not accepted."""
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def safe_name(name, ext):
    """A display name with no path, control or odd characters, ending in the true extension."""
    name = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", stem).strip(" ._") or "attachment"
    return f"{stem[:80]}.{ext}"


def check(name, data):
    """Validate one file's bytes; returns (safe name, content type) or raises AttachmentRefused."""
    label = safe_name(name, "")[:-1] or "attachment"
    if len(data) == 0:
        raise AttachmentRefused(f"{label} is empty.")
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise AttachmentRefused(f"{label} is larger than {limit} MB.")
    found = sniff(data[:16])
    if found is None:
        raise AttachmentRefused(f"{label} is not a {ACCEPTED} file.")
    content_type, ext = found
    return safe_name(name, ext), content_type
