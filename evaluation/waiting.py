"""What the evaluation has waiting on the home page (hubs.waiting_registry): the reports built for
the person's hubs in the last month, to read."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from evaluation.models import EvaluationReport, ReportStatus
from hubs.access import can
from hubs.waiting_registry import Waiting

RECENT_DAYS = 31


def waiting_for(user):
    if not can(user, "report.view"):
        return []
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    counts = EvaluationReport.objects.filter(
        pk__in=EvaluationReport.objects.visible_to(user).values("pk")
    ).aggregate(
        ready=Count("id", filter=Q(status=ReportStatus.DONE, built_at__gte=since)),
        failed=Count("id", filter=Q(status=ReportStatus.FAILED, requested_at__gte=since)),
    )
    return [
        Waiting(
            "Evaluation reports built in the last month",
            counts["ready"],
            reverse("evaluation:list"),
            detail=f"{counts['failed']} failed" if counts["failed"] else "",
            pressing=counts["failed"] > 0,
        )
    ]
