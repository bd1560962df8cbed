"""Periodic Celery work kept as django-celery-beat rows, installed by each app's data migration.

``schedule(name, task, crontab={...})`` or ``schedule(name, task, every_minutes=N)`` returns a
reversible migration operation that creates (or updates) one beat schedule, London time.
"""

from django.db import migrations

BEAT = "django_celery_beat"
CRONTAB_DEFAULTS = {
    "minute": "0",
    "hour": "*",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}


def schedule(name, task, *, crontab=None, every_minutes=None):
    if (crontab is None) == (every_minutes is None):
        raise ValueError("Give a crontab or every_minutes, not both.")

    def forwards(apps, schema_editor):
        if crontab is not None:
            fields = {**CRONTAB_DEFAULTS, **crontab, "timezone": "Europe/London"}
            when, _ = apps.get_model(BEAT, "CrontabSchedule").objects.get_or_create(**fields)
            timing = {"crontab": when, "interval": None}
        else:
            when, _ = apps.get_model(BEAT, "IntervalSchedule").objects.get_or_create(
                every=every_minutes, period="minutes"
            )
            timing = {"interval": when, "crontab": None}
        apps.get_model(BEAT, "PeriodicTask").objects.update_or_create(
            name=name, defaults={"task": task, "enabled": True, **timing}
        )

    def backwards(apps, schema_editor):
        apps.get_model(BEAT, "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(forwards, backwards)
