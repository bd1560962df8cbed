"""The outbox's Celery tasks: thin, take ids, safe to run twice (each email is claimed first)."""

from celery import shared_task

from cc4c import outbox


@shared_task
def relay_emails(ids):
    """Queued when a transaction that wrote emails commits: send those emails now."""
    return outbox.relay(ids)


@shared_task
def relay_unsent():
    """Every minute (django-celery-beat): send every email still waiting, whatever the cause."""
    return outbox.relay()


@shared_task
def forget_ended_rate_counts():
    """Daily (django-celery-beat): drop rate-limit counters whose window has ended."""
    from cc4c import throttle

    return throttle.forget_ended()


@shared_task
def nightly_backup():
    """Nightly (django-celery-beat): back up the database and the uploaded files, prune old
    backups; the run, good or bad, is recorded for the operator (admin site, /healthz)."""
    from cc4c import backups

    run = backups.create()
    return {"succeeded": run.succeeded, "file": run.file_name, "error": run.error}


@shared_task
def relay_notifications(ids):
    """Queued when a transaction that wrote texts or emails to families commits: send them."""
    from cc4c import govuk_notify

    return govuk_notify.relay(ids)


@shared_task
def relay_unsent_notifications():
    """Every minute (django-celery-beat): send every family message still waiting."""
    from cc4c import govuk_notify

    return govuk_notify.relay()


@shared_task
def check_notification_statuses():
    """Every 15 minutes: ask Notify about messages with no delivery receipt after an hour."""
    from cc4c import govuk_notify

    return govuk_notify.check_statuses()


@shared_task
def forget_old_submissions():
    """Daily (django-celery-beat): drop forms' one-use tokens a week old."""
    from cc4c import submissions

    return submissions.forget_old()
