"""Background work of the population framework: thin, idempotent, safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from population import segmentation


@shared_task
def resegment_all():
    """Nightly, and after a coordinator changes a segment, value set or rule."""
    return segmentation.resegment_children()


@shared_task
def resegment(child_ids=None, practice_ids=None):
    """After an import: re-segment the children or practices it touched."""
    return segmentation.resegment_children(child_ids=child_ids, practice_ids=practice_ids)


@shared_task
def month_end_snapshot(day=None):
    """Keep each child's segment at a month end; ``day`` (ISO date) defaults to yesterday.

    Scheduled just after midnight on the 1st, so yesterday is the last day of the month.
    """
    on = (
        datetime.date.fromisoformat(day)
        if day
        else timezone.localdate() - datetime.timedelta(days=1)
    )
    return segmentation.take_month_end_snapshot(on)
