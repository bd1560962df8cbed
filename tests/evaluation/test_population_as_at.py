"""A report for a past period shows the segments and asthma register kept at its month end."""

import datetime

import pytest

from evaluation import compose
from evaluation.periods import Period
from population.models import Child
from population.segmentation import resegment_children, take_month_end_snapshot
from tests.evaluation.conftest import ASTHMA, _child

pytestmark = pytest.mark.django_db

MONTH_END = datetime.date(2026, 9, 30)
NOW = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=datetime.UTC)


def test_a_child_whose_segment_changed_after_the_month_end_counts_in_the_old_one_then(
    hub, practice
):
    child = _child(practice)
    resegment_children()
    take_month_end_snapshot(MONTH_END)
    Child.objects.filter(pk=child.pk).update(conditions=[ASTHMA])
    resegment_children()
    new_segment = Child.objects.get(pk=child.pk).segment
    assert new_segment != 1

    past = compose.compute([hub], Period.of(datetime.date(2026, 4, 1), MONTH_END), now=NOW)
    for values in (past["rows"][hub.code], past["rows"][compose.ALL]):
        assert values["segment_1_children"] == 1
        assert values[f"segment_{new_segment}_children"] == 0
        assert values["asthma_register"] == 0

    today = compose.compute([hub], Period.of(datetime.date(2026, 4, 1), NOW.date()), now=NOW)
    for values in (today["rows"][hub.code], today["rows"][compose.ALL]):
        assert values["segment_1_children"] == 0
        assert values[f"segment_{new_segment}_children"] == 1
        assert values["asthma_register"] == 1
