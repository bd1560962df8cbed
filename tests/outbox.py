"""Emails go through the outbox (cc4c.outbox). Tests read what was sent after relaying the
waiting rows, as a worker does when the relay task queued on commit reaches it; the tasks
themselves are queued on an in-memory broker (``broker``), never on the shared Redis."""

import contextlib

from django.core import mail

from cc4c import outbox
from cc4c.celery import app as celery_app
from cc4c.models import OutboxEmail


def relay_waiting():
    """Send every email waiting in the outbox, as the on-commit relay tasks would; how many."""
    waiting = OutboxEmail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)
    return outbox.relay(list(waiting))


def is_invitation(message):
    """A calendar invitation or cancellation (cc4c.invitations): it carries a text/calendar part."""
    return any(
        not isinstance(part, tuple) and part.get_content_type() == "text/calendar"
        for part in message.attachments
    )


def sent_mail(*, invitations=True):
    """``django.core.mail.outbox`` once everything waiting has been relayed; without the
    calendar invitations if ``invitations`` is False."""
    relay_waiting()
    if invitations:
        return mail.outbox
    return [message for message in mail.outbox if not is_invitation(message)]


def _reset_pools():
    # Dropped, not closed: kombu keeps one pool per URL and hands the same one back next time.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def broker(url):
    """Queue this process's Celery tasks on ``url`` (``memory://``, or a private Redis)."""
    before = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _reset_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = before
        _reset_pools()
