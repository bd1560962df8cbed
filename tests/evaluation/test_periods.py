import datetime

import pytest

from evaluation.periods import Period, default_baseline, financial_year_of, whole_months

d = datetime.date


def test_whole_months_inside_a_period():
    assert whole_months(d(2025, 4, 1), d(2025, 6, 30)) == [
        d(2025, 4, 1),
        d(2025, 5, 1),
        d(2025, 6, 1),
    ]
    assert whole_months(d(2025, 4, 2), d(2025, 6, 29)) == [d(2025, 5, 1)]


def test_default_baseline_is_the_same_number_of_whole_months_just_before():
    assert default_baseline(d(2025, 4, 1), d(2026, 3, 31)) == (d(2024, 4, 1), d(2025, 3, 31))
    assert default_baseline(d(2025, 10, 1), d(2025, 10, 31)) == (d(2025, 9, 1), d(2025, 9, 30))


def test_financial_year_starts_in_april():
    assert financial_year_of(d(2026, 3, 31)) == 2025
    assert financial_year_of(d(2026, 4, 1)) == 2026


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        Period.of(d(2025, 5, 1), d(2025, 4, 1))


def test_half_a_baseline_is_refused():
    with pytest.raises(ValueError, match="both ends"):
        Period.of(d(2025, 4, 1), d(2025, 5, 1), baseline_from=d(2024, 1, 1))
