"""Reads for the clinic pages, scoped through hubs.access by the models' ``visible_to``."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from clinics.models import (
    CANCELLED_STATUSES,
    Appointment,
    AppointmentStatus,
    ClinicSession,
    NotBroughtFollowUp,
    Referral,
    ReferralStatus,
    Slot,
)
from hubs.access import hub_ids
from hubs.models import Hub, Membership, Person, Role
from population.models import Child

_Rows = TypeVar("_Rows", bound=Iterable[Any])


def session_list(user: Person, *, past: bool = False) -> QuerySet[ClinicSession]:
    today = timezone.localdate()
    qs = ClinicSession.objects.visible_to(user).select_related("hub", "host_practice")
    live = ~Q(slots__appointments__status__in=CANCELLED_STATUSES) & Q(
        slots__appointments__isnull=False
    )
    unrecorded = Q(slots__appointments__status=AppointmentStatus.BOOKED)
    qs = qs.annotate(
        slot_count=Count("slots", distinct=True),
        booked_count=Count("slots__appointments", filter=live, distinct=True),
        unrecorded_count=Count("slots__appointments", filter=unrecorded, distinct=True),
    )
    if past:
        return qs.filter(date__lt=today).order_by("-date", "-start_time")
    return qs.filter(date__gte=today).order_by("date", "start_time")


def session_slots(session: ClinicSession) -> list[Any]:
    """The session's slots, each with its live appointment (or None) as ``appointment``."""
    live = Appointment.objects.live().select_related("child", "child__practice", "referral")
    slots: list[Any] = list(
        Slot.objects.filter(session=session).prefetch_related(
            Prefetch("appointments", queryset=live, to_attr="live_appointments")
        )
    )
    for slot in slots:
        slot.appointment = slot.live_appointments[0] if slot.live_appointments else None
    return slots


def free_slots(user: Person, hub_id: int, *, action: str = "clinic.book") -> QuerySet[Slot]:
    """Free slots of the hub's scheduled sessions that are not over, for booking and moving."""
    taken = Appointment.objects.live().values("slot_id")
    now = timezone.localtime()
    return (
        Slot.objects.filter(
            session__hub_id=hub_id,
            session__hub_id__in=hub_ids(user, action),
            session__status="scheduled",
            session__date__gte=now.date(),
        )
        .exclude(session__date=now.date(), session__end_time__lte=now.time())
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


def waiting_list(
    user: Person,
    *,
    sort: str = "waited",
    q: str = "",
    hub_id: int | None = None,
    action: str = "clinic.view",
) -> QuerySet[Referral]:
    """Children waiting for a clinic appointment, in the user's hubs (or one of them)."""
    qs = (
        Referral.objects.visible_to(user, action)
        .filter(status=ReferralStatus.WAITING)
        .select_related("child", "child__practice", "hub", "referred_by")
    )
    if hub_id is not None:
        qs = qs.filter(hub_id=hub_id)
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


def shared_names(referrals: QuerySet[Referral]) -> set[tuple[str, str]]:
    """The names (given and family, ignoring case) that two or more different children on the
    waiting list ``referrals`` share: one query over the whole list, not just one page."""
    rows = (
        referrals.order_by()
        .annotate(given=Lower("child__given_name"), family=Lower("child__family_name"))
        .values("given", "family")
        .annotate(children=Count("child", distinct=True))
        .filter(children__gt=1)
    )
    return {(row["given"], row["family"]) for row in rows}


def names_shared_among(children: Iterable[Child]) -> set[tuple[str, str]]:
    """The names two or more of ``children`` (already read, e.g. search results) share."""
    seen: dict[tuple[str, str], set[int]] = {}
    for c in children:
        seen.setdefault((c.given_name.lower(), c.family_name.lower()), set()).add(c.pk)
    return {name for name, ids in seen.items() if len(ids) > 1}


def mark_shared_names(
    rows: Iterable[Any],
    names: set[tuple[str, str]],
    child: Callable[[Any], Child] = lambda row: row.child,
) -> list[str]:
    """Set ``shares_name`` on each row whose child has one of ``names``; the names as shown."""
    shown: dict[tuple[str, str], str] = {}
    for row in rows:
        c = child(row)
        key = (c.given_name.lower(), c.family_name.lower())
        row.shares_name = key in names
        if row.shares_name:
            shown.setdefault(key, str(c))
    return sorted(shown.values())


def mark_over_target(referrals: _Rows, on: datetime.date | None = None) -> _Rows:
    on = on or timezone.localdate()
    for referral in referrals:
        referral.weeks_waiting = (on - referral.referral_date).days // 7
        referral.over_target = referral.weeks_waiting >= referral.hub.clinic_wait_target_weeks
    return referrals


def follow_up_worklist(user: Person) -> QuerySet[NotBroughtFollowUp]:
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


def practice_contacts(child: Child, referral: Referral | None = None) -> list[Person]:
    """How to reach the child's family through their practice: the practice's GPs on the
    system, and the person who referred the child if they are someone else."""
    gps = (
        Membership.objects.active()
        .filter(role=Role.GP, practice_id=child.practice_id, person__is_active=True)
        .values("person_id")
    )
    people = list(Person.objects.filter(pk__in=gps).order_by("last_name", "first_name"))
    referrer = referral.referred_by if referral is not None else None
    if referrer is not None and all(p.pk != referrer.pk for p in people):
        people.append(referrer)
    return people


def child_appointments(user: Person, child: Child) -> QuerySet[Appointment]:
    return (
        Appointment.objects.visible_to(user)
        .filter(child=child)
        .select_related("slot__session__host_practice")
        .order_by("-slot__session__date", "-slot__start_time")
    )


def child_referrals(user: Person, child: Child) -> QuerySet[Referral]:
    """The child's referrals still waiting or taken off the list, newest first (booked ones show
    as their appointment)."""
    return (
        Referral.objects.visible_to(user)
        .filter(child=child)
        .exclude(status=ReferralStatus.BOOKED)
        .filter(Q(status=ReferralStatus.WAITING) | ~Q(off_list_reason=""))
        .select_related("off_list_by")
        .order_by("-referral_date", "-pk")
    )


def hubs_for(user: Person, action: str) -> QuerySet[Hub]:
    return Hub.objects.filter(id__in=hub_ids(user, action))


def given_back_by_families(user: Person) -> QuerySet[Appointment]:
    """Appointments families cancelled whose slot, in a session still to come, is free now: for
    the coordinator to offer to the waiting list."""
    now = timezone.localtime()
    taken = Appointment.objects.live().values("slot_id")
    return (
        Appointment.objects.visible_to(user, "clinic.book")
        .filter(
            status=AppointmentStatus.CANCELLED_BY_FAMILY,
            slot__session__status="scheduled",
            slot__session__date__gte=now.date(),
        )
        .exclude(slot__in=taken)
        .exclude(slot__session__date=now.date(), slot__start_time__lte=now.time())
        .select_related("child", "slot__session__host_practice")
        .order_by("slot__session__date", "slot__start_time")
    )
