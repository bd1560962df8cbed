from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Families: appointment reminders",
            "families.tasks.send_due_reminders",
            every_minutes=5,
        ),
        schedule(
            "Families: waiting-list checks",
            "families.tasks.send_waiting_checks",
            crontab={"minute": "10", "hour": "9-17"},
        ),
    ]
