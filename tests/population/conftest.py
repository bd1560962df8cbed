import pytest

from cc4c.celery import app as celery_app


@pytest.fixture
def tasks_run_now():
    """Queued Celery tasks run in the test process, as a worker would run them."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
