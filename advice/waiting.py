"""What the advice line has waiting for a person on their home page (hubs.waiting_registry):
requests to answer for a paediatrician, requests waiting for the GP's reply for a GP."""

from django.db.models import Count, Q
from django.urls import reverse

from advice.models import WAITING_STATUSES, AdviceRequest, Status, Urgency
from hubs.access import hub_ids
from hubs.waiting_registry import Waiting


def waiting_for(user):
    answering = hub_ids(user, "advice.answer") & hub_ids(user, "advice.view")
    asking = hub_ids(user, "advice.ask")
    if not (answering or asking):
        return []
    to_answer = Q(hub_id__in=answering, status__in=WAITING_STATUSES)
    for_you = Q(hub_id__in=asking, asked_by=user, status=Status.AWAITING_INFO)
    counts = AdviceRequest.objects.filter(to_answer | for_you).aggregate(
        to_answer=Count("id", filter=to_answer),
        urgent=Count("id", filter=to_answer & Q(urgency=Urgency.URGENT)),
        for_you=Count("id", filter=for_you),
    )
    items = []
    if answering:
        urgent = counts["urgent"]
        items.append(
            Waiting(
                "Advice requests to answer",
                counts["to_answer"],
                reverse("advice:queue"),
                detail=f"{urgent} urgent" if urgent else "",
                pressing=urgent > 0,
            )
        )
    # A paediatrician who answers is shown what they asked only when something waits for them.
    if asking and (not answering or counts["for_you"]):
        items.append(
            Waiting(
                "Advice requests waiting for your reply",
                counts["for_you"],
                reverse("advice:mine"),
                detail="the paediatrician asked for more information" if counts["for_you"] else "",
                pressing=counts["for_you"] > 0,
            )
        )
    return items
