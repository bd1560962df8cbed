import datetime

import pytest

from cc4c.evaluation.models import HospitalActivity, UnitCost
from cc4c.evaluation.periods import add_months
from population.models import Child
from tests.factories import ChildFactory

ASTHMA = "195967001"
PERIOD_FROM = datetime.date(2025, 4, 1)
PERIOD_TO = datetime.date(2026, 3, 31)


def _child(practice, **kwargs):
    kwargs.setdefault("date_of_birth", datetime.date(2015, 6, 1))
    kwargs.setdefault("registered_on", datetime.date(2016, 1, 1))
    return ChildFactory(practice=practice, **kwargs)


@pytest.fixture
def population_data(practice, other_practice):
    """Hub A at 31 March 2026: 10 children counted, 3 who are not; 4 on the asthma register."""
    for _ in range(5):
        _child(practice, segment=1)
    _child(practice, segment=3, conditions=[ASTHMA], asthma_plan_reviewed_on=PERIOD_TO)
    _child(
        practice,
        segment=3,
        conditions=[ASTHMA],
        asthma_plan_reviewed_on=PERIOD_TO - datetime.timedelta(days=364),  # the 365th day: in
    )
    _child(
        practice,
        segment=6,
        conditions=[ASTHMA],
        flags=["child_protection_plan"],
        asthma_plan_reviewed_on=PERIOD_TO - datetime.timedelta(days=365),  # a day too old
    )
    _child(practice, segment=6, conditions=[ASTHMA])
    _child(practice, segment=6)
    # Not counted: left the list on the last day, turned 18 on the last day, joined after.
    _child(practice, deregistered_on=PERIOD_TO)
    _child(practice, date_of_birth=datetime.date(2008, 3, 31))
    _child(practice, registered_on=PERIOD_TO + datetime.timedelta(days=1))
    # Hub B's children never count for hub A.
    _child(other_practice, segment=8, conditions=[ASTHMA])
    return Child.objects.all()


BASELINE = {
    "op_new": 100,
    "op_new_subspecialty": 100,
    "op_follow_up": 200,
    "ed_attendance": 50,
    "admission": 100,
}
PERIOD = {
    "op_new": 61,
    "op_new_subspecialty": 81,
    "op_follow_up": 150,
    "ed_attendance": 39,
    "admission": 83,
}


def _spread(practice, start, totals):
    """Spread each total over twelve months, the remainder in the first month."""
    rows = []
    for activity, total in totals.items():
        per_month, remainder = divmod(total, 12)
        for index in range(12):
            count = per_month + (remainder if index == 0 else 0)
            rows.append(
                HospitalActivity(
                    practice=practice,
                    month=add_months(start, index),
                    activity=activity,
                    count=count,
                )
            )
    HospitalActivity.objects.bulk_create(rows)


@pytest.fixture
def hospital_data(hub, practice, other_practice):
    _spread(practice, datetime.date(2024, 4, 1), BASELINE)
    _spread(practice, datetime.date(2025, 4, 1), PERIOD)
    # A month outside both periods and another hub's activity must not count.
    HospitalActivity.objects.create(
        practice=practice, month=datetime.date(2026, 4, 1), activity="op_new", count=500
    )
    _spread(other_practice, datetime.date(2025, 4, 1), BASELINE)
    UnitCost.objects.create(
        hub=hub,
        financial_year=2025,
        op_new=200,
        op_new_subspecialty=250,
        op_follow_up=120,
        ed_attendance=150,
        admission=1500,
        clinic_session=1000,
    )
