"""The advice line's SMTP receiver (aiosmtpd): refuses early, stores before it says 250."""

import asyncio
import logging

from aiosmtpd.controller import Controller
from django.db import connection

from advice import email_intake, mail_throttle

log = logging.getLogger(__name__)


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
            await _run(mail_throttle.check, peer=session.peer, sender=envelope.mail_from)
            await _run(
                email_intake.accept,
                raw=raw,
                mail_from=envelope.mail_from,
                rcpt_to=envelope.rcpt_tos[0],
            )
        except email_intake.Refused as refused:
            log.info("advice mail from %s refused: %s", envelope.mail_from, refused.reply)
            return refused.reply
        except Exception:
            # Never crash on bad input: the sender's server will try again later.
            log.exception("advice mail from %s not stored", envelope.mail_from)
            return "451 4.3.0 Temporary failure; please try again later."
        return "250 2.0.0 Your question has been received by the advice line."


def make_controller(host="127.0.0.1", port=2525):
    return Controller(
        AdviceMailHandler(),
        hostname=host,
        port=port,
        data_size_limit=email_intake.max_bytes(),
    )
