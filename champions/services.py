"""Writes for practice champions: activities recorded, expiry alerts claimed and sent."""

import datetime
import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from cc4c import formatting, outbox
from cc4c.errors import ServiceError
from champions import closing
from champions.models import (
    EXPIRY_NOTICE_DAYS,
    Activity,
    AlertKind,
    Champion,
    Check,
    ExpiryAlert,
    Status,
    Training,
)
from champions.queries import current_checks, current_trainings
from hubs.access import people_in
from hubs.models import Hub, Person

logger = logging.getLogger(__name__)


class ChampionError(ServiceError):
    """A refusal with a message the person can act on."""


DUPLICATE = "An activity of this type is already recorded on that date: change that one instead."


def _refuse_closed_month(champion: Champion, day: datetime.date) -> None:
    if closing.is_closed(champion.hub_id, day):
        raise ChampionError(
            f"The report for {formatting.month(day)} is built, so its activities can no longer "
            "be changed. If one is wrong, tell your hub coordinator."
        )


def record_activity(
    *,
    champion: Champion,
    date: datetime.date,
    type: str,
    hours: Decimal,
    people_reached: int | None = None,
    notes: str = "",
    by: Person,
) -> Activity:
    """Record one activity; refuses a second of the same type on the same day, a future date,
    or a month whose report is built."""
    if date > timezone.localdate():
        raise ChampionError("The date of an activity cannot be in the future.")
    _refuse_closed_month(champion, date)
    try:
        with transaction.atomic():
            return Activity.objects.create(
                champion=champion,
                date=date,
                type=type,
                hours=hours,
                people_reached=people_reached,
                notes=notes,
                recorded_by=by if by.is_authenticated else None,
            )
    except IntegrityError:
        raise ChampionError(DUPLICATE) from None


def may_change(activity: Activity, user: Person, closed: set[datetime.date] | None = None) -> bool:
    """Whether ``user`` may correct or delete the activity: they recorded it themselves and its
    month's report is not built (``closed``: the hub's closed months, if already known)."""
    if activity.recorded_by_id is None or activity.recorded_by_id != user.pk:
        return False
    if closed is None:
        closed = closing.closed_months(activity.champion.hub_id, {activity.date})
    return activity.date.replace(day=1) not in closed


def change_activity(
    *,
    activity: Activity,
    by: Person,
    date: datetime.date,
    type: str,
    hours: Decimal,
    people_reached: int | None = None,
    notes: str = "",
) -> Activity:
    """Correct an activity the champion recorded, while its month (and the month it moves to)
    is open; the same rules as recording one."""
    if activity.recorded_by_id != by.pk:
        raise ChampionError("Only the champion who recorded this activity can change it.")
    if date > timezone.localdate():
        raise ChampionError("The date of an activity cannot be in the future.")
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        _refuse_closed_month(activity.champion, activity.date)
        _refuse_closed_month(activity.champion, date)
        for field, value in {
            "date": date,
            "type": type,
            "hours": hours,
            "people_reached": people_reached,
            "notes": notes,
        }.items():
            setattr(activity, field, value)
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError:
            raise ChampionError(DUPLICATE) from None
    return activity


def delete_activity(*, activity: Activity, by: Person) -> None:
    """Delete an activity the champion recorded, while its month's report is not built."""
    if activity.recorded_by_id != by.pk:
        raise ChampionError("Only the champion who recorded this activity can delete it.")
    with transaction.atomic():
        locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if locked is None:
            raise ChampionError("This activity was deleted already.")
        _refuse_closed_month(locked.champion, locked.date)
        locked.delete()


def coordinator_emails(hub_id: int, on: datetime.date | None = None) -> list[str]:
    people = people_in(hub_id, "hub.manage", on=on).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def _due_alerts(today: datetime.date) -> Iterator[tuple[str, Check | Training, str]]:
    """(field, record, kind) for every in-force check or training needing an alert today."""
    horizon = today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    for field, records in (("check_record", current_checks()), ("training", current_trainings())):

        def alerted(kind: str, field: str = field) -> Exists:
            return Exists(
                ExpiryAlert.objects.filter(
                    **{field: OuterRef("pk")}, kind=kind, expires_on=OuterRef("expires_on")
                )
            )

        for record in (
            records.filter(expires_on__isnull=False, expires_on__lte=horizon)
            .exclude(champion__status=Status.LEFT)
            .annotate(
                alerted_due=alerted(AlertKind.DUE_30_DAYS),
                alerted_expired=alerted(AlertKind.EXPIRED),
            )
            .select_related("champion")
        ):
            if record.expires_on is None:  # filtered out above; says so to the type checker
                continue
            if record.expires_on <= today:
                if not record.alerted_expired:
                    yield field, record, AlertKind.EXPIRED
            elif not record.alerted_due:
                yield field, record, AlertKind.DUE_30_DAYS


def sweep_expiry_alerts(today: datetime.date | None = None) -> int:
    """Email each hub's coordinators once when a check or training is 30 days from expiry, and
    once when it has expired. Safe to run as often as wanted: each alert is a unique row."""
    today = today or timezone.localdate()
    due_by_hub: dict[int, list[tuple[str, Check | Training, str]]] = {}
    for field, record, kind in _due_alerts(today):
        due_by_hub.setdefault(record.champion.hub_id, []).append((field, record, kind))
    sent = 0
    for hub_id, due in due_by_hub.items():
        # The alerts a hub's email announces are claimed in the transaction that writes the
        # email to the outbox: both are kept, or neither and the next sweep tries again.
        with transaction.atomic():
            counts: dict[str, int] = {}
            for field, record, kind in due:
                try:
                    with transaction.atomic():
                        alert: dict[str, Any] = {field: record, "expires_on": record.expires_on}
                        _alert, created = ExpiryAlert.objects.get_or_create(**alert, kind=kind)
                except IntegrityError:
                    created = False  # another sweep claimed it at the same moment
                if created:
                    counts[kind] = counts.get(kind, 0) + 1
            if counts:
                send_expiry_email(hub_id, counts)
                sent += sum(counts.values())
    return sent


def send_expiry_email(hub_id: int, counts: dict[str, int]) -> None:
    """Tell the hub's coordinators how many records need attention, with a link; no names."""
    recipients = coordinator_emails(hub_id)
    if not recipients:
        logger.warning("No coordinator to tell about champion expiries in hub %s", hub_id)
        return
    hub = Hub.objects.get(pk=hub_id)
    lines = []
    if counts.get(AlertKind.EXPIRED):
        lines.append(f"{counts[AlertKind.EXPIRED]} check or training record(s) have expired.")
    if counts.get(AlertKind.DUE_30_DAYS):
        lines.append(
            f"{counts[AlertKind.DUE_30_DAYS]} check or training record(s) expire within "
            f"{EXPIRY_NOTICE_DAYS} days."
        )
    link = settings.SITE_URL + reverse("admin:champions_champion_changelist") + "?attention=yes"
    body = (
        f"Practice champions at {hub.name} need attention:\n\n"
        + "\n".join(lines)
        + f"\n\nSee which, and record the renewal:\n{link}\n"
    )
    outbox.enqueue(
        kind="champions.expiry",
        subject=f"Practice champion checks or training need renewing: {hub.code}",
        body=body,
        to=recipients,
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
