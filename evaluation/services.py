import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cc4c import queueing
from evaluation.compose import compute
from evaluation.models import EvaluationReport, ReportStatus
from evaluation.periods import Period
from hubs.models import Hub, Person

log = logging.getLogger(__name__)


def request_report(
    *, hubs: Iterable[Hub], period: Period, suppressed: bool, by: Person
) -> EvaluationReport:
    """Record a report request and queue its build once the request is committed."""
    from evaluation.tasks import build_report

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
        queueing.after_commit(build_report, report.pk)  # or build_queued_reports, if Redis is down
    return report


def build(report_id: int) -> EvaluationReport | None:
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


# A queued report's task normally runs within seconds; one building this long lost its worker.
QUEUED_GRACE = datetime.timedelta(minutes=2)
BUILDING_GRACE = datetime.timedelta(minutes=30)


def build_forgotten(now: datetime.datetime | None = None) -> int:
    """The sweep: build each report still queued a while after it was asked for (its task was
    never published or was lost) or left building by a worker that died; how many were built."""
    now = now or timezone.now()
    forgotten = EvaluationReport.objects.filter(
        Q(status=ReportStatus.QUEUED, requested_at__lt=now - QUEUED_GRACE)
        | Q(status=ReportStatus.BUILDING, requested_at__lt=now - BUILDING_GRACE)
    )
    built = 0
    for report_id in list(forgotten.values_list("pk", flat=True)):
        try:
            build(report_id)
        except Exception:  # kept on the report as a failure; the others still get built
            log.exception("queued report %s failed", report_id)
            continue
        built += 1
    return built
