"""The Experience measures (docs/evaluation-measures.md) against a hand count, per hub and month."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cc4c import breakdown
from evaluation.compose import compute
from evaluation.periods import Period
from evaluation.suppression import suppress
from feedback.metrics import experience_measures
from hubs.models import Role
from tests.factories import member
from tests.feedback.conftest import finished_meeting
from tests.feedback.factories import FamilyResponseFactory, ProfessionalFeedbackFactory

pytestmark = pytest.mark.django_db

D = datetime.date
FROM, TO = D(2025, 4, 1), D(2025, 6, 30)


@pytest.fixture
def answers(hub, other_hub):
    """Hub A: 8 answers in the period (5 good or very good; 6 answered the place question,
    4 of them the GP practice), one before it and one after; hub B: 2 answers."""
    rows = [
        (D(2025, 4, 1), "very_good", "gp_practice"),
        (D(2025, 4, 20), "very_good", "gp_practice"),
        (D(2025, 4, 30), "good", "hospital"),
        (D(2025, 5, 2), "good", ""),
        (D(2025, 5, 31), "neither", "no_preference"),
        (D(2025, 6, 1), "very_good", "gp_practice"),
        (D(2025, 6, 15), "dont_know", ""),
        (D(2025, 6, 30), "very_poor", "gp_practice"),
        (D(2025, 3, 31), "very_good", "gp_practice"),  # the day before
        (D(2025, 7, 1), "poor", "hospital"),  # the day after
    ]
    for received_on, experience, place in rows:
        FamilyResponseFactory(hub=hub, received_on=received_on, experience=experience, place=place)
    for _ in range(2):
        FamilyResponseFactory(hub=other_hub, received_on=D(2025, 5, 5), experience="poor")


@pytest.fixture
def ratings(hub, other_hub):
    """Hub A: a May meeting (3 present, 1 apology; rated 5, 4) and a June one (2 present, rated
    2); hub B: a May meeting with 1 present rated 1."""
    people = [member(Role.GP, hub) for _ in range(4)]
    import zoneinfo

    london = zoneinfo.ZoneInfo("Europe/London")
    may = finished_meeting(hub, *people[:3], apologies=[people[3]])
    may.starts_at = datetime.datetime(2025, 5, 14, 13, 0, tzinfo=london)
    june = finished_meeting(hub, *people[:2])
    june.starts_at = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=london)  # 22:30 UTC
    other = finished_meeting(other_hub, member(Role.GP, other_hub))
    other.starts_at = datetime.datetime(2025, 5, 14, 13, 0, tzinfo=london)
    for meeting in (may, june, other):
        meeting.finished_at = meeting.starts_at
        meeting.save()
    ProfessionalFeedbackFactory(meeting=may, person=people[0], usefulness=5)
    ProfessionalFeedbackFactory(meeting=may, person=people[1], usefulness=4)
    ProfessionalFeedbackFactory(meeting=june, person=people[0], usefulness=2)
    ProfessionalFeedbackFactory(meeting=other, person=other.attendances.get().person, usefulness=1)


def test_the_experience_figures_match_a_hand_count(hub, answers, ratings):
    values = experience_measures([hub.pk], FROM, TO)
    assert values["family_feedback_responses"] == 8
    assert values["family_positive_pct"] == Decimal("62.5")  # 5 of 8
    assert values["family_prefer_practice_pct"] == Decimal("66.7")  # 4 of 6
    assert values["mdt_attendances"] == 5  # apologies are not attendances
    assert values["mdt_usefulness_mean"] == Decimal("3.7")  # (5 + 4 + 2) / 3


def test_by_hub_and_by_month_equal_the_single_figures(hub, other_hub, answers, ratings):
    ids = [hub.pk, other_hub.pk]
    by_hub = experience_measures(ids, FROM, TO, by="hub")
    assert set(by_hub) == set(ids)
    for hub_id in ids:
        assert by_hub[hub_id] == experience_measures([hub_id], FROM, TO)
    period_from, period_to = D(2025, 4, 10), D(2025, 6, 30)
    by_month = experience_measures(ids, period_from, period_to, by="month")
    assert list(by_month) == [D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)]
    for month, start, end in [
        (D(2025, 4, 1), D(2025, 4, 10), D(2025, 4, 30)),
        (D(2025, 5, 1), D(2025, 5, 1), D(2025, 5, 31)),
        (D(2025, 6, 1), D(2025, 6, 1), D(2025, 6, 30)),
    ]:
        assert by_month[month] == experience_measures(ids, start, end), month


def test_a_hub_with_no_feedback_gets_zeros_and_empty_percentages(hub, other_hub, answers):
    empty = experience_measures([hub.pk, other_hub.pk], D(2024, 1, 1), D(2024, 1, 31), by="hub")
    assert empty[hub.pk]["family_feedback_responses"] == 0
    assert empty[hub.pk]["family_positive_pct"] is None
    assert empty[hub.pk]["mdt_usefulness_mean"] is None


def test_small_numbers_are_suppressed_like_the_rest(hub, answers, ratings):
    shown = suppress(experience_measures([hub.pk], FROM, TO))
    assert shown["family_feedback_responses"] == 10  # 8 rounded to the nearest 5
    assert shown["family_positive_pct"] == "*"  # from 5 good or very good answers
    assert shown["family_prefer_practice_pct"] == "*"
    assert shown["mdt_usefulness_mean"] == Decimal("3.7")  # means are never suppressed
    assert not [key for key in shown if key.startswith("_")]


def test_the_evaluation_report_carries_the_experience_section(hub, answers, ratings):
    result = compute([hub], Period.of(FROM, TO))
    row = result["rows"][hub.code]
    assert row["family_feedback_responses"] == 8
    assert row["mdt_usefulness_mean"] == Decimal("3.7")
    assert result["rows"]["ALL"]["family_positive_pct"] == Decimal("62.5")


def test_a_reports_three_asks_read_each_feedback_table_once(hub, other_hub, answers, ratings):
    """The hubs together, per hub and per month come from one query per table (family answers,
    attendances, ratings), however many hubs and months the report covers."""
    for hub_ids in ([hub.pk], [hub.pk, other_hub.pk]):
        with breakdown.one_computation(), CaptureQueriesContext(connection) as queries:
            together = experience_measures(hub_ids, FROM, TO)
            by_hub = experience_measures(hub_ids, FROM, TO, by="hub")
            by_month = experience_measures(hub_ids, FROM, TO, by="month")
        assert len(queries) == 3, [q["sql"] for q in queries]
        assert together == experience_measures(hub_ids, FROM, TO)
        assert by_hub == {hub_id: experience_measures([hub_id], FROM, TO) for hub_id in hub_ids}
        assert list(by_month) == [D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)]
