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
