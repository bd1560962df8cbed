"""What outreach clinics have waiting for a person on their home page (hubs.waiting_registry): not-
brought follow-ups to decide, and for those who book, the children on the waiting list."""

from django.db.models import Count, Q
from django.urls import reverse

from clinics.models import NotBroughtFollowUp, Priority, Referral, ReferralStatus
from hubs.access import can
from hubs.waiting_registry import Waiting


def waiting_for(user):
    items = []
    if can(user, "clinic.view"):
        follow_ups = NotBroughtFollowUp.objects.visible_to(user).unresolved()
        counts = follow_ups.aggregate(
            open=Count("id"), escalated=Count("id", filter=Q(escalated=True))
        )
        items.append(
            Waiting(
                "Not-brought follow-ups due",
                counts["open"],
                reverse("clinics:follow_up_list"),
                detail=f"{counts['escalated']} escalated" if counts["escalated"] else "",
                pressing=counts["open"] > 0,
            )
        )
    if can(user, "clinic.book"):
        waiting = Referral.objects.visible_to(user).filter(status=ReferralStatus.WAITING)
        counts = waiting.aggregate(
            waiting=Count("id"), urgent=Count("id", filter=Q(priority=Priority.URGENT))
        )
        items.append(
            Waiting(
                "Children waiting for a clinic appointment",
                counts["waiting"],
                reverse("clinics:waiting_list"),
                detail=f"{counts['urgent']} urgent" if counts["urgent"] else "",
                pressing=counts["urgent"] > 0,
            )
        )
    return items
