import datetime
from decimal import Decimal

import pytest

from champions.metrics import champion_measures
from tests.champions.factories import ActivityFactory, ChampionFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)


def test_measures_count_the_period_at_the_hubs_practices_only(practice, other_practice):
    one, two = ChampionFactory(practice=practice), ChampionFactory(practice=practice)
    ActivityFactory(champion=one, date=START, hours=Decimal("1.25"), people_reached=10)
    ActivityFactory(champion=one, date=END, hours=Decimal("2.00"), people_reached=None)
    ActivityFactory(
        champion=two, date=datetime.date(2025, 6, 1), hours=Decimal("0.5"), people_reached=3
    )
    ActivityFactory(champion=two, date=END + datetime.timedelta(days=1), hours=Decimal("9"))
    ActivityFactory(champion=ChampionFactory(practice=other_practice), date=START)
    ChampionFactory(practice=practice)  # no activity: not active in the period

    measures = champion_measures([practice.hub_id], START, END)

    assert measures == {
        "champions_active": 2,
        "champion_activities": 3,
        "champion_hours": Decimal("3.8"),
        "champion_people_reached": 13,
    }


def test_measures_of_a_quiet_period_are_zero(practice):
    assert champion_measures({practice.hub_id}, START, END) == {
        "champions_active": 0,
        "champion_activities": 0,
        "champion_hours": Decimal("0.0"),
        "champion_people_reached": 0,
    }
