"""What the population has waiting for a GP or paediatrician on their home page
(hubs.waiting_registry): the children on the asthma register whose plan is due a review."""

from django.urls import reverse

from hubs.access import hub_ids
from hubs.waiting_registry import Waiting
from population import queries
from population.models import Child, ValueSet
from population.segmentation import ASTHMA_VALUE_SET


def waiting_for(user):
    hubs = sorted(hub_ids(user, "worklist.update") & hub_ids(user, "child.view"))
    asthma = ValueSet.objects.filter(name=ASTHMA_VALUE_SET).first() if hubs else None
    if asthma is None:
        return []
    due = queries.plan_due(
        Child.objects.visible_to(user)
        .registered_on()
        .filter(practice__hub_id__in=hubs, conditions__overlap=asthma.codes)
    )
    url = (
        reverse("population:asthma_worklist", args=[hubs[0]])
        if len(hubs) == 1
        else reverse("population:index")
    )
    return [Waiting("Asthma plans due a review", due.count(), url)]
