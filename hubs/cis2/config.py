"""The CIS2 client's configuration, from settings (cc4c/settings.py reads the environment)."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import RSAKey

PROVIDER_ID = "cis2"
PROVIDER_NAME = "NHS CIS2 Authentication"


def is_configured():
    """CIS2 sign-in is offered only when an issuer and a client id are set."""
    return bool(settings.CIS2_ISSUER and settings.CIS2_CLIENT_ID)


def _private_key_pem():
    if settings.CIS2_PRIVATE_KEY:
        return settings.CIS2_PRIVATE_KEY
    if settings.CIS2_PRIVATE_KEY_FILE:
        return Path(settings.CIS2_PRIVATE_KEY_FILE).read_text(encoding="ascii")
    return ""


@lru_cache(maxsize=4)
def _load_key(pem):
    try:
        key = RSAKey.import_key(pem)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "CIS2_PRIVATE_KEY (or CIS2_PRIVATE_KEY_FILE) is not an RSA private key in PEM form."
        ) from exc
    if not key.is_private:
        raise ImproperlyConfigured(
            "CIS2_PRIVATE_KEY is a public key: the client needs its private key."
        )
    return key


def private_key():
    """The client's RSA private key, which signs its token requests (private_key_jwt)."""
    pem = _private_key_pem()
    if not pem:
        raise ImproperlyConfigured(
            "CIS2 is configured without a private key: "
            "set CIS2_PRIVATE_KEY or CIS2_PRIVATE_KEY_FILE."
        )
    return _load_key(pem)


def key_id():
    """The ``kid`` of the client's key: the setting, or the key's JWK thumbprint."""
    return settings.CIS2_PRIVATE_KEY_ID or private_key().thumbprint()


def public_jwks():
    """The client's public key as a JWK set, to register with CIS2 (or serve as its jwks_uri)."""
    public = private_key().as_dict(private=False)
    public.update(kid=key_id(), use="sig", alg=settings.CIS2_CLIENT_ASSERTION_ALG)
    return {"keys": [public]}
