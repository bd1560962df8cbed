"""Work queued while the broker is dead is not lost: the page answers at once and the work's
periodic sweep does it later."""

import datetime
import importlib
import time

import pytest
from django.apps import apps
from django.db import migrations
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from evaluation import services as evaluation
from evaluation.models import EvaluationReport, ReportStatus
from evaluation.periods import Period
from tests.faults.servers import free_port
from tests.outbox import broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


def test_a_report_asked_for_while_redis_is_down_is_built_by_the_sweep(client_for, coordinator, hub):
    with broker(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        started = time.monotonic()
        response = client_for(coordinator).post(
            reverse("evaluation:list"),
            {"hubs": [hub.pk], "period_from": "2025-04-01", "period_to": "2025-06-30"},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 5
    report = EvaluationReport.objects.get()
    assert report.status == ReportStatus.QUEUED
    assert evaluation.build_forgotten() == 0  # its task may still be on its way
    later = timezone.now() + evaluation.QUEUED_GRACE + datetime.timedelta(seconds=1)
    assert evaluation.build_forgotten(now=later) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert evaluation.build_forgotten(now=later) == 0


def building(hub, *, lease_until):
    period = Period.of(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    report = EvaluationReport.objects.create(
        period_from=period.date_from,
        period_to=period.date_to,
        baseline_from=period.baseline_from,
        baseline_to=period.baseline_to,
        status=ReportStatus.BUILDING,
        lease_owner="worker-host:4242:gone",
        lease_until=lease_until,
    )
    report.hubs.set([hub])
    return report


def test_a_report_left_building_by_a_dead_worker_is_built_once_its_lease_runs_out(coordinator, hub):
    report = building(hub, lease_until=timezone.now() + datetime.timedelta(seconds=60))
    assert evaluation.build_forgotten() == 0  # its build may still be running
    EvaluationReport.objects.filter(pk=report.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert evaluation.build_forgotten() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert (report.lease_owner, report.lease_until) == ("", None)


def test_the_report_sweep_runs_every_minute():
    for name in (
        "cc4c.migrations.0004_queued_report_sweep",
        "evaluation.migrations.0004_report_build_lease",
    ):
        migration = importlib.import_module(name)
        for operation in migration.Migration.operations * 2:  # safe to run twice
            if isinstance(operation, migrations.RunPython):
                operation.code(apps, None)
    task = PeriodicTask.objects.get(task="cc4c.evaluation.tasks.build_queued_reports")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"
