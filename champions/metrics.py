"""Practice champion measures for the evaluation report (evaluation-measures.md)."""

from decimal import Decimal

from django.db.models import Count, Sum

from cc4c.measures import round_1dp
from champions.models import Activity


def champion_measures(hub_ids, date_from, date_to):
    """Activities dated from ``date_from`` to ``date_to`` inclusive, at the hubs' practices."""
    totals = Activity.objects.filter(
        champion__practice__hub_id__in=list(hub_ids), date__gte=date_from, date__lte=date_to
    ).aggregate(
        champions_active=Count("champion", distinct=True),
        champion_activities=Count("id"),
        champion_hours=Sum("hours"),
        champion_people_reached=Sum("people_reached"),
    )
    return {
        "champions_active": totals["champions_active"],
        "champion_activities": totals["champion_activities"],
        "champion_hours": round_1dp(totals["champion_hours"] or Decimal(0)),
        "champion_people_reached": totals["champion_people_reached"] or 0,
    }
