"""What is waiting for each person, for the home page: counts with links, given by each app.

The hook by which the lowest floor asks every app above it. An app gives a function

    def waiting_for(user):
        '''[Waiting(...), ...]: what this app has waiting for the person (their roles decide),
        each with a count and the link to the page that lists it.'''

and registers it from its ``AppConfig.ready()`` with a plain import:

    def ready(self):
        from hubs import waiting_registry
        from mdt import waiting as mdt_waiting

        waiting_registry.register(mdt_waiting.waiting_for)

The home page shows every app's items in INSTALLED_APPS order. A provider reads through the same
scoped queries as the page it links to, so the count is what that page lists, and takes a fixed
number of queries (one or two aggregates), however much is waiting.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiting:
    """One thing waiting for the person: "3 advice requests to answer (1 urgent)"."""

    label: str
    count: int
    url: str
    detail: str = ""
    # Something overdue or urgent among them: the home page marks it.
    pressing: bool = False


_providers: list[Callable] = []


def register(provider):
    """Add ``provider(user)`` to every home page, after those registered before."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def providers():
    return list(_providers)


def waiting_for(user):
    """Everything waiting for ``user``, app by app."""
    return [item for provider in providers() for item in provider(user)]
