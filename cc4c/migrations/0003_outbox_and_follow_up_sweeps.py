"""Every minute: relay any email still in the outbox, and open any missing not-brought
follow-up (an appointment marked not brought by an import or in the admin site)."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("cc4c", "0002_outbox_email"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule("Outbox: send emails still waiting", "cc4c.tasks.relay_unsent", every_minutes=1),
        schedule(
            "Clinics: open missing not-brought follow-ups",
            "clinics.tasks.open_missing_follow_ups",
            every_minutes=1,
        ),
    ]
