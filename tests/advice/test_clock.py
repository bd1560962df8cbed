"""The response clock: clock hours, working days around weekends and bank holidays, pauses."""

import datetime

import pytest

from advice import clock
from hubs.models import Hub, TargetUnit

L = clock.LONDON


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=L)


def hub(target=24, unit=TargetUnit.HOURS):
    return Hub(code="CLK", name="Clock", response_target=target, response_target_unit=unit)


WD1 = hub(1, TargetUnit.WORKING_DAYS)


def test_clock_hours_count_nights_and_weekends():
    assert clock.due_at(hub(24), at(2025, 3, 7, 15)) == at(2025, 3, 8, 15)


def test_clock_hours_are_real_hours_across_the_clock_change():
    # 30 March 2025: the clocks go forward at 01:00, so 24 real hours end at 01:00 wall time +1.
    assert clock.due_at(hub(24), at(2025, 3, 29, 12)) == at(2025, 3, 30, 13)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2025, 3, 4, 10), at(2025, 3, 5, 10)),  # Tuesday in hours: Wednesday same time
        (at(2025, 3, 7, 15), at(2025, 3, 10, 15)),  # Friday afternoon: Monday afternoon
        (at(2025, 3, 8, 11), at(2025, 3, 10, 17)),  # Saturday: clock starts Monday 09:00
        (at(2025, 3, 4, 7, 30), at(2025, 3, 4, 17)),  # before hours: that day's working day
        (at(2025, 3, 4, 18), at(2025, 3, 5, 17)),  # after hours: starts next morning
        (at(2025, 4, 17, 10), at(2025, 4, 22, 10)),  # Maundy Thursday: Easter skipped
        (at(2025, 12, 24, 16), at(2025, 12, 29, 16)),  # Christmas Eve: 25, 26 and weekend
        (at(2025, 5, 2, 17), at(2025, 5, 6, 17)),  # Friday 17:00, May Day Monday skipped
    ],
)
def test_one_working_day_skips_weekends_bank_holidays_and_out_of_hours(received, due):
    assert clock.due_at(WD1, received) == due


def test_two_working_days_from_friday_lunchtime_end_on_tuesday():
    assert clock.due_at(hub(2, TargetUnit.WORKING_DAYS), at(2025, 3, 7, 12)) == at(2025, 3, 11, 12)


def test_paused_time_moves_the_due_time_later_in_the_hubs_unit():
    three_working_hours = 3 * 3600
    assert clock.due_at(WD1, at(2025, 3, 7, 15), three_working_hours) == at(2025, 3, 11, 10)
    assert clock.due_at(hub(24), at(2025, 3, 7, 15), 3600) == at(2025, 3, 8, 16)


def test_elapsed_fraction_counts_only_working_time():
    received = at(2025, 3, 7, 15)  # Friday 15:00, due Monday 15:00
    assert clock.elapsed_fraction(WD1, received, at(2025, 3, 8, 12)) == 0.25  # 2 h of 8
    assert clock.elapsed_fraction(WD1, received, at(2025, 3, 10, 13)) == 0.75
    assert clock.elapsed_fraction(WD1, received, at(2025, 3, 10, 17)) == 1.25


def test_a_running_pause_stops_the_fraction_growing():
    received = at(2025, 3, 4, 9)
    paused = at(2025, 3, 4, 15)
    fraction = clock.elapsed_fraction(hub(24), received, at(2025, 3, 5, 9), 0, paused)
    assert fraction == 0.25


def test_working_seconds_between_spans_a_weekend():
    assert clock.working_seconds_between(at(2025, 3, 7, 16), at(2025, 3, 10, 10)) == 2 * 3600
