"""The daily sweep for champions' checks and training that expire."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("champions", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Champion check and training expiry alerts",
            "champions.tasks.sweep_expiry_alerts",
            crontab={"minute": "0", "hour": "7"},
        ),
    ]
