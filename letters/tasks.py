"""The letters' Celery tasks: thin, take ids, safe to run twice (each letter is claimed first)."""

from celery import shared_task

from letters import relay


@shared_task
def relay_letters(ids):
    """Queued when a transaction that wrote letters commits: send those letters now."""
    return relay.relay(ids)


@shared_task
def relay_unsent():
    """Every minute (django-celery-beat): send every letter still queued and due."""
    return relay.relay()


@shared_task
def check_acknowledgements():
    """Every 15 minutes: ask MESH which sent letters the practices have taken."""
    return relay.check_acknowledgements()
