"""A report asked for on the page is built by a real Celery worker over the real Redis broker."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from cc4c.celery import app
from evaluation.models import EvaluationReport, ReportStatus


@pytest.mark.django_db(transaction=True)
def test_a_requested_report_is_built_by_the_worker(client_for, coordinator, hub):
    queue = f"test-{uuid.uuid4().hex}"  # a queue of this test's own, shared with no one
    app.conf.task_default_queue = queue
    try:
        with start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=30):
            response = client_for(coordinator).post(
                reverse("evaluation:list"),
                {"hubs": [hub.pk], "period_from": "2025-04-01", "period_to": "2025-06-30"},
            )
            assert response.status_code == 302
            report = EvaluationReport.objects.get()
            deadline = time.monotonic() + 60
            while report.status != ReportStatus.DONE and time.monotonic() < deadline:
                time.sleep(0.2)
                report.refresh_from_db()
    finally:
        app.conf.task_default_queue = "celery"
    assert report.status == ReportStatus.DONE
    assert report.result["rows"][hub.code]["children_registered"] == 0
