from celery import shared_task

from clinics import services


@shared_task
def send_follow_up_reminders():
    """Periodic: remind the assignees of undecided not-brought follow-ups (each reminder once)."""
    return services.send_follow_up_reminders()


@shared_task
def open_missing_follow_ups():
    """Every minute: open the follow-up of any not-brought appointment that has none."""
    return services.open_missing_follow_ups()
