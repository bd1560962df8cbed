"""The advice line's response clock: the one place that says when a request is due.

A hub's response target (``Hub.response_target``) is counted in ``Hub.response_target_unit``:

- clock hours: every hour counts, nights and weekends included;
- working days: only working time counts. A working day is Monday to Friday, except bank
  holidays in England (the ``holidays`` package), from ``WORKDAY_START`` to ``WORKDAY_END``
  Europe/London time. A request received out of hours starts the clock at the next working
  day's start, and one working day is ``WORKDAY_END - WORKDAY_START`` of working time, so a
  request received at 15:00 on a Friday with a one-working-day target is due at 15:00 on the
  next working Monday, and one received on Saturday is due at 17:00 on Monday.

While the hub waits for the GP's further information the clock can be paused (hub setting,
advice.models.AdviceLineSettings): paused time, counted in the same unit, moves the due time
later. The queue, the reminder sweep and the evaluation measures all use these functions.
"""

import datetime
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Value

from hubs.models import TargetUnit

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
WORKDAY_START = datetime.time(9, 0)
WORKDAY_END = datetime.time(17, 0)
WORKDAY_SECONDS = (
    datetime.datetime.combine(datetime.date.min, WORKDAY_END)
    - datetime.datetime.combine(datetime.date.min, WORKDAY_START)
).seconds


@cache
def _england_holidays():
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day):
    return day.weekday() < 5 and day not in _england_holidays()


def _at(day, clock_time):
    return datetime.datetime.combine(day, clock_time, tzinfo=LONDON)


def _next_working_day(day):
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def working_start(moment):
    """The first working instant at or after ``moment`` (London time)."""
    local = moment.astimezone(LONDON)
    day = local.date()
    if is_working_day(day):
        if local.time() < WORKDAY_START:
            return _at(day, WORKDAY_START)
        if local.time() < WORKDAY_END:
            return local
    return _at(_next_working_day(day), WORKDAY_START)


def working_seconds_between(start, end):
    """Working seconds in [start, end); 0 when end is not after start."""
    if end <= start:
        return 0
    start, end = start.astimezone(LONDON), end.astimezone(LONDON)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            lo = max(start, _at(day, WORKDAY_START))
            hi = min(end, _at(day, WORKDAY_END))
            if hi > lo:
                total += (hi.astimezone(UTC) - lo.astimezone(UTC)).total_seconds()
        day += datetime.timedelta(days=1)
    return total


def add_working_seconds(start, seconds):
    """The earliest instant by which ``seconds`` of working time have passed since ``start``."""
    current = working_start(start)
    remaining = seconds
    while True:
        # Working hours never span a clock change, so wall-clock arithmetic is exact here.
        available = (_at(current.date(), WORKDAY_END) - current).total_seconds()
        if remaining <= available:
            return current + datetime.timedelta(seconds=remaining)
        remaining -= available
        current = _at(_next_working_day(current.date()), WORKDAY_START)


def _working_days(hub):
    return hub.response_target_unit == TargetUnit.WORKING_DAYS


def target_seconds(hub):
    """The hub's response target in clock seconds of its own unit."""
    per_unit = WORKDAY_SECONDS if _working_days(hub) else 3600
    return hub.response_target * per_unit


def elapsed_seconds(hub, start, end):
    """Seconds of the hub's clock between two instants (working time for working days)."""
    if _working_days(hub):
        return working_seconds_between(start, end)
    return max(0.0, (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())


def advance(hub, start, seconds):
    """The instant at which ``seconds`` of the hub's clock have passed since ``start``."""
    if _working_days(hub):
        return add_working_seconds(start, seconds)
    return start.astimezone(UTC) + datetime.timedelta(seconds=seconds)


def due_at(hub, received_at, paused_seconds=0):
    """When a request received at ``received_at`` must have its first answer."""
    return advance(hub, received_at, target_seconds(hub) + paused_seconds)


def clock_hours_due_at(received="received_at", paused="paused_seconds", hub="hub"):
    """``due_at`` as an SQL expression over advice requests, for hubs counting clock hours
    (working-day hubs need ``due_at``): receipt + the target's hours + the paused seconds."""
    hour = Value(datetime.timedelta(hours=1), output_field=DurationField())
    second = Value(datetime.timedelta(seconds=1), output_field=DurationField())
    allowed = ExpressionWrapper(
        F(f"{hub}__response_target") * hour + F(paused) * second, output_field=DurationField()
    )
    return ExpressionWrapper(F(received) + allowed, output_field=DateTimeField())


def elapsed_fraction(hub, received_at, now, paused_seconds=0, paused_since=None):
    """How much of the target has been used: 0.75 is three quarters, above 1 is overdue."""
    used = elapsed_seconds(hub, received_at, now) - paused_seconds
    if paused_since is not None:
        used -= elapsed_seconds(hub, paused_since, now)
    target = target_seconds(hub)
    if target == 0:
        return 1.0
    return max(0.0, used) / target


def request_due_at(advice_request):
    """The request's due time, or None while its clock is paused."""
    if advice_request.paused_since is not None:
        return None
    return due_at(advice_request.hub, advice_request.received_at, advice_request.paused_seconds)


def request_fraction(advice_request, now):
    return elapsed_fraction(
        advice_request.hub,
        advice_request.received_at,
        now,
        advice_request.paused_seconds,
        advice_request.paused_since,
    )


def within_target(hub, received_at, first_response_at, paused_seconds=0):
    """Did the first answer come no later than the target? (None if there is no answer.)"""
    if first_response_at is None:
        return None
    return first_response_at <= due_at(hub, received_at, paused_seconds)


def describe_target(hub):
    unit = "working day" if _working_days(hub) else "hour"
    plural = "" if hub.response_target == 1 else "s"
    return f"{hub.response_target} {unit}{plural}"
