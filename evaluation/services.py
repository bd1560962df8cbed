import contextlib
import datetime
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
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


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_BUILD_LEASE_SECONDS)


def _claim(report_id: int, owner: str) -> int:
    """Take the report for this build, unless it is built or a live build holds it: one UPDATE,
    so of two builds claiming at once the second finds the first's lease and gets nothing."""
    now = timezone.now()
    return (
        EvaluationReport.objects.filter(pk=report_id)
        .exclude(status=ReportStatus.DONE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(status=ReportStatus.BUILDING, lease_owner=owner, lease_until=now + _lease())
    )


@contextlib.contextmanager
def _heartbeat(report_id: int, owner: str) -> Iterator[None]:
    """Renew the build's lease every third of it while the calculation runs, on a connection
    of its own; stopped (and the connection closed) when the calculation ends."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.REPORT_BUILD_LEASE_SECONDS / 3):
                EvaluationReport.objects.filter(pk=report_id, lease_owner=owner).update(
                    lease_until=timezone.now() + _lease()
                )
        except Exception:  # a missed beat only shortens the lease; the build goes on
            log.exception("report %s: the build's lease was not renewed", report_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"report-{report_id}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def build(report_id: int) -> EvaluationReport | None:
    """Compute and store a report once; a report already built, or being built by a live
    build, is left as it is. Failure is kept on the report.

    The build holds a lease on the report while it computes (``REPORT_BUILD_LEASE_SECONDS``,
    renewed every third of it): a second build of the same report at the same time (a task
    delivered twice, the sweep) finds the lease and does not run the calculation, and a build
    whose worker died stops renewing, so the sweep builds the report again within minutes.
    """
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    if not _claim(report_id, owner):
        return EvaluationReport.objects.filter(pk=report_id).first()
    report = EvaluationReport.objects.get(pk=report_id)
    mine = EvaluationReport.objects.filter(pk=report_id, lease_owner=owner)
    try:
        with _heartbeat(report_id, owner):
            period = Period.of(
                report.period_from, report.period_to, report.baseline_from, report.baseline_to
            )
            result = compute(report.hubs.order_by("code"), period)
    except Exception as exc:
        mine.update(
            status=ReportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            lease_owner="",
            lease_until=None,
        )
        raise
    # Stored only while the lease is still this build's: one that lost it leaves the report to
    # the build that took it over.
    if not mine.update(
        result=result,
        status=ReportStatus.DONE,
        error="",
        built_at=timezone.now(),
        lease_owner="",
        lease_until=None,
    ):
        log.warning(
            "report %s: another build took it over; this one's result is dropped", report_id
        )
    report.refresh_from_db()
    return report


# A queued report's task normally runs within seconds; one queued this long was never run.
QUEUED_GRACE = datetime.timedelta(minutes=2)


def build_forgotten(now: datetime.datetime | None = None) -> int:
    """The sweep (every minute): build each report still queued a while after it was asked for
    (its task was never published or was lost), or left building by a build whose lease ran
    out (its worker died); how many were built."""
    now = now or timezone.now()
    forgotten = EvaluationReport.objects.filter(
        Q(status=ReportStatus.QUEUED, requested_at__lt=now - QUEUED_GRACE)
        | Q(status=ReportStatus.BUILDING, lease_until__lt=now)
        | Q(status=ReportStatus.BUILDING, lease_until__isnull=True)
    )
    built = 0
    for report_id in list(forgotten.values_list("pk", flat=True)):
        try:
            report = build(report_id)
        except Exception:  # kept on the report as a failure; the others still get built
            log.exception("queued report %s failed", report_id)
            continue
        built += report is not None and report.status == ReportStatus.DONE
    return built
