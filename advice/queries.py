"""Reads for the advice line, scoped through hubs.access (one scoping function per model)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from advice import clock
from advice.models import AdviceRequest, AdviceRequestQuerySet, Attachment, Reply, RotaEntry
from hubs.access import hub_ids
from hubs.models import Person
from population.models import Child


def visible_requests(user: Person, action: str = "advice.view") -> AdviceRequestQuerySet:
    return AdviceRequest.objects.visible_to(user, action)


def request_for(user: Person, pk: int) -> AdviceRequest:
    """One request the user may open, with what its page shows, or 404."""
    return get_object_or_404(
        visible_requests(user).select_related(
            "hub",
            "hub__advice_settings",
            "asked_by",
            "claimed_by",
            "practice",
            "child",
            "child__practice",
        ),
        pk=pk,
    )


def attachment_for(user: Person, request_pk: int, pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(request__in=visible_requests(user)).select_related(
            "request", "request__hub"
        ),
        request_id=request_pk,
        pk=pk,
    )


def replies_of(advice_request: AdviceRequest) -> QuerySet[Reply]:
    return advice_request.replies.select_related("author")


@dataclass
class QueueRow:
    request: AdviceRequest
    due_at: datetime.datetime | None
    time_left: datetime.timedelta | None
    overdue: bool
    mine: bool

    @property
    def time_left_text(self) -> str:
        if self.due_at is None or self.time_left is None:
            return "Paused: waiting for information"
        seconds = abs(int(self.time_left.total_seconds()))
        hours, minutes = seconds // 3600, seconds % 3600 // 60
        if not hours and not minutes:
            return "Due now" if not self.overdue else "Overdue: just now"
        text = f"{hours} h {minutes} min" if hours else f"{minutes} min"
        return f"{text} overdue" if self.overdue else f"{text} left"


def queue(user: Person, now: datetime.datetime | None = None) -> list[QueueRow]:
    """Waiting requests of the user's hubs in three states: overdue first, then those whose
    clock is running, then those paused for information. In each state urgent requests come
    before routine ones, then the ones the user covers or has claimed, then by due time."""
    now = now or timezone.now()
    # Whether the user covers the request's hub today, asked in the same statement.
    covering = RotaEntry.objects.filter(
        hub=OuterRef("hub"), paediatrician=user, date=timezone.localdate(now)
    )
    rows = []
    waiting = (
        visible_requests(user)
        .waiting()
        .select_related(
            "hub", "hub__advice_settings", "asked_by", "claimed_by", "practice", "child"
        )
        .annotate(covered=Exists(covering))
        .order_by("received_at")
    )
    for advice_request in waiting:
        due = clock.request_due_at(advice_request)
        mine = advice_request.covered or advice_request.claimed_by_id == user.pk
        rows.append(
            QueueRow(
                request=advice_request,
                due_at=due,
                time_left=(due - now) if due else None,
                overdue=bool(due and due < now),
                mine=mine,
            )
        )
    far_future = now + datetime.timedelta(days=36500)
    rows.sort(
        key=lambda r: (
            not r.overdue,
            r.due_at is None,
            not r.request.is_urgent,
            not r.mine,
            r.due_at or far_future,
        )
    )
    return rows


def my_requests(user: Person) -> QuerySet[AdviceRequest]:
    return (
        visible_requests(user, "advice.ask")
        .filter(asked_by=user)
        .select_related("hub", "child", "claimed_by")
        .order_by("-received_at")
    )


def child_requests(user: Person, child: Child) -> QuerySet[AdviceRequest]:
    return (
        visible_requests(user)
        .filter(child=child)
        .select_related("hub", "asked_by", "claimed_by")
        .order_by("-received_at")
    )


def rota(user: Person, start: datetime.date | None = None, days: int = 28) -> QuerySet[RotaEntry]:
    start = start or timezone.localdate()
    return (
        RotaEntry.objects.filter(hub_id__in=hub_ids(user, "advice.view"))
        .filter(date__gte=start, date__lt=start + datetime.timedelta(days=days))
        .select_related("hub", "paediatrician")
        .order_by("date", "hub__name")
    )


def search_children(user: Person, text: str, limit: int = 20) -> QuerySet[Child]:
    """Children the user may ask about, by NHS number or name; empty for an empty search."""
    text = (text or "").strip()
    if not text:
        return Child.objects.none()
    children = Child.objects.visible_to(user).filter(
        practice__hub_id__in=hub_ids(user, "advice.ask")
    )
    return children.search(text).select_related("practice")[:limit]


def askable_child(user: Person, pk: int) -> Child:
    return get_object_or_404(
        Child.objects.visible_to(user)
        .filter(practice__hub_id__in=hub_ids(user, "advice.ask"))
        .select_related("practice", "practice__hub"),
        pk=pk,
    )
