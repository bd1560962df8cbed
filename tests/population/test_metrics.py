"""The evaluation report's population as at the end of its period: a child's segment, asthma
register membership and plan date as kept at that month end, current values otherwise."""

import datetime

import pytest

from population.metrics import population_measures
from population.models import Child, SegmentSnapshot
from population.segmentation import resegment_children, take_month_end_snapshot
from tests.factories import ChildFactory
from tests.population.factories import ASTHMA

pytestmark = pytest.mark.django_db

MONTH_END = datetime.date(2026, 9, 30)
NOW = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def _child(practice, **fields):
    fields.setdefault("date_of_birth", datetime.date(2015, 6, 1))
    fields.setdefault("registered_on", datetime.date(2016, 1, 1))
    return ChildFactory(practice=practice, **fields)


def _change(child, **fields):
    Child.objects.filter(pk=child.pk).update(**fields)
    resegment_children(child_ids=[child.pk])


@pytest.fixture
def moved(practice):
    """At the September month end one child was healthy and one had asthma with a plan in
    date; in October the first was found to have asthma too, their plan written on 5 October.
    Returns (the child who moved, their segment now)."""
    mover = _child(practice)
    _child(practice, conditions=[ASTHMA], asthma_plan_reviewed_on=datetime.date(2026, 3, 1))
    resegment_children()
    take_month_end_snapshot(MONTH_END)
    _change(mover, conditions=[ASTHMA], asthma_plan_reviewed_on=datetime.date(2026, 10, 5))
    segment = Child.objects.get(pk=mover.pk).segment
    assert segment > 1
    assert SegmentSnapshot.objects.get(child=mover).segment == 1
    return mover, segment


def _figures(hub, date_to, **kwargs):
    return population_measures([hub.pk], date_to.replace(day=1), date_to, now=NOW, **kwargs)


def test_a_report_ending_on_a_month_end_counts_each_child_in_their_segment_then(hub, moved):
    _mover, asthma_segment = moved
    then = _figures(hub, MONTH_END)
    assert then["children_registered"] == 2
    assert then["segment_1_children"] == 1
    assert then[f"segment_{asthma_segment}_children"] == 1
    assert then["asthma_register"] == 1
    assert then["_asthma_plan_n"] == 1
    assert _figures(hub, MONTH_END, by="hub") == {hub.pk: then}


def test_a_report_ending_today_counts_each_child_in_their_segment_now(hub, moved):
    _mover, asthma_segment = moved
    now = _figures(hub, TODAY)
    assert now["children_registered"] == 2
    assert now["segment_1_children"] == 0
    assert now[f"segment_{asthma_segment}_children"] == 2
    assert now["asthma_register"] == 2
    assert now["_asthma_plan_n"] == 2  # the new plan of 5 October is in date today
    assert _figures(hub, TODAY, by="hub") == {hub.pk: now}


def test_the_asthma_register_at_a_month_end_is_the_register_kept_then(hub, practice):
    child = _child(practice, conditions=[ASTHMA])
    resegment_children()
    take_month_end_snapshot(MONTH_END)
    _change(child, conditions=[])
    assert _figures(hub, MONTH_END)["asthma_register"] == 1
    assert _figures(hub, TODAY)["asthma_register"] == 0


def test_a_plan_reviewed_after_the_month_end_does_not_count_for_that_month_end(hub, practice):
    child = _child(practice, conditions=[ASTHMA])
    resegment_children()
    take_month_end_snapshot(MONTH_END)
    _change(child, asthma_plan_reviewed_on=MONTH_END - datetime.timedelta(days=10))
    assert _figures(hub, MONTH_END)["asthma_plan_pct"] == 0
    assert _figures(hub, TODAY)["asthma_plan_pct"] == 100


def test_a_month_end_without_a_snapshot_uses_the_current_values(hub, moved):
    _mover, asthma_segment = moved
    august = _figures(hub, datetime.date(2026, 8, 31))
    assert august["segment_1_children"] == 0
    assert august[f"segment_{asthma_segment}_children"] == 2
    assert august["asthma_register"] == 2


def test_a_child_the_snapshot_missed_is_counted_with_their_current_values(hub, practice, moved):
    """Registered from before the month end, but imported after it was kept."""
    _mover, asthma_segment = moved
    late = _child(practice, conditions=[ASTHMA])
    resegment_children(child_ids=[late.pk])
    then = _figures(hub, MONTH_END)
    assert then["children_registered"] == 3
    assert then["asthma_register"] == 2
    assert then["segment_1_children"] == 1
    assert then[f"segment_{asthma_segment}_children"] == 2


def test_a_snapshot_kept_for_today_is_not_used_while_today_goes_on(hub, moved):
    mover, _asthma_segment = moved
    take_month_end_snapshot(TODAY)
    _change(mover, conditions=[])
    assert _figures(hub, TODAY)["asthma_register"] == 1


def test_registration_and_age_stay_counted_as_at_the_end_of_the_period(hub, practice, moved):
    """The snapshot does not decide who is counted: a child who left after the month end
    still counts then, one who turned 18 on the month end does not."""
    leaver = _child(practice)
    adult = _child(practice, date_of_birth=datetime.date(2008, 9, 30))
    resegment_children()
    take_month_end_snapshot(MONTH_END)
    Child.objects.filter(pk=leaver.pk).update(deregistered_on=datetime.date(2026, 10, 2))
    assert SegmentSnapshot.objects.filter(child=adult, month_end=MONTH_END).exists()
    assert _figures(hub, MONTH_END)["children_registered"] == 3
    assert _figures(hub, TODAY)["children_registered"] == 2


def test_the_population_is_three_queries_with_or_without_snapshots(
    hub, other_hub, moved, django_assert_num_queries
):
    for date_to in (MONTH_END, TODAY):
        for by in (None, "hub"):
            with django_assert_num_queries(3):
                population_measures([hub.pk, other_hub.pk], MONTH_END, date_to, by=by, now=NOW)


def test_month_by_month_each_past_month_end_uses_its_snapshot(hub, moved):
    _mover, asthma_segment = moved
    months = population_measures([hub.pk], datetime.date(2026, 9, 1), TODAY, by="month", now=NOW)
    september, october = months[datetime.date(2026, 9, 1)], months[datetime.date(2026, 10, 1)]
    assert september == _figures(hub, MONTH_END)
    assert october == _figures(hub, TODAY)
    assert (september["segment_1_children"], october["segment_1_children"]) == (1, 0)
    assert september[f"segment_{asthma_segment}_children"] == 1
    assert october[f"segment_{asthma_segment}_children"] == 2
