import datetime

from django.db.models import QuerySet, Sum
from django.utils import timezone

from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import EvaluationReport, HospitalActivity, ReportStatus
from evaluation.periods import add_months
from hubs.models import Person, Practice


def reports_for(user: Person) -> QuerySet[EvaluationReport]:
    return (
        EvaluationReport.objects.visible_to(user)
        .select_related("requested_by")
        .prefetch_related("hubs")
        .order_by("-requested_at", "-id")
    )


def practice_hospital_activity(
    practice: Practice, months: int = 12, today: datetime.date | None = None
) -> tuple[list[tuple[str, int]], datetime.date | None]:
    """The practice's imported hospital activity over the last ``months`` whole and current
    months: [(label, count)] per kind of activity, and the first month counted (None if none)."""
    today = today or timezone.localdate()
    since = add_months(today.replace(day=1), -(months - 1))
    counts = dict(
        HospitalActivity.objects.filter(practice=practice, month__gte=since)
        .order_by()
        .values_list("activity")
        .annotate(total=Sum("count"))
    )
    if not counts:
        return [], None
    return [(label, counts.get(key, 0)) for key, label in HOSPITAL_ACTIVITIES], since


def months_reported(hub_id, months):
    """The months (first days) among ``months`` whose monthly report for the hub is built: their
    champions' activities are closed for changes (champions.closing)."""
    if not months:
        return set()
    return set(
        EvaluationReport.objects.filter(
            hubs=hub_id,
            schedule_key__startswith="monthly:",
            status=ReportStatus.DONE,
            period_from__in=list(months),
        ).values_list("period_from", flat=True)
    )
