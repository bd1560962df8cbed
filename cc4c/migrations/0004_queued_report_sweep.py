"""Every five minutes: build any evaluation report whose queued task never ran."""

from django.db import migrations

from cc4c.schedules import schedule


class Migration(migrations.Migration):
    dependencies = [
        ("cc4c", "0003_outbox_and_follow_up_sweeps"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        schedule(
            "Evaluation: build reports whose task was lost",
            "cc4c.evaluation.tasks.build_queued_reports",
            every_minutes=5,
        ),
    ]
