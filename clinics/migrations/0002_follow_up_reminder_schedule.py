"""The hourly sweep reminding people of undecided not-brought follow-ups."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Clinics: not-brought follow-up reminders",
            "clinics.tasks.send_follow_up_reminders",
            crontab={"minute": "5", "hour": "8-18"},
        ),
    ]
