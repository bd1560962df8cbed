"""The statistics library against published worked examples and hand-built series."""

import math

import pytest

from cc4c import stats

# Newcombe 1998a (Stat Med 17:857), Table I, method 3: Wilson's score interval.
WILSON = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
]
# Newcombe 1998b (Stat Med 17:873), Table II, method 10: the hybrid score interval.
DIFFERENCES = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0)),
    ((10, 10, 0, 10), (0.6075, 1.0)),
]


@pytest.mark.parametrize(("counts", "expected"), WILSON)
def test_wilson_interval_matches_newcombe(counts, expected):
    low, high = stats.wilson(*counts)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_interval_of_nothing_is_none_and_of_everything_reaches_one():
    assert stats.wilson(0, 0) is None
    assert stats.wilson(20, 20)[1] == 1.0
    assert stats.wilson(0, 20)[0] == 0.0
    with pytest.raises(ValueError):
        stats.wilson(3, 2)


@pytest.mark.parametrize(("counts", "expected"), DIFFERENCES)
def test_difference_of_proportions_matches_newcombe(counts, expected):
    low, high = stats.proportion_difference(*counts)
    assert (round(low, 4), round(high, 4)) == expected


def test_difference_of_proportions_without_trials_is_none():
    assert stats.proportion_difference(0, 0, 3, 10) is None
    assert stats.proportion_difference(3, 10, 0, 0) is None


def _score(events1, exposure1, events2, exposure2, ratio):
    """The score statistic of the rate ratio ``ratio``: its square is z² at the bounds."""
    n = events1 + events2
    share = ratio * exposure1 / (ratio * exposure1 + exposure2)
    return (events1 - n * share) / math.sqrt(n * share * (1 - share))


@pytest.mark.parametrize("counts", [(30, 1000, 15, 1000), (61, 1200, 100, 1000), (0, 50, 4, 60)])
def test_rate_ratio_bounds_are_where_the_score_statistic_reaches_z(counts):
    low, high = stats.rate_ratio(*counts)
    estimate = (counts[0] / counts[1]) / (counts[2] / counts[3])
    assert low <= estimate <= high
    assert _score(*counts, high) == pytest.approx(-stats.Z95)
    if counts[0]:
        assert _score(*counts, low) == pytest.approx(stats.Z95)
    else:
        assert low == 0


def test_rate_ratio_without_a_second_rate_is_none_and_unbounded_when_it_has_no_events():
    assert stats.rate_ratio(3, 100, 0, 100) is None
    assert stats.rate_ratio(3, 0, 2, 100) is None
    assert stats.rate_ratio(3, 100, 2, 0) is None


def test_difference_of_two_intervals_is_wider_than_either_and_holds_the_difference():
    low, high = stats.difference(0.8, (0.7, 0.9), 0.5, (0.3, 0.6))
    assert low == pytest.approx(0.3 - math.sqrt(0.1**2 + 0.1**2))
    assert high == pytest.approx(0.3 + math.sqrt(0.1**2 + 0.2**2))
    assert stats.difference(0.8, None, 0.5, (0.3, 0.6)) is None
    assert stats.difference(0.8, (0.7, math.inf), 0.5, (0.3, 0.6)) is None


# XmR charts and the Making Data Count rules -----------------------------------------------------

ALTERNATING = [10, 12] * 5  # a steady process: mean 11, every moving range 2


def flags(chart, rule):
    return [i for i, point in enumerate(chart.points) if getattr(point, rule)]


def test_xmr_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    values = [*ALTERNATING, 10, 12]
    chart = stats.xmr(values)
    assert chart.limits and chart.counted == 12
    assert chart.centre == pytest.approx(11)
    assert chart.moving_range == pytest.approx(2)
    assert chart.upper == pytest.approx(11 + 2.66 * 2)
    assert chart.lower == pytest.approx(11 - 2.66 * 2)
    assert chart.near_upper == pytest.approx(11 + 2.66 * 2 * 2 / 3)
    assert not any(point.special for point in chart.points)
    assert {point.variation for point in chart.points} == {stats.COMMON}


def test_fewer_than_twelve_points_give_a_run_chart_around_the_median_without_limits():
    chart = stats.xmr([3, 1, 2, 50, 4, 5, 6, 7, 8, 9, 10])
    assert not chart.limits
    assert chart.centre == 6
    assert chart.upper is None and chart.lower is None
    assert not any(point.special for point in chart.points)


