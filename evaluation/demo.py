"""Demo hospital activity (two years per practice, falling after the hub started), costs, and the
monthly reports of the last few months, built as the schedule builds them (idempotent: a month's
report is made once)."""

from django.utils import timezone

from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import HospitalActivity, UnitCost
from evaluation.periods import add_months, financial_year_of
from evaluation.tasks import monthly_reports

REPORTED_MONTHS = 3
# Monthly counts per 1,000 registered patients before the hub, and the share left after it.
RATES = {
    "op_new": (2.2, 0.61),
    "op_new_subspecialty": (1.0, 0.81),
    "op_follow_up": (3.5, 0.75),
    "ed_attendance": (4.0, 0.78),
    "admission": (1.1, 0.83),
}
COSTS = {
    "op_new": 225,
    "op_new_subspecialty": 260,
    "op_follow_up": 130,
    "ed_attendance": 160,
    "admission": 1600,
    "clinic_session": 1100,
}


def load(ctx):
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -24)
    rng = ctx.rng
    rows = []
    for entry in ctx["hubs"]:
        hub = entry["hub"]
        for year in {financial_year_of(today) - 1, financial_year_of(today)}:
            UnitCost.objects.get_or_create(hub=hub, financial_year=year, defaults=COSTS)
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
