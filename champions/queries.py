"""Reads for the champions pages and admin: scoped querysets and monthly summaries."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from champions.models import EXPIRY_NOTICE_DAYS, Activity, Champion, Check, Training
from hubs import access
from hubs.models import Hub, Person, Practice


def current_checks() -> QuerySet[Check]:
    """Checks not replaced by a later check of the same kind for the same champion."""
    newer = Check.objects.filter(
        champion=OuterRef("champion"),
        kind=OuterRef("kind"),
        description=OuterRef("description"),
        date__gt=OuterRef("date"),
    )
    return Check.objects.filter(~Exists(newer))


def current_trainings() -> QuerySet[Training]:
    """Training not replaced by a later record of the same course for the same champion."""
    newer = Training.objects.filter(
        champion=OuterRef("champion"), course=OuterRef("course"), date__gt=OuterRef("date")
    )
    return Training.objects.filter(~Exists(newer))


def with_next_expiry(champions: QuerySet[Champion]) -> QuerySet[Champion]:
    """Annotate ``next_check_expiry`` and ``next_training_expiry``: earliest in-force expiry."""

    def earliest(records: QuerySet[Any]) -> Subquery:
        return Subquery(
            records.filter(champion=OuterRef("pk"), expires_on__isnull=False)
            .order_by("expires_on")
            .values("expires_on")[:1]
        )

    return champions.annotate(
        next_check_expiry=earliest(current_checks()),
        next_training_expiry=earliest(current_trainings()),
    )


def expiry_state(
    expires_on: datetime.date | None, today: datetime.date | None = None
) -> str | None:
    """'expired', 'due' or None for the earliest expiry date of a champion's records."""
    if expires_on is None:
        return None
    today = today or timezone.localdate()
    if expires_on <= today:
        return "expired"
    if expires_on <= today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS):
        return "due"
    return None


def champion_hubs(user: Person) -> QuerySet[Hub]:
    return access.hubs_for(user, "champions.view").prefetch_related("practices")


def hub_for(user: Person, hub_id: int) -> Hub | None:
    """The hub if the user may see its champions, else None (the view answers 404)."""
    return Hub.objects.filter(pk=hub_id, pk__in=access.hub_ids(user, "champions.view")).first()


def practice_for(user: Person, practice_id: int) -> Practice | None:
    return (
        Practice.objects.select_related("hub")
        .filter(pk=practice_id, hub_id__in=access.hub_ids(user, "champions.view"))
        .first()
    )


def own_champion(user: Person) -> Champion | None:
    """The champion record linked to the signed-in champion, while their membership lasts."""
    return (
        Champion.objects.select_related("practice", "hub")
        .filter(person=user, hub_id__in=access.hub_ids(user, "champions.self"))
        .first()
    )


def active_champions(
    *,
    hub: Hub | None = None,
    practice: Practice | None = None,
    date_from: datetime.date,
    date_to: datetime.date,
) -> QuerySet[Champion]:
    """Active champions with their activities, hours and people reached in the period."""
    qs = Champion.objects.active().select_related("practice")
    qs = qs.filter(practice=practice) if practice else qs.filter(practice__hub=hub)
    in_period = Q(activities__date__gte=date_from, activities__date__lte=date_to)
    return qs.annotate(
        period_activities=Count("activities", filter=in_period),
        period_hours=Sum("activities__hours", filter=in_period),
        period_people=Sum("activities__people_reached", filter=in_period),
    ).order_by("family_name", "given_name", "pk")


def month_starts(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    months = []
    day = date_from.replace(day=1)
    while day <= date_to:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def last_twelve_months(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, today


def monthly_activity(
    *,
    hub: Hub | None = None,
    practice: Practice | None = None,
    date_from: datetime.date,
    date_to: datetime.date,
) -> list[dict[str, Any]]:
    """One row per month of the period, empty months included: activities, hours, people."""
    qs = Activity.objects.filter(date__gte=date_from, date__lte=date_to)
    qs = qs.filter(champion__practice=practice) if practice else qs.filter(champion__hub=hub)
    totals: dict[datetime.date, Any] = {
        row["month"]: row
        for row in qs.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(activities=Count("id"), hours=Sum("hours"), people=Sum("people_reached"))
    }
    rows = []
    for month in month_starts(date_from, date_to):
        row = totals.get(month, {})
        rows.append(
            {
                "month": month,
                "activities": row.get("activities", 0),
                "hours": (row.get("hours") or Decimal(0)).quantize(Decimal("0.1")),
                "people": row.get("people") or 0,
            }
        )
    return rows


def own_activities(champion: Champion) -> QuerySet[Activity]:
    return champion.activities.all()


def own_status(champion: Champion) -> tuple[list[Check], list[Training]]:
    """The champion's checks and training in force, each with its state today."""
    today = timezone.localdate()
    checks = list(current_checks().filter(champion=champion).order_by("kind", "-date"))
    trainings = list(current_trainings().filter(champion=champion).order_by("course"))
    for record in checks + trainings:
        record.current_state = record.state(today)  # type: ignore[union-attr]
    return checks, trainings
