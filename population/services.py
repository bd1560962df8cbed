"""Writes of the population framework: each a business action by a person (``by=``)."""

import datetime

from django.db import transaction
from django.utils import timezone

from cc4c import queueing
from cc4c.errors import ServiceError
from hubs import access
from hubs.models import Person
from population.models import Child


class PopulationError(ServiceError):
    """A refused action, with a message a person can act on."""


def segmentation_changed(*, by: Person) -> None:
    """After a change to segments, value sets or rules, re-segment every child once committed."""
    from population import tasks

    queueing.after_commit(tasks.resegment_all)  # the nightly run catches up if Redis is down


@transaction.atomic
def mark_asthma_plan_reviewed(
    *, child: Child, by: Person, on: datetime.date | None = None
) -> Child:
    """Record that ``child``'s asthma management plan was written or reviewed ``on`` a day."""
    on = on or timezone.localdate()
    if not access.can(by, "worklist.update", child.practice.hub_id):
        raise PopulationError("Only a GP or paediatrician of the child's hub can do this.")
    if on > timezone.localdate():
        raise PopulationError("The review date cannot be in the future.")
    if on < timezone.localdate() - datetime.timedelta(days=366 * 5):
        raise PopulationError("The review date is more than five years ago.")
    child.asthma_plan_reviewed_on = on
    child._history_user = by  # type: ignore[attr-defined]  # simple-history
    child.save(update_fields=["asthma_plan_reviewed_on"])
    return child
