"""Rate-limit counters: every hit counted, even at the same moment; a new window starts at 1."""

import pytest

from cc4c import throttle
from cc4c.models import RateCount
from tests.faults.parallel import at_once

HOUR = 3600
START = 1_700_000_000 // HOUR * HOUR


@pytest.mark.django_db
def test_hits_count_up_within_a_window_and_start_again_in_the_next():
    assert [throttle.hit("s", "10.0.0.1", HOUR, START + n) for n in range(3)] == [1, 2, 3]
    assert throttle.hit("s", "10.0.0.2", HOUR, START + 5) == 1  # another address, its own count
    assert throttle.hit("other", "10.0.0.1", HOUR, START + 5) == 1  # another scope
    assert throttle.hit("s", "10.0.0.1", HOUR, START + HOUR) == 1


@pytest.mark.django_db
def test_the_table_holds_no_address_in_clear():
    throttle.hit("advice-mail:sender", "dr.busy@practice.example", HOUR, START)
    assert not RateCount.objects.filter(key__contains="practice.example").exists()


@pytest.mark.django_db(transaction=True)
def test_hits_at_the_same_moment_from_many_connections_are_all_counted():
    errors = at_once(*[lambda: throttle.hit("s", "10.0.0.9", HOUR, START + 1)] * 8)
    assert errors == []
    assert throttle.hit("s", "10.0.0.9", HOUR, START + 2) == 9


@pytest.mark.django_db
def test_counters_of_ended_windows_are_forgotten():
    throttle.hit("s", "old", HOUR, START)
    throttle.hit("s", "new", HOUR, START + 2 * HOUR)
    assert throttle.forget_ended(now=START + 2 * HOUR + 1) == 1
    assert RateCount.objects.count() == 1
