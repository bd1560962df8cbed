"""Nightly re-segmentation and the month-end snapshot of every child's segment."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("population", "0003_default_segmentation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Population: nightly re-segmentation",
            "population.tasks.resegment_all",
            crontab={"minute": "30", "hour": "2"},
        ),
        schedule(
            "Population: month-end segment snapshot",
            "population.tasks.month_end_snapshot",
            crontab={"minute": "15", "hour": "0", "day_of_month": "1"},
        ),
    ]
