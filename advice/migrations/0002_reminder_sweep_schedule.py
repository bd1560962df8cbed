"""The advice line's reminder and escalation sweep, every minute."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule("Advice line: reminders and escalation", "advice.tasks.sweep", every_minutes=1),
    ]
