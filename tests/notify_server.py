"""A stand-in for GOV.UK Notify's API: a small Flask app served by werkzeug on loopback, in a
thread of the test process, that the real ``notifications-python-client`` talks to.

It does what Notify does with a request: the API key's JWT is checked the way Notify checks it
(``Authorization: Bearer <JWT>``, HS256, ``iss`` the service id, signed with the key's secret,
``iat`` within 30 seconds of now; anything else is 403 with Notify's error body), a text or an
email is accepted with 201 and a new notification id, a number Notify would never deliver to is
refused with 400, and ``GET /v2/notifications/<id>`` gives a notification's status.

``server.fail_with = 500`` makes it answer every send with that status; ``server.stop()`` and
``server.start()`` take it off the network and back, on the same port. ``server.sent`` is what it
accepted; ``server.statuses`` what ``GET`` answers (tests set them as a receipt would).
"""

import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt
import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

SERVICE_ID = str(uuid.UUID(int=0x5E5))
SECRET = str(uuid.UUID(int=0x5EC2E7))
API_KEY = f"cc4c_test-{SERVICE_ID}-{SECRET}"
CALLBACK_TOKEN = "receipts-token-of-the-tests"
# Notify's own test number that it never delivers to (its "permanent failure" number).
UNDELIVERABLE = "07700900111"
# A template id no service of the stand-in has: Notify answers 400 "Template not found".
UNKNOWN_TEMPLATE = "00000000-0000-4000-8000-000000000000"
TOKEN_BOUND_SECONDS = 30


def template_ids():
    from django.conf import settings

    return {
        f"{message}_{channel}": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{message}_{channel}"))
        for message in settings.NOTIFY_MESSAGES
        for channel in ("sms", "email")
    }


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _error(status, error, message):
    body = {"errors": [{"error": error, "message": message}], "status_code": status}
    return jsonify(body), status


@dataclass
class NotifyStandIn:
    secrets: dict = field(default_factory=lambda: {SERVICE_ID: SECRET})
    sent: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    refused_tokens: list = field(default_factory=list)
    fail_with: int | None = None
    port: int = 0
    _server: object = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._server = make_server(
            "127.0.0.1", self.port, self.app(), threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _check_token(self):
        """None if the request's JWT is one Notify accepts, else the error to answer."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        try:
            header = jwt.get_unverified_header(token)
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            return self._refused(token, "Invalid token: signature")
        if header.get("alg") != "HS256":
            return self._refused(token, "Invalid token: algorithm used is not HS256")
        secret = self.secrets.get(issuer)
        if secret is None:
            return self._refused(token, "Invalid token: service not found")
        try:
            claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            return self._refused(token, "Invalid token: signature, api token not found")
        issued = claims.get("iat")
        if not isinstance(issued, int | float) or abs(time.time() - issued) > TOKEN_BOUND_SECONDS:
            return self._refused(
                token, "Error: Your system clock must be accurate to within 30 seconds"
            )
        return None

    def _refused(self, token, message):
        self.refused_tokens.append(token)
        return _error(403, "AuthError", message)

    def app(self):
        app = Flask("notify-stand-in")

        @app.post("/v2/notifications/<kind>")
        def send(kind):
            if (refusal := self._check_token()) is not None:
                return refusal
            if kind not in ("sms", "email"):
                return _error(404, "NotFound", "Not found")
            if self.fail_with:
                return _error(self.fail_with, "Exception", "Internal server error")
            body = request.get_json()
            to = body.get("phone_number") if kind == "sms" else body.get("email_address")
            if not to or not body.get("template_id"):
                return _error(400, "ValidationError", "template_id is a required property")
            if body["template_id"] == UNKNOWN_TEMPLATE:
                return _error(400, "BadRequestError", "Template not found")
            if kind == "sms" and to.replace(" ", "") == UNDELIVERABLE:
                return _error(400, "ValidationError", "phone_number Not a UK mobile number")
            notify_id = str(uuid.uuid4())
            self.sent.append({"id": notify_id, "type": kind, "to": to, **body})
            self.statuses[notify_id] = "sending"
            return jsonify(
                {
                    "id": notify_id,
                    "reference": body.get("reference"),
                    "content": {"body": "(rendered by Notify)"},
                    "uri": f"{self.url}/v2/notifications/{notify_id}",
                    "template": {"id": body["template_id"], "version": 1, "uri": ""},
                }
            ), 201

        @app.get("/v2/notifications/<notify_id>")
        def status(notify_id):
            if (refusal := self._check_token()) is not None:
                return refusal
            if notify_id not in self.statuses:
                return _error(404, "NoResultFound", "No result found")
            return jsonify({"id": notify_id, "status": self.statuses[notify_id]})

        return app

    def receipt(self, sent, status):
        """The body of Notify's callback for a message it accepted, as Notify sends it."""
        self.statuses[sent["id"]] = status
        return {
            "id": sent["id"],
            "reference": sent.get("reference"),
            "to": sent["to"],
            "status": status,
            "notification_type": sent["type"],
            "template_id": sent["template_id"],
            "template_version": 1,
        }


@pytest.fixture
def notify(settings):
    """The running stand-in, with the settings pointing the service at it."""
    server = NotifyStandIn()
    server.start()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = server.url
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    settings.NOTIFY_TEMPLATES = template_ids()
    yield server
    server.stop()
