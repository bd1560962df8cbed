"""Mail as a hub's trusted relay passes it on: the receiver trusts the Authentication-Results
of ``RELAY_ID`` on connections from loopback (advice/mail_origin.py)."""

RELAY_ID = "relay.test"
RELAY_NETWORK = "127.0.0.0/8"
RELAY_ENV = {
    "ADVICE_EMAIL_TRUSTED_AUTHSERV_IDS": RELAY_ID,
    "ADVICE_EMAIL_TRUSTED_RELAYS": RELAY_NETWORK,
}
LOOPBACK = ("127.0.0.1", 25)


def trust_relay(settings):
    settings.ADVICE_EMAIL_TRUSTED_AUTHSERV_IDS = [RELAY_ID]
    settings.ADVICE_EMAIL_TRUSTED_RELAYS = [RELAY_NETWORK]


def passed(domain):
    """The relay's Authentication-Results header value for mail it checked from ``domain``."""
    return f"{RELAY_ID}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"


def relayed(raw, domain):
    """Raw message bytes as the relay hands them on, with its verdict on top."""
    return f"Authentication-Results: {passed(domain)}\r\n".encode() + raw
