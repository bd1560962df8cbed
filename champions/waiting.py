"""What practice champions have waiting for a coordinator on their home page
(hubs.waiting_registry): the checks and training that have expired or expire within 30 days."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from champions.models import EXPIRY_NOTICE_DAYS, Status
from champions.queries import current_checks, current_trainings
from hubs.access import hub_ids
from hubs.waiting_registry import Waiting


def waiting_for(user):
    hubs = hub_ids(user, "hub.manage") & hub_ids(user, "champions.view")
    if not hubs:
        return []
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    in_scope = Q(champion__hub_id__in=hubs, expires_on__isnull=False, expires_on__lte=soon) & ~Q(
        champion__status=Status.LEFT
    )
    champions = set(current_checks().filter(in_scope).values_list("champion_id", flat=True))
    champions |= set(current_trainings().filter(in_scope).values_list("champion_id", flat=True))
    return [
        Waiting(
            "Champions with checks or training to renew",
            len(champions),
            reverse("champions:index"),
            detail=f"expired or expiring within {EXPIRY_NOTICE_DAYS} days",
            pressing=bool(champions),
        )
    ]
