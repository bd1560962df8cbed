from django.db import transaction
from django.utils import timezone

from cc4c.evaluation.compose import compute
from cc4c.evaluation.models import EvaluationReport, ReportStatus
from cc4c.evaluation.periods import Period


def request_report(*, hubs, period, suppressed, by):
    """Record a report request and queue its build once the request is committed."""
    from cc4c.evaluation.tasks import build_report

    with transaction.atomic():
        report = EvaluationReport.objects.create(
            period_from=period.date_from,
            period_to=period.date_to,
            baseline_from=period.baseline_from,
            baseline_to=period.baseline_to,
            suppressed=suppressed,
            requested_by=by,
        )
        report.hubs.set(hubs)
        transaction.on_commit(lambda: build_report.delay(report.pk))
    return report


def build(report_id):
    """Compute and store a report; a report already built is left as it is. Failure is kept."""
    with transaction.atomic():
        report = EvaluationReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.DONE:
            return report
        report.status = ReportStatus.BUILDING
        report.save(update_fields=["status"])
    try:
        period = Period.of(
            report.period_from, report.period_to, report.baseline_from, report.baseline_to
        )
        result = compute(report.hubs.order_by("code"), period)
    except Exception as exc:
        report.status = ReportStatus.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        report.save(update_fields=["status", "error"])
        raise
    report.result = result
    report.status = ReportStatus.DONE
    report.error = ""
    report.built_at = timezone.now()
    report.save(update_fields=["result", "status", "error", "built_at"])
    return report
