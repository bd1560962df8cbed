"""The family's link and QR code for an invitation, as shown on staff pages and print-outs."""

from django.conf import settings
from django.urls import reverse

from feedback import tokens
from feedback.qr import qr_svg


def family_url(invitation):
    path = reverse("feedback:family", args=[tokens.token_for(invitation.nonce)])
    return settings.SITE_URL + path


def family_link(invitation):
    """{"url", "qr", "expires_on", "used"} for a template."""
    if invitation is None:
        return None
    url = family_url(invitation)
    return {
        "url": url,
        "qr": qr_svg(url),
        "expires_on": invitation.expires_on,
        "used": invitation.used,
    }
