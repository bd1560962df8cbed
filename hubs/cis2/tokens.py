"""The two pieces of CIS2's token exchange that allauth leaves out, done with authlib.

- ``fetch_token``: the token request authenticated with ``private_key_jwt`` (RFC 7523): a JWT
  signed with the client's private key in place of a client secret.
- ``verify_id_token``: the ID token's signature against the provider's published keys, its
  issuer, audience, expiry, issue time and nonce (OpenID Connect Core 3.1.3.7), on every sign-in.
"""

import time

from allauth.socialaccount import app_settings as socialaccount_settings
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error as AuthlibOAuth2Error
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from requests import RequestException

from hubs.cis2 import config

# Signatures made with a private key only: never "none", never a shared-secret HMAC.
ASYMMETRIC_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# How long a client assertion may be used, and how much clock difference an ID token is allowed.
ASSERTION_LIFETIME_SECONDS = 300
LEEWAY_SECONDS = 60


def fetch_token(*, token_endpoint, client_id, redirect_uri, code, code_verifier):
    """Exchange the authorization code for tokens, the client proving itself by private_key_jwt."""
    auth = PrivateKeyJWT(
        token_endpoint,
        # A fresh dict each time: authlib adds the assertion's jti to it.
        claims={"exp": int(time.time()) + ASSERTION_LIFETIME_SECONDS},
        headers={"kid": config.key_id()},
        alg=settings.CIS2_CLIENT_ASSERTION_ALG,
    )
    session = OAuth2Session(
        client_id,
        config.private_key(),
        token_endpoint_auth_method=auth,
        redirect_uri=redirect_uri,
    )
    try:
        with session:
            return session.fetch_token(
                token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
                timeout=socialaccount_settings.REQUESTS_TIMEOUT,
            )
    except (AuthlibOAuth2Error, RequestException, ValueError) as exc:
        raise OAuth2Error(f"CIS2 token request refused: {exc}") from exc


def _signing_keys(jwks_uri):
    with get_adapter().get_requests_session() as session:
        response = session.get(jwks_uri)
        response.raise_for_status()
        return KeySet.import_key_set(response.json())


def verify_id_token(id_token, *, openid_config, client_id, nonce, access_token):
    """The ID token's claims once its signature, issuer, audience, expiry and nonce all hold."""
    if not nonce:
        raise OAuth2Error("CIS2 sign-in has no nonce to check the ID token against.")
    offered = openid_config.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in offered if alg in ASYMMETRIC_ALGS]
    try:
        keys = _signing_keys(openid_config["jwks_uri"])
        token = jwt.decode(id_token, keys, algorithms=algorithms)
        claims = CodeIDToken(
            token.claims,
            token.header,
            options={
                "iss": {"essential": True, "value": openid_config["issuer"]},
                "aud": {"essential": True, "value": client_id},
                "exp": {"essential": True},
                "iat": {"essential": True},
                "sub": {"essential": True},
                "nonce": {"essential": True, "value": nonce},
            },
            params={"nonce": nonce, "client_id": client_id, "access_token": access_token},
        )
        claims.validate(leeway=LEEWAY_SECONDS)
    except (JoseError, RequestException, KeyError, ValueError) as exc:
        raise OAuth2Error(f"CIS2 ID token refused: {exc!r}") from exc
    return dict(claims)


def assurance_level(claims):
    """The sign-in's authentication assurance level (AAL) as a number: 3 for a smartcard."""
    try:
        return int(claims.get("authentication_assurance_level") or 0)
    except (TypeError, ValueError):
        return 0
