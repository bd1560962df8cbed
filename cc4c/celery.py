import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cc4c.settings")

app = Celery("cc4c")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
