from celery import shared_task

from families import services


@shared_task
def send_due_reminders():
    """Every 5 minutes: appointment reminders whose time has come (each once)."""
    return services.send_due_reminders()


@shared_task
def send_waiting_checks():
    """Hourly: "do you still need this appointment?" to families on the waiting list."""
    return services.send_waiting_checks()
