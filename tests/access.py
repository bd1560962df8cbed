"""The access matrix: every URL that shows or changes patient data, tried by everyone who must
not reach another hub's records (../shared/spec/access.md, "How this is tested").

Each app declares its URLs in ``tests/<app>/access_cases.py`` as ``URLS = [...]`` of
``PatientData`` (a case) or ``NoPatientData`` (a reason). ``tests/test_access_matrix.py`` fails
for any URL pattern of the project that is declared nowhere.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from hubs.models import Role


@dataclass
class World:
    """Two hubs. Hub B's records are the target; everyone in ``intruders`` must not reach them."""

    hub_a: object
    hub_b: object
    practice_a: object
    practice_b: object
    child_a: object
    child_b: object
    people_a: dict  # role -> person with that role in hub A
    people_b: dict  # role -> person with that role in hub B
    extra: dict = field(default_factory=dict)  # what builders made, for later builders

    def intruders(self):
        """(label, person or None) for every visitor who must get 404 or the sign-in page."""
        yield from ((f"{role} of another hub", p) for role, p in self.people_a.items())
        yield "commissioner of the same hub", self.people_b[Role.COMMISSIONER]
        yield "champion of the same hub", self.people_b[Role.CHAMPION]
        yield "no login", None


@dataclass(frozen=True)
class PatientData:
    """A URL that shows or changes patient data.

    ``build(world)`` makes the hub-B record the URL names and returns the kwargs to reverse it.
    ``scoped_list`` marks a page with no record in its URL (e.g. "my cases"): intruders may
    get 200 there, but never see hub B's children in it.
    """

    name: str
    build: Callable[[World], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[World], dict] | None = None
    scoped_list: bool = False


@dataclass(frozen=True)
class NoPatientData:
    name: str
    reason: str
