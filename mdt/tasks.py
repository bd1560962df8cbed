"""Celery tasks: thin wrappers over the sweeps in mdt.services, safe to run twice."""

from celery import shared_task

from mdt import services


@shared_task
def send_due_agendas():
    return services.send_due_agendas()


@shared_task
def send_overdue_action_reminders():
    return services.send_overdue_action_reminders()
