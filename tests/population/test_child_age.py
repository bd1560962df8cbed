"""A child's age as the pickers show it: weeks, then months under two, then years."""

import datetime

import pytest

from population.models import Child

ON = datetime.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("born", "shown"),
    [
        (datetime.date(2026, 3, 10), "0 weeks"),
        (datetime.date(2026, 3, 3), "1 week"),
        (datetime.date(2026, 2, 11), "3 weeks"),
        (datetime.date(2026, 2, 10), "1 month"),
        (datetime.date(2025, 7, 11), "7 months"),
        (datetime.date(2024, 3, 11), "23 months"),
        (datetime.date(2024, 3, 10), "2 years"),
        (datetime.date(2015, 3, 11), "10 years"),
    ],
)
def test_age_text_reads_as_a_clinician_says_it(born, shown):
    assert Child(date_of_birth=born).age_text(ON) == shown
