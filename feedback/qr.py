"""QR codes drawn as inline SVG on the server (segno): nothing fetched, prints in black."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(url, *, title="Scan to give feedback"):
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=3, title=title, svgclass="feedback-qr"))  # noqa: S308
