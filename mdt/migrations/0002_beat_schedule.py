from django.db import migrations

SCHEDULES = [
    # (name, task, minutes between runs)
    ("MDT: send agendas that are due", "mdt.tasks.send_due_agendas", 15),
    ("MDT: remind owners of overdue actions", "mdt.tasks.send_overdue_action_reminders", 60),
]


def add_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _t, _m in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mdt", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
