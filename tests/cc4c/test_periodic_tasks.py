"""Every periodic task beat will send names a task the worker knows: a task renamed or moved
without its beat row would otherwise be sent on time, refused by the worker, and never run."""

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from cc4c.celery import app


def registered_tasks():
    app.loader.import_default_modules()  # the apps' tasks.py, as a worker finds them
    return set(app.tasks)


@pytest.mark.django_db
def test_every_periodic_task_the_migrations_install_is_a_registered_task():
    scheduled = dict(PeriodicTask.objects.values_list("name", "task"))
    assert scheduled, "the migrations installed no beat schedule at all"
    unknown = {name: task for name, task in scheduled.items() if task not in registered_tasks()}
    assert not unknown, f"beat rows naming no registered task: {unknown}"


def test_every_periodic_task_in_the_settings_is_a_registered_task():
    beat = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
    unknown = {key: entry["task"] for key, entry in beat.items()}
    unknown = {key: task for key, task in unknown.items() if task not in registered_tasks()}
    assert not unknown, f"CELERY_BEAT_SCHEDULE entries naming no registered task: {unknown}"


def test_the_evaluation_tasks_keep_the_names_beat_rows_and_queued_messages_carry():
    # The app moved from cc4c/evaluation to evaluation/; its tasks' names did not.
    names = {"build_report", "build_queued_reports", "monthly_reports"}
    assert {f"cc4c.evaluation.tasks.{name}" for name in names} <= registered_tasks()


def schedule_of(task):
    if task.interval is not None:
        return f"every {task.interval.every} {task.interval.period}"
    c = task.crontab
    return f"cron {c.minute} {c.hour} {c.day_of_week} {c.day_of_month} {c.timezone}"


# What the service relies on beat for, and when: a sweep that stopped, or a nightly job moved
# to the working day, would lose messages or backups without any other test noticing.
SCHEDULES = {
    "cc4c.tasks.relay_unsent": "every 1 minutes",
    "cc4c.tasks.relay_unsent_notifications": "every 1 minutes",
    "cc4c.tasks.check_notification_statuses": "every 15 minutes",
    "cc4c.tasks.nightly_backup": "cron 30 2 * * Europe/London",
    "advice.tasks.sweep": "every 1 minutes",
    "advice.tasks.process_stored_emails": "every 1 minutes",
    "advice.tasks.remove_orphaned_attachments": "cron 41 3 * * Europe/London",
    "cc4c.tasks.forget_old_submissions": "cron 23 3 * * Europe/London",
    "clinics.tasks.open_missing_follow_ups": "every 1 minutes",
    "families.tasks.send_due_reminders": "every 5 minutes",
    "mdt.tasks.send_due_agendas": "every 15 minutes",
    "cc4c.evaluation.tasks.build_queued_reports": "every 1 minutes",
    "cc4c.evaluation.tasks.monthly_reports": "cron 0 6 * 1 Europe/London",
    "population.tasks.month_end_snapshot": "cron 15 0 * 1 Europe/London",
}


@pytest.mark.django_db
def test_the_sweeps_and_the_nightly_backup_are_scheduled_when_the_service_relies_on_them():
    found = {
        task.task: schedule_of(task)
        for task in PeriodicTask.objects.filter(task__in=SCHEDULES, enabled=True)
    }
    assert found == SCHEDULES
