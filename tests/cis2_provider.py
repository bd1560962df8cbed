"""A stand-in for NHS CIS2 Authentication: a small OpenID Connect provider on loopback.

Built with authlib's authorization server (Flask integration) and served by werkzeug in a
thread of the test process, it does what CIS2 does for a sign-in: discovery, JWKS, an
authorization code flow with PKCE (S256) and a nonce, a sign-in page, ``private_key_jwt`` client
authentication at the token endpoint (the assertion's signature, issuer, subject, audience,
expiry and jti checked), RS256-signed ID tokens with CIS2's claims (``authentication_assurance_
level``, ``acr``, ``amr``, ``id_assurance_level``), user info with the ``nationalrbacaccess`` and
``associatedorgs`` claims, and an end-session endpoint.

``provider.fault`` spoils the next ID token it issues, the way an attacker or a broken provider
would: "tampered" (payload changed after signing), "expired", "wrong_audience", "wrong_issuer",
"forged" (signed with another key under the same kid) or "replayed_nonce" (an ID token of an
earlier sign-in handed out again).

The fixtures at the end give a test the running provider and the client's settings.
"""

import base64
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

import pytest
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

CLIENT_ID = "999999999999.apps.cc4c-test"
SCOPES = ["openid", "profile", "email", "nationalrbacaccess", "associatedorgs", "nhsperson"]
FAULTS = ("tampered", "expired", "wrong_audience", "wrong_issuer", "forged", "replayed_nonce")
# The authenticators offered on the sign-in page, as CIS2 names them (amr) and their level.
AUTHENTICATORS = {
    "smartcard": ("N3_SMARTCARD", 3, "Smartcard"),
    "authenticator_app": ("FIDO_UAF", 2, "Authenticator app on a phone"),
}


@dataclass
class Identity:
    """A CIS2 identity: what a person signs in with, and what CIS2 says about them."""

    username: str
    passcode: str
    email: str
    given_name: str
    family_name: str
    sub: str = field(default_factory=lambda: str(uuid.uuid4().int)[:12])
    roles: list = field(default_factory=list)
    orgs: list = field(default_factory=list)
    email_verified: bool | None = None

    @property
    def name(self):
        return f"{self.given_name} {self.family_name}"


@dataclass
class SignedIn:
    identity: Identity
    authenticator: str

    @property
    def aal(self):
        return AUTHENTICATORS[self.authenticator][1]


@dataclass
class Client(ClientMixin):
    client_id: str
    public_keys: KeySet
    redirect_uris: list
    post_logout_redirect_uris: list

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return False  # no shared secret: private_key_jwt only

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method == "private_key_jwt"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    signed_in: SignedIn
    nonce: str
    code_challenge: str
    code_challenge_method: str
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return "AAL3_ANY" if self.signed_in.aal >= 3 else "AAL2_OR_AAL3_ANY"

    def get_amr(self):
        return [AUTHENTICATORS[self.signed_in.authenticator][0]]


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass  # a line per request would bury the test's own output


