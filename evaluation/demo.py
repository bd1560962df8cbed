"""Demo hospital activity (two years per practice, falling after the hub started), a few
comparison practices outside every hub, each hub's running costs, and the monthly reports of
the last few months, built as the schedule builds them (idempotent: a month's report is made
once)."""

from random import Random

from django.utils import timezone

from cc4c.validators import synthetic_nhs_number
from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import HospitalActivity, HubCost
from evaluation.periods import add_months, financial_year_of
from evaluation.tasks import monthly_reports
from hubs.models import Practice
from population.demo import SNAPSHOT_MONTHS, month_ends, synthetic_child
from population.models import Child
from population.segmentation import take_month_end_snapshot

REPORTED_MONTHS = 3
# Monthly counts per 1,000 registered patients before the hub, and the share left after it.
RATES = {
    "op_new": (2.2, 0.61),
    "op_new_subspecialty": (1.0, 0.81),
    "op_follow_up": (3.5, 0.75),
    "ed_attendance": (4.0, 0.78),
    "admission": (1.1, 0.83),
}
COSTS = {"clinic_session_gbp": 1100, "yearly_gbp": 30000}
# Practices outside every hub: their activity falls a little too (a milder winter), which is
# what the comparison takes away from the hubs' fall.
COMPARISON = [("Y90001", "Riverside Surgery", 7000), ("Y90002", "Hill Top Practice", 9000)]
COMPARISON_AFTER = 0.95
COMPARISON_CHILDREN = 400
COMPARISON_NHS_SEED = 480_000


def _comparison_practices(today):
    # Their own random source: the same children on every load, whatever the others drew.
    rng = Random(COMPARISON_NHS_SEED)
    practices = []
    for ods, name, size in COMPARISON:
        practice, _ = Practice.objects.update_or_create(
            ods_code=ods,
            defaults={"name": name, "hub": None, "comparison": True, "list_size": size},
        )
        practices.append(practice)
    children = [
        synthetic_child(
            rng, practices[n % len(practices)], today, synthetic_nhs_number(COMPARISON_NHS_SEED + n)
        )
        for n in range(COMPARISON_CHILDREN)
    ]
    fields = [f.name for f in Child._meta.concrete_fields if f.name not in ("id", "nhs_number")]
    Child.objects.bulk_create(
        children, update_conflicts=True, unique_fields=["nhs_number"], update_fields=fields
    )
    # Kept at the month ends the population demo keeps, so a second load adds none.
    for end in month_ends(today, SNAPSHOT_MONTHS):
        take_month_end_snapshot(end)
    return practices


def load(ctx):
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -24)
    rng = ctx.rng
    rows = []
    for practice in _comparison_practices(today):
        size = practice.list_size / 1000
        for index in range(24):
            for activity, _label in HOSPITAL_ACTIVITIES:
                rate, _after = RATES[activity]
                factor = COMPARISON_AFTER if index >= 12 else 1.0
                count = max(0, round(rate * size * factor * rng.uniform(0.8, 1.2)))
                rows.append((practice, add_months(first, index), activity, count))
    for entry in ctx["hubs"]:
        hub = entry["hub"]
        for year in {financial_year_of(today) - 1, financial_year_of(today)}:
            HubCost.objects.get_or_create(hub=hub, financial_year=year, defaults=COSTS)
        for practice in entry["practices"]:
            size = (practice.list_size or 8000) / 1000
            for index in range(24):
                month = add_months(first, index)
                for activity, _label in HOSPITAL_ACTIVITIES:
                    rate, after = RATES[activity]
                    factor = after if index >= 12 else 1.0
                    count = max(0, round(rate * size * factor * rng.uniform(0.8, 1.2)))
                    rows.append((practice, month, activity, count))
    HospitalActivity.objects.bulk_create(
        [HospitalActivity(practice=p, month=m, activity=a, count=c) for p, m, a, c in rows],
        ignore_conflicts=True,
    )
    # The scheduled report of each of the last months, for the first of the month after it.
    for months_ago in range(REPORTED_MONTHS - 1, -1, -1):
        monthly_reports(today=add_months(today.replace(day=1), -months_ago).isoformat())
