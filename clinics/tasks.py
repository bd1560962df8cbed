from celery import shared_task

from clinics import services


@shared_task
def send_follow_up_reminders():
    """Periodic: remind the assignees of undecided not-brought follow-ups (each reminder once)."""
    return services.send_follow_up_reminders()
