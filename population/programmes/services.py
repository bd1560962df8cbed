"""Writes of the programmes: a care process done, a child excluded; each by a person (``by=``)."""

import datetime

from django.db import transaction
from django.utils import timezone

from hubs import access
from population.programmes.models import CareEvent, CareEventSource, Exclusion, ExclusionReason
from population.services import PopulationError

EARLIEST_DAYS = 366 * 5
LONGEST_EXCLUSION_DAYS = 366 * 3


def _check_may_update(child, by):
    if not access.can(by, "worklist.update", child.practice.hub_id):
        raise PopulationError("Only a GP or paediatrician of the child's hub can do this.")


@transaction.atomic
def record_care_done(*, child, process, by, on=None):
    """Record ``process`` done for ``child`` ``on`` a day (today by default); recording the
    same day twice keeps one event. The asthma plan review also updates the child's
    ``asthma_plan_reviewed_on``, so every asthma page and measure agrees."""
    today = timezone.localdate()
    on = on or today
    _check_may_update(child, by)
    if process.interval_days is None and not process.followed_by.exists():
        raise PopulationError(f"{process.title} is not a process to record here.")
    if on > today:
        raise PopulationError("The date cannot be in the future.")
    if on < today - datetime.timedelta(days=EARLIEST_DAYS):
        raise PopulationError("The date is more than five years ago.")
    event, _created = CareEvent.objects.get_or_create(
        child=child,
        process=process,
        done_on=on,
        defaults={
            "source": CareEventSource.RECORDED,
            "recorded_by": by,
            "practice_id": child.practice_id,
        },
    )
    if process.reads_asthma_plan_date and (
        child.asthma_plan_reviewed_on is None or child.asthma_plan_reviewed_on < on
    ):
        child.asthma_plan_reviewed_on = on
        child._history_user = by
        child.save(update_fields=["asthma_plan_reviewed_on"])
    return event


@transaction.atomic
def exclude(*, child, process, by, reason, until, note=""):
    """Take ``child`` off ``process``'s worklist for ``reason`` until a day (inclusive)."""
    today = timezone.localdate()
    _check_may_update(child, by)
    if reason not in ExclusionReason.values:
        raise PopulationError("Choose why the child is excluded.")
    if until < today:
        raise PopulationError("The exclusion must last until today or later.")
    if until > today + datetime.timedelta(days=LONGEST_EXCLUSION_DAYS):
        raise PopulationError("An exclusion lasts at most three years; review it then.")
    return Exclusion.objects.create(
        child=child, process=process, reason=reason, until=until, note=note, recorded_by=by
    )
