"""Practice champion measures for the evaluation report (docs/evaluation-measures.md)."""

from decimal import Decimal

from django.db.models import Count, Sum

from cc4c import breakdown
from cc4c.measures import round_1dp
from champions.models import Activity


def _groupings(hub_ids, date_from, date_to):
    activities = Activity.objects.filter(
        champion__practice__hub_id__in=hub_ids, date__gte=date_from, date__lte=date_to
    )
    return breakdown.every_grouping(
        activities,
        date_from,
        date_to,
        hub="champion__practice__hub_id",
        date="date",
        champions_active=Count("champion", distinct=True),
        champion_activities=Count("id"),
        champion_hours=Sum("hours"),
        champion_people_reached=Sum("people_reached"),
    )


def champion_measures(hub_ids, date_from, date_to, *, by=None):
    """Activities dated from ``date_from`` to ``date_to`` inclusive, at the hubs' practices,
    for the hubs together, per hub or per month (cc4c.breakdown), from one query a report's
    three asks share (cc4c.breakdown.shared)."""
    breakdown.check(by)
    hub_ids = list(hub_ids)
    totals = breakdown.shared(
        ("champions", tuple(hub_ids), date_from, date_to),
        lambda: _groupings(hub_ids, date_from, date_to),
    )

    def finish(group):
        group_totals = breakdown.group_of(totals, by, group)
        return {
            "champions_active": group_totals.get("champions_active", 0),
            "champion_activities": group_totals.get("champion_activities", 0),
            "champion_hours": round_1dp(group_totals.get("champion_hours") or Decimal(0)),
            "champion_people_reached": group_totals.get("champion_people_reached") or 0,
        }

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
