"""Report periods: whole days in Europe/London, whole months for hospital activity."""

import datetime
from dataclasses import dataclass

# The month arithmetic lives with the by-month breakdown every app's metrics share.
from cc4c.breakdown import (
    add_months,
    clipped_months,
    first_of_month,
    last_of_month,
    months_touching,
)

__all__ = [
    "Period",
    "add_months",
    "clipped_months",
    "default_baseline",
    "financial_year_of",
    "first_of_month",
    "last_of_month",
    "months_touching",
    "whole_months",
]


def whole_months(date_from, date_to):
    """First days of the calendar months lying wholly inside [date_from, date_to]."""
    month = first_of_month(date_from)
    if month < date_from:
        month = add_months(month, 1)
    months = []
    while last_of_month(month) <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def default_baseline(date_from, date_to):
    """The same number of whole months immediately before the period."""
    count = max(len(whole_months(date_from, date_to)), 1)
    end = first_of_month(date_from) - datetime.timedelta(days=1)
    start = add_months(first_of_month(end), -(count - 1))
    return start, end


def financial_year_of(day):
    """The year an April-to-March financial year starts in."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date
    baseline_from: datetime.date
    baseline_to: datetime.date

    @classmethod
    def of(cls, date_from, date_to, baseline_from=None, baseline_to=None):
        if date_to < date_from:
            raise ValueError("The period ends before it starts.")
        if (baseline_from is None) != (baseline_to is None):
            raise ValueError("Give both ends of the baseline, or neither.")
        if baseline_from is None:
            baseline_from, baseline_to = default_baseline(date_from, date_to)
        elif baseline_to < baseline_from:
            raise ValueError("The baseline ends before it starts.")
        return cls(date_from, date_to, baseline_from, baseline_to)
