"""What the MDT has waiting for a person on their home page (hubs.waiting_registry): cases to
prepare for coming meetings, and their actions overdue."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from hubs.access import can
from hubs.waiting_registry import Waiting
from mdt.models import MeetingStatus
from mdt.queries import actions_visible_to, cases_visible_to

SOON_DAYS = 7


def waiting_for(user):
    if not can(user, "mdt.view"):
        return []
    today = timezone.localdate()
    items = []
    if can(user, "mdt.put_forward") or can(user, "mdt.chair"):
        cases = (
            cases_visible_to(user)
            .filter(discussed=False)
            .exclude(meeting__status__in=(MeetingStatus.FINISHED, MeetingStatus.CANCELLED))
            .aggregate(
                mine=Count("id", filter=Q(put_forward_by=user)),
                chairing=Count("id", filter=Q(meeting__chair=user)),
            )
        )
        chair = can(user, "mdt.chair")
        if can(user, "mdt.put_forward") and (cases["mine"] or not chair):
            items.append(
                Waiting(
                    "Cases to prepare",
                    cases["mine"],
                    reverse("mdt:my_cases"),
                    detail="put forward by you, not yet discussed",
                )
            )
        if chair:
            items.append(
                Waiting(
                    "Cases on meetings you chair",
                    cases["chairing"],
                    reverse("mdt:meetings"),
                    detail="not yet discussed",
                )
            )
    actions = (
        actions_visible_to(user)
        .filter(owner=user, done_at__isnull=True)
        .aggregate(
            overdue=Count("id", filter=Q(due_on__lt=today)),
            soon=Count(
                "id",
                filter=Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(SOON_DAYS)),
            ),
        )
    )
    items.append(
        Waiting(
            "MDT actions overdue",
            actions["overdue"],
            reverse("mdt:my_actions"),
            detail=f"{actions['soon']} more due in the next {SOON_DAYS} days"
            if actions["soon"]
            else "",
            pressing=actions["overdue"] > 0,
        )
    )
    return items