def test_a_chart_of_nothing_has_no_centre():
    chart = stats.xmr([None, None])
    assert chart.centre is None and chart.counted == 0 and chart.latest is None


def test_months_without_a_figure_are_left_out_of_the_mean_and_the_moving_ranges():
    chart = stats.xmr([10, None, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12])
    assert chart.counted == 12
    assert chart.moving_range == pytest.approx(2)
    assert chart.points[1].value is None and not chart.points[1].special
    assert chart.latest is chart.points[-1]


def test_a_point_outside_the_limits_is_special_cause():
    chart = stats.xmr([*ALTERNATING, 10, 30])  # mean 12.5, moving range 40 / 11
    assert chart.upper == pytest.approx(12.5 + 2.66 * 40 / 11)
    assert flags(chart, "outside") == [11]


def test_a_run_of_exactly_seven_above_the_mean_is_a_shift():
    chart = stats.xmr([4, 6, 4, 6, 4, 8, 10, 8, 10, 8, 10, 8])  # mean 7.17
    assert flags(chart, "shift") == [5, 6, 7, 8, 9, 10, 11]
    assert flags(chart, "outside") == [] and flags(chart, "trend") == []


def test_a_run_of_six_on_one_side_is_not_a_shift():
    chart = stats.xmr([4, 6, 4, 6, 4, 6, 8, 10, 8, 10, 8, 10])  # mean 7
    assert chart.centre == pytest.approx(7)
    assert flags(chart, "shift") == []
    assert not any(point.special for point in chart.points)


def test_a_point_on_the_mean_breaks_a_run():
    # Seven points above the mean 7 but for the one exactly on it.
    chart = stats.xmr([3, 6, 4, 6, 4, 8, 10, 7, 10, 8, 10, 8])
    assert chart.centre == pytest.approx(7)
    assert flags(chart, "shift") == []


def test_six_points_each_higher_than_the_one_before_are_a_trend():
    chart = stats.xmr([10, 11, 10, 11, 10, 11, 8, 9, 10, 11, 12, 13])  # mean 10.5
    assert flags(chart, "trend") == [6, 7, 8, 9, 10, 11]
    assert flags(chart, "outside") == flags(chart, "shift") == flags(chart, "two_of_three") == []
    assert {chart.points[i].direction for i in flags(chart, "trend")} == {1}


def test_five_rising_points_are_not_a_trend_and_a_repeated_value_breaks_one():
    assert flags(stats.xmr([10, 11, 10, 11, 10, 11, 10, 8, 9, 10, 11, 12]), "trend") == []
    assert flags(stats.xmr([10, 11, 10, 11, 10, 11, 8, 9, 10, 10, 11, 12, 13]), "trend") == []


def test_six_falling_points_are_a_trend_too():
    chart = stats.xmr([10, 11, 10, 11, 10, 11, 13, 12, 11, 10, 9, 8])
    assert flags(chart, "trend") == [6, 7, 8, 9, 10, 11]
    assert {chart.points[i].direction for i in flags(chart, "trend")} == {-1}


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit():
    chart = stats.xmr([10, 12, 10, 12, 10, 12, 10, 12, 10, 17, 17, 11])
    assert chart.near_upper < 17 < chart.upper
    assert flags(chart, "two_of_three") == [9, 10]
    assert flags(chart, "outside") == []


def test_one_of_three_beyond_two_thirds_is_not_special():
    chart = stats.xmr([10, 12, 10, 12, 10, 12, 10, 12, 10, 17, 12, 11])
    assert chart.near_upper < 17 < chart.upper
    assert flags(chart, "two_of_three") == []


def test_special_cause_is_improvement_or_concern_by_the_direction_of_good():
    values = [4, 6, 4, 6, 4, 8, 10, 8, 10, 8, 10, 8]  # a shift upwards
    higher_is_better = stats.xmr(values, better=1)
    lower_is_better = stats.xmr(values, better=-1)
    no_direction = stats.xmr(values)
    assert higher_is_better.latest.variation == stats.IMPROVEMENT
    assert lower_is_better.latest.variation == stats.CONCERN
    assert no_direction.latest.variation == stats.NEITHER
    assert higher_is_better.points[0].variation == stats.COMMON
