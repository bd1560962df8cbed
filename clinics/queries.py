"""Reads for the clinic pages, scoped through hubs.access by the models' ``visible_to``."""

from django.db.models import Case, Count, Prefetch, Q, Value, When
from django.utils import timezone

from clinics.models import (
    CANCELLED_STATUSES,
    Appointment,
    ClinicSession,
    NotBroughtFollowUp,
    Referral,
    ReferralStatus,
    Slot,
)
from hubs.access import hub_ids
from hubs.models import Hub
from population.models import Child


def session_list(user, *, past=False):
    today = timezone.localdate()
    qs = ClinicSession.objects.visible_to(user).select_related("hub", "host_practice")
    live = ~Q(slots__appointments__status__in=CANCELLED_STATUSES) & Q(
        slots__appointments__isnull=False
    )
    qs = qs.annotate(
        slot_count=Count("slots", distinct=True),
        booked_count=Count("slots__appointments", filter=live, distinct=True),
    )
    if past:
        return qs.filter(date__lt=today).order_by("-date", "-start_time")
    return qs.filter(date__gte=today).order_by("date", "start_time")


def session_slots(session):
    """The session's slots, each with its live appointment (or None) as ``appointment``."""
    live = Appointment.objects.live().select_related("child", "child__practice", "referral")
    slots = list(
        Slot.objects.filter(session=session).prefetch_related(
            Prefetch("appointments", queryset=live, to_attr="live_appointments")
        )
    )
    for slot in slots:
        slot.appointment = slot.live_appointments[0] if slot.live_appointments else None
    return slots


def free_slots(user, hub_id, *, action="clinic.book"):
    """Free slots of upcoming scheduled sessions in the hub, for booking and moving."""
    taken = Appointment.objects.live().values("slot_id")
    return (
        Slot.objects.filter(
            session__hub_id=hub_id,
            session__hub_id__in=hub_ids(user, action),
            session__status="scheduled",
            session__date__gte=timezone.localdate(),
        )
        .exclude(pk__in=taken)
        .select_related("session__host_practice")
        .order_by("session__date", "start_time")
    )


SORTS = {
    "waited": ("referral_date", "id"),
    "-waited": ("-referral_date", "-id"),
    "priority": ("priority_rank", "referral_date"),
    "name": ("child__family_name", "child__given_name"),
}


def waiting_list(user, *, sort="waited", q=""):
    qs = (
        Referral.objects.visible_to(user)
        .filter(status=ReferralStatus.WAITING)
        .select_related("child", "child__practice", "hub", "referred_by")
    )
    if sort == "priority":
        qs = qs.annotate(
            priority_rank=Case(
                When(priority="urgent", then=Value(0)),
                When(priority="soon", then=Value(1)),
                default=Value(2),
            )
        )
    if q and q.strip():
        qs = qs.filter(child__in=Child.objects.search(q))
    return qs.order_by(*SORTS.get(sort, SORTS["waited"]))


def mark_over_target(referrals, on=None):
    on = on or timezone.localdate()
    for referral in referrals:
        referral.weeks_waiting = (on - referral.referral_date).days // 7
        referral.over_target = referral.weeks_waiting >= referral.hub.clinic_wait_target_weeks
    return referrals


def follow_up_worklist(user):
    return (
        NotBroughtFollowUp.objects.visible_to(user)
        .unresolved()
        .select_related(
            "appointment__child",
            "appointment__slot__session__hub",
            "appointment__slot__session__host_practice",
        )
        .prefetch_related("assigned_to")
        .order_by("-escalated", "opened_at")
    )


def child_appointments(user, child):
    return (
        Appointment.objects.visible_to(user)
        .filter(child=child)
        .select_related("slot__session__host_practice")
        .order_by("-slot__session__date", "-slot__start_time")
    )


def hubs_for(user, action):
    return Hub.objects.filter(id__in=hub_ids(user, action))
