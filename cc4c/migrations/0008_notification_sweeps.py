from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("cc4c", "0007_outbox_notification"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Notify: send family messages still waiting",
            "cc4c.tasks.relay_unsent_notifications",
            every_minutes=1,
        ),
        schedule(
            "Notify: ask for receipts not received",
            "cc4c.tasks.check_notification_statuses",
            every_minutes=15,
        ),
    ]
