"""Queue Celery tasks once the transaction commits, never holding a page on a dead broker.

A task that cannot be published is logged and left: every task queued this way has a periodic
sweep over the database that does the same work later (the outbox sweep, the nightly
re-segmentation, the queued-report sweep), so nothing is lost while Redis is down.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)

# One quick retry, then give up: the sweep is the safety net, the person must not wait.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def publish(task, *args):
    """Queue ``task(*args)`` now; True if the broker took it, False (logged) if not."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # the broker is down or unreachable: the task's sweep catches up
        log.warning(
            "could not queue %s%r; its periodic sweep will do the work",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def after_commit(task, *args):
    """Queue ``task(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(task, *args), robust=True)
