"""Every minute: send letters still queued; every 15 minutes: look for MESH acknowledgements."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Letters: send letters to practices still queued",
            "letters.tasks.relay_unsent",
            every_minutes=1,
        ),
        schedule(
            "Letters: look for MESH acknowledgements of letters sent",
            "letters.tasks.check_acknowledgements",
            every_minutes=15,
        ),
    ]
