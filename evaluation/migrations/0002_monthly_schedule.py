"""The monthly evaluation report for every hub, on the first of the month."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Monthly evaluation report for every hub",
            "cc4c.evaluation.tasks.monthly_reports",
            crontab={"minute": "0", "hour": "6", "day_of_month": "1"},
        ),
    ]