class StandInCIS2:
    def __init__(self, *, client_public_jwk):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "standin-cis2-1", "use": "sig"})
        self.client = Client(CLIENT_ID, KeySet([client_public_jwk]), [], [])
        self.identities = {}
        self.codes, self.tokens, self.used_jtis, self.used_nonces = {}, {}, set(), set()
        self.id_tokens = []  # every ID token handed out, in order
        self.assertions = []  # the claims of each client assertion the token endpoint accepted
        self.ended_sessions = []  # (id_token_hint, post_logout_redirect_uri) of each sign-out
        self.fault = None
        self.offers_end_session = True
        self._server = None

    # -- running -------------------------------------------------------------------------------
    def start(self):
        self._server = make_server(
            "127.0.0.1", 0, self._app(), threaded=True, request_handler=QuietHandler
        )
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()

    def reset(self):
        self.identities.clear()
        self.codes.clear()
        self.tokens.clear()
        self.id_tokens.clear()
        self.assertions.clear()
        self.ended_sessions.clear()
        self.fault = None
        self.offers_end_session = True

    def add_identity(self, **kwargs):
        identity = Identity(**kwargs)
        self.identities[identity.username] = identity
        return identity

    # -- tokens --------------------------------------------------------------------------------
    def sign(self, claims, key=None):
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key or self.key)

    def _spoil(self, id_token):
        fault, self.fault = self.fault, None
        if fault is None:
            return id_token
        if fault == "replayed_nonce":
            return self.id_tokens[-2]  # the one before this sign-in's, still signed and in date
        claims = jwt.decode(id_token, self.key).claims
        now = int(time.time())
        if fault == "tampered":
            header, payload, signature = id_token.split(".")
            claims["authentication_assurance_level"] = "3"
            claims["sub"] = "000000000000"
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            return f"{header}.{payload}.{signature}"
        if fault == "expired":
            claims.update(iat=now - 3600, auth_time=now - 3600, exp=now - 600)
        elif fault == "wrong_audience":
            claims["aud"] = ["another-client.apps.national"]
        elif fault == "wrong_issuer":
            claims["iss"] = "http://127.0.0.1:1/openam/oauth2/realms/root/realms/oidc"
        elif fault == "forged":
            other = RSAKey.generate_key(2048, parameters={"kid": self.key.kid})
            return self.sign(claims, other)
        return self.sign(claims)

    def user_info(self, signed_in, scope):
        identity = signed_in.identity
        info = UserInfo(sub=identity.sub)
        if "profile" in scope:
            info.update(
                name=identity.name,
                given_name=identity.given_name,
                family_name=identity.family_name,
                uid=identity.sub,
            )
        if "email" in scope:
            info["email"] = identity.email
            if identity.email_verified is not None:
                info["email_verified"] = identity.email_verified
        if "nhsperson" in scope:
            info.update(nhsid_useruid=identity.sub, idassurancelevel="3")
        if "nationalrbacaccess" in scope:
            info["nhsid_nrbac_roles"] = identity.roles
        if "associatedorgs" in scope:
            info["nhsid_user_orgs"] = identity.orgs
        return info

    # -- the authorization server --------------------------------------------------------------
    def _server_parts(self):
        provider = self

        class PrivateKeyJWT(JWTBearerClientAssertion):
            CLIENT_AUTH_METHOD = "private_key_jwt"

            def get_audiences(self):
                return [f"{provider.issuer}/token"]

            def resolve_client_public_key(self, client):
                return client.public_keys

            def validate_jti(self, claims, jti):
                if jti in provider.used_jtis:
                    return False
                provider.used_jtis.add(jti)
                return True

            def process_assertion_claims(self, assertion, resolve_key):
                # CIS2 takes RS512 client assertions, which joserfc does not allow by default.
                try:
                    token = jwt.decode(assertion, resolve_key, algorithms=["RS256", "RS512"])
                except JoseError as exc:
                    from authlib.oauth2.rfc6749 import InvalidClientError

                    raise InvalidClientError(description=exc.description) from exc
                self.verify_claims(token.claims)
                provider.assertions.append({"header": token.header, **token.claims})
                return token.claims

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]

            def save_authorization_code(self, code, req):
                provider.codes[code] = AuthorizationCode(
                    code=code,
                    client_id=req.client.client_id,
                    redirect_uri=req.payload.redirect_uri,
                    scope=req.scope,
                    signed_in=req.user,
                    nonce=req.payload.data.get("nonce"),
                    code_challenge=req.payload.data.get("code_challenge"),
                    code_challenge_method=req.payload.data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                return item if item and item.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.signed_in

        class CIS2OpenIDCode(OpenIDCode):
            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": provider.key.kid}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def exists_nonce(self, nonce, req):
                return nonce in provider.used_nonces

            def generate_user_info(self, signed_in, scope):
                info = provider.user_info(signed_in, scope)
                info.update(
                    typ="ID",
                    azp=CLIENT_ID,
                    sid=secrets.token_hex(8),
                    authentication_assurance_level=str(signed_in.aal),
                    id_assurance_level="3",
                )
                return info

        def save_token(token, req):
            provider.tokens[token["access_token"]] = (req.user, token["scope"])

        return PrivateKeyJWT, CodeGrant, CIS2OpenIDCode, save_token

    def _app(self):
        app = Flask("standin_cis2")
        PrivateKeyJWT, CodeGrant, CIS2OpenIDCode, save_token = self._server_parts()
        server = AuthorizationServer(
            app, query_client=lambda cid: self.client if cid == CLIENT_ID else None
        )
        server._save_token = save_token
        server.register_client_auth_method(PrivateKeyJWT.CLIENT_AUTH_METHOD, PrivateKeyJWT())
        server.register_grant(
            CodeGrant, [CodeChallenge(required=True), CIS2OpenIDCode(require_nonce=True)]
        )

        @app.get("/.well-known/openid-configuration")
        def discovery():
            config = {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS512"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": SCOPES,
                "acr_values_supported": ["AAL3_ANY", "AAL2_OR_AAL3_ANY"],
            }
            if self.offers_end_session:
                config["end_session_endpoint"] = f"{self.issuer}/end_session"
            return jsonify(config)

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            try:
                grant = server.get_consent_grant(end_user=None)
            except OAuth2Error as error:
                return page("Sign-in request refused", f"<p>{escape(error.error)}</p>"), 400
            if request.method == "GET":
                return sign_in_page()
            identity = self.identities.get(request.form.get("username", ""))
            authenticator = request.form.get("authenticator", "")
            if (
                identity is None
                or not secrets.compare_digest(identity.passcode, request.form.get("passcode", ""))
                or authenticator not in AUTHENTICATORS
            ):
                return sign_in_page("Your username or passcode is not right."), 200
            user = SignedIn(identity, authenticator)
            grant = server.get_consent_grant(end_user=user)
            response = server.create_authorization_response(grant_user=user, grant=grant)
            # A nonce is good for one sign-in: the next request with it is refused.
            self.used_nonces.add(request.args.get("nonce"))
            return response

        @app.post("/token")
        def token():
            response = server.create_token_response()
            if response.status_code == 200:
                body = response.get_json()
                self.id_tokens.append(body["id_token"])
                body["id_token"] = self._spoil(body["id_token"])
                response.set_data(json.dumps(body))
            return response

        @app.get("/userinfo")
        def userinfo():
            scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
            found = self.tokens.get(access_token) if scheme.lower() == "bearer" else None
            if found is None:
                return jsonify({"error": "invalid_token"}), 401
            signed_in, scope = found
            return jsonify(self.user_info(signed_in, scope))

        @app.get("/end_session")
        def end_session():
            back = request.args.get("post_logout_redirect_uri", "")
            self.ended_sessions.append((request.args.get("id_token_hint", ""), back))
            if back in self.client.post_logout_redirect_uris:
                return redirect(back)
            return page("You have signed out of NHS CIS2", "<p>You can close this window.</p>")

        def sign_in_page(error=""):
            choices = "".join(
                f'<div><input type="radio" name="authenticator" id="a-{key}" value="{key}"'
                f"{' checked' if key == 'smartcard' else ''}>"
                f'<label for="a-{key}">{label}</label></div>'
                for key, (_, _, label) in AUTHENTICATORS.items()
            )
            message = f'<p role="alert">{escape(error)}</p>' if error else ""
            action = escape(f"/authorize?{urlencode(request.args)}")
            body = f"""{message}
<form method="post" action="{action}">
  <p><label for="username">Username</label> <input id="username" name="username"></p>
  <p><label for="passcode">Passcode</label>
     <input id="passcode" name="passcode" type="password"></p>
  <fieldset><legend>Authenticator</legend>{choices}</fieldset>
  <p><button type="submit">Continue</button></p>
</form>"""
            return page("Care Identity Service: sign in", body)

        def page(title, body):
            return (
                f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
                f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
                f"{body}</main></body></html>"
            )

        return app


@pytest.fixture(scope="session")
def cis2_client_key():
    """The hub service's own private key, as a deployment would keep it in CIS2_PRIVATE_KEY."""
    return RSAKey.generate_key(2048, parameters={"kid": "cc4c-test-client"})


@pytest.fixture(scope="session")
def cis2_provider(cis2_client_key):
    provider = StandInCIS2(
        client_public_jwk=RSAKey.import_key(cis2_client_key.as_dict(private=False))
    )
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def cis2(cis2_provider, cis2_client_key, settings):
    """The stand-in provider, reset, with the service configured as its client."""
    cis2_provider.reset()
    settings.CIS2_ISSUER = cis2_provider.issuer
    settings.CIS2_CLIENT_ID = CLIENT_ID
    settings.CIS2_PRIVATE_KEY = cis2_client_key.as_pem(private=True).decode()
    settings.CIS2_PRIVATE_KEY_FILE = ""
    settings.CIS2_PRIVATE_KEY_ID = cis2_client_key.kid
    cis2_provider.client.redirect_uris[:] = ["http://testserver/accounts/cis2/login/callback/"]
    cis2_provider.client.post_logout_redirect_uris[:] = ["http://testserver/accounts/login/"]
    yield cis2_provider
    cis2_provider.reset()
