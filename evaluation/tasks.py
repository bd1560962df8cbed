import datetime
import logging

from celery import shared_task
from django.utils import timezone

from evaluation import services
from evaluation.models import EvaluationReport
from evaluation.periods import Period, add_months
from hubs.models import Hub

logger = logging.getLogger(__name__)

# Each task keeps the name it had when this app lived in cc4c/evaluation: beat's PeriodicTask
# rows and messages already queued carry it (tests/cc4c/test_periodic_tasks.py).


@shared_task(name="cc4c.evaluation.tasks.build_report")
def build_report(report_id):
    services.build(report_id)


@shared_task(name="cc4c.evaluation.tasks.build_queued_reports")
def build_queued_reports():
    """Every minute: build reports whose queued task never ran (Redis down) or whose build's
    lease ran out (its worker died)."""
    return services.build_forgotten()


@shared_task(name="cc4c.evaluation.tasks.monthly_reports")
def monthly_reports(today=None):
    """On the first of the month: one suppressed report per hub for the month before, once."""
    today = datetime.date.fromisoformat(today) if today else timezone.localdate()
    start = add_months(today.replace(day=1), -1)
    end = today.replace(day=1) - datetime.timedelta(days=1)
    period = Period.of(start, end)
    for hub in Hub.objects.all():
        report, created = EvaluationReport.objects.get_or_create(
            schedule_key=f"monthly:{hub.code}:{start:%Y-%m}",
            defaults={
                "period_from": period.date_from,
                "period_to": period.date_to,
                "baseline_from": period.baseline_from,
                "baseline_to": period.baseline_to,
                "suppressed": True,
            },
        )
        if created:
            report.hubs.set([hub])
        try:
            services.build(report.pk)
        except Exception:
            # Kept on the report as a failure, shown on its page; the other hubs still get theirs.
            logger.exception("monthly report %s failed", report.schedule_key)
