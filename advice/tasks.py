from celery import shared_task

from advice import reminders


@shared_task
def sweep():
    """Every minute (django-celery-beat): send the advice line's due reminders and escalations."""
    return reminders.sweep()


@shared_task
def process_stored_emails():
    """Every minute: make into requests the emails the receiver stored but did not process."""
    from advice import email_intake

    return email_intake.sweep()


@shared_task
def remove_orphaned_attachments():
    """Daily: remove attachment files that a failed or cut-off save left behind."""
    from advice import attachments

    return attachments.remove_orphans()
