from celery import shared_task

from advice import reminders


@shared_task
def sweep():
    """Every minute (django-celery-beat): send the advice line's due reminders and escalations."""
    return reminders.sweep()
