"""The advice line's SMTP receiver (aiosmtpd): refuses early, stores before it says 250.

Limits that fit a relay in front of it: at most ``ADVICE_SMTPD_MAX_CONNECTIONS`` connections
are served at once (more are told 421, try again later, and closed); a message is read up to
``ADVICE_EMAIL_MAX_BYTES`` and no further (aiosmtpd's data_size_limit: what is over is
discarded as it arrives and the message refused with 552), so each connection holds at most one
message's size in memory; and the hourly counts per server and sender (advice/mail_throttle.py).
"""

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import connection

from advice import email_intake, mail_throttle
from advice.errors import Refused

log = logging.getLogger(__name__)
BUSY = b"421 4.3.2 Too many connections; please try again later.\r\n"


def _in_db_thread(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    finally:
        # Each executor thread keeps no database connection between messages.
        connection.close()


async def _run(function, *args, **kwargs):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: _in_db_thread(function, *args, **kwargs))


class AdviceMailHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            # One message is one hub's question: a second advice address gets its own copy.
            return "452 4.5.3 One recipient per message; send it again for the other."
        try:
            hub = await _run(email_intake.hub_for_address, address)
        except Exception:
            log.exception("advice mail: recipient check failed")
            return "451 4.3.0 Temporary failure; please try again later."
        if hub is None:
            return "550 5.1.1 There is no advice line at this address."
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await _run(mail_throttle.check_peer, session.peer)
            await _run(
                email_intake.accept,
                raw=raw,
                mail_from=envelope.mail_from,
                rcpt_to=envelope.rcpt_tos[0],
                peer=session.peer,
            )
        except Refused as refused:
            log.info("advice mail from %s refused: %s", envelope.mail_from, refused.reply)
            return refused.reply
        except Exception:
            # Never crash on bad input: the sender's server will try again later.
            log.exception("advice mail from %s not stored", envelope.mail_from)
            return "451 4.3.0 Temporary failure; please try again later."
        return "250 2.0.0 Your question has been received by the advice line."


class _Counted(SMTP):
    """An SMTP session that counts itself among the controller's open connections."""

    def __init__(self, *args, controller, **kwargs):
        super().__init__(*args, **kwargs)
        self._controller = controller
        self._counted = False

    def connection_made(self, transport):
        if self._controller.open_connections >= self._controller.max_connections:
            transport.write(BUSY)
            transport.close()
            return
        self._controller.open_connections += 1
        self._counted = True
        super().connection_made(transport)

    def connection_lost(self, error):
        if self._counted:
            self._controller.open_connections -= 1
            self._counted = False
            super().connection_lost(error)


class AdviceController(Controller):
    def __init__(self, *args, max_connections, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_connections = max_connections
        self.open_connections = 0

    def factory(self):
        return _Counted(self.handler, controller=self, **self.SMTP_kwargs)


def make_controller(host="127.0.0.1", port=2525, max_connections=None):
    return AdviceController(
        AdviceMailHandler(),
        hostname=host,
        port=port,
        data_size_limit=email_intake.max_bytes(),
        max_connections=max_connections or settings.ADVICE_SMTPD_MAX_CONNECTIONS,
    )
