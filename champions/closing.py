"""When a month of champions' activities closes for changes: once the month's report is built.

The evaluation (a higher floor) builds the monthly reports, so it tells this app through a hook
registered from its ``AppConfig.ready()``:

    def ready(self):
        from champions import closing
        from evaluation import queries

        closing.register(queries.months_reported)

A check is ``check(hub_id, months)`` -> the months (first days) among ``months`` that are closed
for that hub. With no check registered, no month is closed.
"""

from collections.abc import Callable

_checks: list[Callable] = []


def register(check):
    if check not in _checks:
        _checks.append(check)
    return check


def checks():
    return list(_checks)


def closed_months(hub_id, months):
    """The months (first days) among ``months`` that are closed for changes in the hub."""
    months = {m.replace(day=1) for m in months}
    closed = set()
    for check in _checks:
        closed |= set(check(hub_id, months))
    return closed


def is_closed(hub_id, day):
    return day.replace(day=1) in closed_months(hub_id, {day})
