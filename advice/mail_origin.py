"""Where an emailed question really comes from: anyone can write a GP's address in From:.

A message counts as from its From address only when that is proven, one of two ways:

- **DKIM**: a DKIM signature that verifies (dkimpy), made by the From address's domain or a
  domain it belongs to (mail from ``gp@surgery.nhs.net`` signed by ``surgery.nhs.net`` or by
  ``nhs.net``: relaxed alignment, as DMARC has it).
  The signing key is looked up in DNS, through the servers ``ADVICE_EMAIL_DNS_SERVERS`` names
  (``host`` or ``host:port``), else the machine's own resolver.
- **A trusted relay**: an ``Authentication-Results`` header whose authserv-id is one of
  ``ADVICE_EMAIL_TRUSTED_AUTHSERV_IDS``, on a message that reached the receiver from an address
  in ``ADVICE_EMAIL_TRUSTED_RELAYS`` (so nobody can write such a header themselves and connect
  directly), saying ``dmarc=pass`` for the From domain, or ``dkim=pass`` for an aligned domain.

Anything else is unproven: refused, or held for the sender to confirm, as the hub's policy
``ADVICE_EMAIL_UNPROVEN`` says (advice/email_intake.py).
"""

import ipaddress
import logging
from dataclasses import dataclass

import authres
import dkim
import dns.exception
import dns.resolver
from django.conf import settings

log = logging.getLogger(__name__)

DNS_TIMEOUT = 5


@dataclass(frozen=True)
class Proof:
    address: str  # the From address now proven
    how: str  # "dkim:<signing domain>" or "relay:<authserv-id>"


def aligned(from_domain, signing_domain):
    """Relaxed alignment: the signing domain is the From domain or one it belongs to."""
    from_domain, signing_domain = (
        from_domain.lower().rstrip("."),
        signing_domain.lower().rstrip("."),
    )
    return bool(signing_domain) and (
        from_domain == signing_domain or from_domain.endswith("." + signing_domain)
    )


def _resolver():
    resolver = dns.resolver.Resolver(configure=not settings.ADVICE_EMAIL_DNS_SERVERS)
    servers = []
    for entry in settings.ADVICE_EMAIL_DNS_SERVERS:
        host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        servers.append((host or entry, int(port) if port else 53))
    if servers:
        resolver.nameservers = [host for host, _port in servers]
        resolver.port = servers[0][1]
    resolver.lifetime = DNS_TIMEOUT
    return resolver


def txt_record(name, timeout=DNS_TIMEOUT):
    """The TXT record at ``name`` (bytes, as dkimpy asks for it), or None."""
    if isinstance(name, bytes):
        name = name.decode("ascii", "replace")
    try:
        answer = _resolver().resolve(name, "TXT", raise_on_no_answer=False, lifetime=timeout)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers):
        return None
    except dns.exception.Timeout as exc:
        raise dkim.DnsTimeoutError(str(exc)) from exc
    for rrset in answer.response.answer:
        for item in rrset:
            if item.rdtype == dns.rdatatype.TXT:
                return b"".join(item.strings)
    return None


def _domain(address):
    return address.rpartition("@")[2].lower()


def by_dkim(raw, from_address):
    """The Proof of a verified DKIM signature aligned with the From domain, or None."""
    signatures = sum(1 for line in raw.split(b"\n") if line[:15].lower() == b"dkim-signature:")
    for index in range(signatures):
        verifier = dkim.DKIM(raw, timeout=DNS_TIMEOUT)
        try:
            valid = verifier.verify(idx=index, dnsfunc=txt_record)
        except Exception:  # a malformed signature or a key lookup that failed: not proof
            log.info("advice mail: DKIM signature %s did not verify", index, exc_info=True)
            continue
        domain = (verifier.domain or b"").decode("ascii", "replace")
        if valid and aligned(_domain(from_address), domain):
            return Proof(from_address, f"dkim:{domain.lower()}")
    return None


def from_trusted_relay(peer):
    networks = settings.ADVICE_EMAIL_TRUSTED_RELAYS
    host = peer[0] if isinstance(peer, tuple | list) else peer
    try:
        address = ipaddress.ip_address(str(host))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def _results(value):
    """An Authentication-Results header read, or None: one we cannot read proves nothing."""
    try:
        return authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {value}")
    except Exception:
        return None


def by_relay(message, from_address, peer):
    """The Proof of a trusted relay's Authentication-Results for the From domain, or None."""
    trusted = {i.lower() for i in settings.ADVICE_EMAIL_TRUSTED_AUTHSERV_IDS}
    if not trusted or not from_trusted_relay(peer):
        return None
    domain = _domain(from_address)
    for value in message.get_all("Authentication-Results") or []:
        header = _results(value)
        if header is None or (header.authserv_id or "").lower() not in trusted:
            continue
        for result in header.results:
            found = {(p.type, p.name): p.value or "" for p in result.properties}
            if result.result != "pass":
                continue
            if result.method == "dmarc" and found.get(("header", "from"), "").lower() == domain:
                return Proof(from_address, f"relay:{header.authserv_id.lower()}")
            if result.method == "dkim" and aligned(domain, found.get(("header", "d"), "")):
                return Proof(from_address, f"relay:{header.authserv_id.lower()}")
    return None


def prove(raw, message, from_address, peer):
    """How the message is proven to come from ``from_address``, or None."""
    return by_relay(message, from_address, peer) or by_dkim(raw, from_address)
