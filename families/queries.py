"""Reads for the families pages, scoped through hubs.access by the models' ``visible_to``."""

import datetime
from typing import Any

from django.db.models import QuerySet

from families.models import NEEDS_ACTION, Carer, ContactTask, FamilyLink, Message
from hubs.models import Person
from population.models import Child

SORTS = {"newest": ("-created_at", "-id"), "oldest": ("created_at", "id")}


def carers_of(child: Child) -> QuerySet[Carer]:
    """The child's contacts, current first (the child was fetched through visible_to)."""
    return (
        Carer.objects.filter(child=child)
        .prefetch_related("tasks")
        .order_by("removed_at", "created_at", "id")
    )


def messages_about(**target: Any) -> QuerySet[Message]:
    """Messages about one child, appointment or follow-up (already fetched through its own
    visible_to), newest first, with their delivery status."""
    return (
        Message.objects.filter(**target)
        .select_related("outbox", "carer", "link")
        .order_by("-created_at", "-id")
    )


def outbox(
    user: Person, *, q: str = "", kind: str = "", status: str = "", sort: str = "newest"
) -> QuerySet[Message]:
    """Every message to families in the hubs where the person reads the outbox."""
    qs = Message.objects.visible_to(user, "family.messages").select_related(
        "outbox", "carer", "child", "hub", "link"
    )
    if q.strip():
        qs = qs.filter(child__in=Child.objects.search(q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(outbox__status=status)
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def replies(user: Person) -> QuerySet[FamilyLink]:
    """Families' answers a coordinator acts on, oldest first, not yet marked as dealt with."""
    return (
        FamilyLink.objects.visible_to(user, "family.messages")
        .filter(answer__in=NEEDS_ACTION, done_at__isnull=True)
        .select_related(
            "child__practice", "hub", "appointment__slot__session__host_practice", "referral"
        )
        .order_by("answered_at", "id")
    )


def cant_come(user: Person, since: datetime.datetime) -> QuerySet[FamilyLink]:
    """Appointments families said they cannot come to, since ``since``."""
    return (
        FamilyLink.objects.visible_to(user, "family.messages")
        .filter(answer="cant_come", answered_at__gte=since)
        .select_related("child", "slot__session__host_practice", "hub")
        .order_by("-answered_at")
    )


def open_tasks(user: Person) -> QuerySet[ContactTask]:
    return (
        ContactTask.objects.visible_to(user)
        .open()
        .select_related("carer__child", "message__outbox")
        .order_by("opened_at", "id")
    )
