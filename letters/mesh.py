"""The hub's MESH mailbox, through NHS England's ``mesh-client``: sending a letter, asking MESH
where a sent one is. Configured only from the environment (MESH_URL, MESH_MAILBOX,
MESH_PASSWORD, MESH_SHARED_KEY, MESH_CLIENT_CERT, MESH_CLIENT_KEY, MESH_CA_BUNDLE; README)."""

import requests
from django.conf import settings
from mesh_client import MeshClient, MeshError

from letters.senddocument import CONTENT_TYPE, WORKFLOW_ID

# MESH answers that say the message itself, or where it is going, is wrong: sending the same
# again cannot help, so the letter waits for a person (the coordinator's list).
REFUSED = {400, 404, 417, 422}


class MeshUnavailable(Exception):
    """MESH could not be reached, or answered that it cannot take the message now: try later."""


class MeshRefused(Exception):
    """MESH refused the message for a reason sending it again will not cure."""


def configured():
    return bool(settings.MESH_URL and settings.MESH_MAILBOX)


def client():
    """A MeshClient for the hub's mailbox; use it in a ``with`` block."""
    cert = None
    if settings.MESH_CLIENT_CERT:
        cert = (settings.MESH_CLIENT_CERT, settings.MESH_CLIENT_KEY or settings.MESH_CLIENT_CERT)
    verify = settings.MESH_CA_BUNDLE or None
    return MeshClient(
        settings.MESH_URL,
        settings.MESH_MAILBOX,
        settings.MESH_PASSWORD,
        shared_key=settings.MESH_SHARED_KEY.encode(),
        cert=cert,
        verify=verify,
        max_retries=0,
        timeout=settings.MESH_TIMEOUT,
        application_name="cc4c-hubs",
    )


def _status(error):
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def _classify(error):
    status = _status(error)
    if isinstance(error, MeshError) and status is None:
        # send_message's own refusal of the message (an unknown recipient, a bad header).
        return MeshRefused(f"MESH refused the message: {error.args[0] if error.args else error}")
    if status in REFUSED:
        return MeshRefused(f"MESH refused the message ({status}): {_detail(error)}")
    answered = f" ({status})" if status else ""
    return MeshUnavailable(f"{type(error).__name__}{answered}: {_detail(error)}")


def _detail(error):
    response = getattr(error, "response", None)
    text = getattr(response, "text", "") or str(error)
    return text[:500]


def already_sent(mesh, local_id):
    """The MESH message id of a message of ours with ``local_id``, if MESH has one; None if not
    or if MESH cannot say (tracking by local id)."""
    try:
        response = mesh._session.get(
            f"{mesh.mailbox_url}/outbox/tracking/{local_id}", timeout=settings.MESH_TIMEOUT
        )
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    found = response.json()
    return found.get("messageId") or found.get("message_id") or None


def send(*, recipient, body, local_id, subject, filename):
    """Send one message to ``recipient``'s mailbox; its MESH message id. A message that already
    left with this ``local_id`` (a relay cut off after MESH took it) is not sent again."""
    with client() as mesh:
        try:
            # Signs in first: a refused sign-in (a wrong password or key, a lapsed mailbox) is
            # a setting to put right, not a fault of this message, so it is tried again later.
            mesh.handshake()
            found = already_sent(mesh, local_id)
            if found:
                return found
            return mesh.send_message(
                recipient,
                body,
                workflow_id=WORKFLOW_ID,
                local_id=local_id,
                subject=subject,
                filename=filename,
                content_type=CONTENT_TYPE,
            )
        except (MeshError, requests.RequestException) as error:
            raise _classify(error) from error


def delivery_status(message_id):
    """MESH's status of a message we sent ("accepted", "acknowledged", ...), lower case."""
    with client() as mesh:
        try:
            tracking = mesh.track_message(message_id)
        except (MeshError, requests.RequestException) as error:
            raise _classify(error) from error
    return str(tracking.get("status") or "").lower()
