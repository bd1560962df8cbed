"""The MDT sweeps: agendas that are due, and reminders of overdue actions."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("mdt", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule("MDT: send agendas that are due", "mdt.tasks.send_due_agendas", every_minutes=15),
        schedule(
            "MDT: remind owners of overdue actions",
            "mdt.tasks.send_overdue_action_reminders",
            every_minutes=60,
        ),
    ]
