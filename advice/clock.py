"""The advice line's response clock: the one place that says when a request is due.

A hub's response target (``Hub.response_target``) is counted in ``Hub.response_target_unit``:

- clock hours: every hour counts, nights and weekends included;
- working days: only working time counts. A working day is Monday to Friday, except bank
  holidays in England (the ``holidays`` package), from ``WORKDAY_START`` to ``WORKDAY_END``
  Europe/London time. A request received out of hours starts the clock at the next working
  day's start, and one working day is ``WORKDAY_END - WORKDAY_START`` of working time, so a
  request received at 15:00 on a Friday with a one-working-day target is due at 15:00 on the
  next working Monday, and one received on Saturday is due at 17:00 on Monday.

An urgent request has its own, shorter target: ``AdviceLineSettings.urgent_target_hours``
hours (default 4), counted by the hub's own clock: working hours where the hub counts working
days (an urgent request received at 16:00 on a Friday with a 4-hour target is due at 12:00 on
Monday), every hour where it counts clock hours (the same request is due at 20:00 on Friday).
It is never longer than the hub's routine target, so an urgent request is never due after a
routine one received at the same moment. Each request is timed by its own target
(``target_for(hub, urgency)``, a ``Target``).

While the hub waits for the GP's further information the clock can be paused (hub setting,
advice.models.AdviceLineSettings): paused time, counted in the request's own clock, moves the
due time later. A follow-up question asked after the answer is due one target after it was
asked. The queue, the reminder sweep and the evaluation measures all use these functions.
"""

import datetime
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Value

from advice.models import AdviceLineSettings, Urgency
from hubs.models import TargetUnit

ROUTINE, URGENT = Urgency.ROUTINE, Urgency.URGENT

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


@dataclass(frozen=True)
class Target:
    """A request's response target: ``seconds`` of its own clock, which counts working time
    only when ``working``. Every due time, elapsed share and within-target answer comes from
    one of these."""

    seconds: int
    working: bool
    text: str

    def elapsed(self, start, end):
        """Seconds of this clock between two instants (working time for a working clock)."""
        if self.working:
            return working_seconds_between(start, end)
        return max(0.0, (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())

    def advance(self, start, seconds):
        """The instant at which ``seconds`` of this clock have passed since ``start``."""
        if self.working:
            return add_working_seconds(start, seconds)
        return start.astimezone(UTC) + datetime.timedelta(seconds=seconds)

    def due_at(self, received_at, paused_seconds=0):
        return self.advance(received_at, self.seconds + paused_seconds)

    def fraction(self, received_at, now, paused_seconds=0, paused_since=None):
        """How much of the target has been used: 0.75 is three quarters, above 1 is overdue."""
        used = self.elapsed(received_at, now) - paused_seconds
        if paused_since is not None:
            used -= self.elapsed(paused_since, now)
        if self.seconds == 0:
            return 1.0
        return max(0.0, used) / self.seconds


def _plural(n, unit):
    return f"{n} {unit}{'' if n == 1 else 's'}"


def hub_target(hub):
    """The hub's response target for routine requests, in its own unit."""
    if hub.response_target_unit == TargetUnit.WORKING_DAYS:
        text = _plural(hub.response_target, "working day")
        return Target(hub.response_target * WORKDAY_SECONDS, True, text)
    return Target(hub.response_target * 3600, False, _plural(hub.response_target, "hour"))


def urgent_target(hub):
    """The hub's shorter target for urgent requests (a hub setting, default 4 hours), on the
    hub's own clock and never longer than its routine target."""
    hours = AdviceLineSettings.for_hub(hub).urgent_target_hours
    routine = hub_target(hub)
    unit = "working hour" if routine.working else "hour"
    if hours * 3600 >= routine.seconds:
        return Target(routine.seconds, routine.working, routine.text)
    return Target(hours * 3600, routine.working, _plural(hours, unit))


def target_for(hub, urgency=ROUTINE):
    """The target of a request of ``urgency`` in ``hub``: each request is timed by its own."""
    return urgent_target(hub) if urgency == URGENT else hub_target(hub)


def request_target(advice_request):
    return target_for(advice_request.hub, advice_request.urgency)


def target_seconds(hub, urgency=ROUTINE):
    """The target in seconds of its own clock (working seconds for a working clock)."""
    return target_for(hub, urgency).seconds


def elapsed_seconds(hub, start, end, urgency=ROUTINE):
    """Seconds of the request's clock between two instants (working time where it counts)."""
    return target_for(hub, urgency).elapsed(start, end)


def advance(hub, start, seconds, urgency=ROUTINE):
    return target_for(hub, urgency).advance(start, seconds)


def due_at(hub, received_at, paused_seconds=0, urgency=ROUTINE):
    """When a request received at ``received_at`` must have its first answer."""
    return target_for(hub, urgency).due_at(received_at, paused_seconds)


def clock_hours_due_at(received="received_at", paused="paused_seconds", hub="hub"):
    """``due_at`` as an SQL expression over routine advice requests of hubs counting clock
    hours (working clocks need ``due_at``): receipt + the target's hours + the paused seconds."""
    hour = Value(datetime.timedelta(hours=1), output_field=DurationField())
    second = Value(datetime.timedelta(seconds=1), output_field=DurationField())
    allowed = ExpressionWrapper(
        F(f"{hub}__response_target") * hour + F(paused) * second, output_field=DurationField()
    )
    return ExpressionWrapper(F(received) + allowed, output_field=DateTimeField())


def elapsed_fraction(hub, received_at, now, paused_seconds=0, paused_since=None, urgency=ROUTINE):
    """How much of the target has been used: 0.75 is three quarters, above 1 is overdue."""
    return target_for(hub, urgency).fraction(received_at, now, paused_seconds, paused_since)


def request_due_at(advice_request):
    """The request's due time, or None while its clock is paused. A follow-up question the GP
    asked after the answer is due one target after it was asked."""
    target = request_target(advice_request)
    if advice_request.follow_up_since is not None:
        return target.due_at(advice_request.follow_up_since)
    if advice_request.paused_since is not None:
        return None
    return target.due_at(advice_request.received_at, advice_request.paused_seconds)


def request_fraction(advice_request, now):
    return request_target(advice_request).fraction(
        advice_request.received_at,
        now,
        advice_request.paused_seconds,
        advice_request.paused_since,
    )


def request_elapsed(advice_request, start, end):
    """Seconds of the request's own clock between two instants (for pausing it)."""
    return request_target(advice_request).elapsed(start, end)


def within_target(hub, received_at, first_response_at, paused_seconds=0, urgency=ROUTINE):
    """Did the first answer come no later than the target? (None if there is no answer.)"""
    if first_response_at is None:
        return None
    return first_response_at <= due_at(hub, received_at, paused_seconds, urgency)


def describe_target(hub, urgency=ROUTINE):
    return target_for(hub, urgency).text
