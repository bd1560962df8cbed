"""The access matrix: every URL that shows or changes patient data, tried by everyone who must
not reach another hub's records (docs/access.md, "How this is tested").

Each app declares its URLs in ``tests/<app>/access_cases.py`` as ``URLS = [...]`` of
``PatientData`` (a case) or ``NoPatientData`` (a reason). ``tests/test_access_matrix.py`` fails
for any URL pattern of the project that is declared nowhere.

Every URL also has the action of ``hubs.access.ACTIONS`` that lets a person open it: the one its
view's ``requires(...)`` guard names, or ``action=`` in its case when the view checks it on a
record. The matrix then tries the URL with each role of the record's own hub that the action
leaves out, and expects 404 (the one refusal policy of hubs/access.py). A page for everyone (the
public feedback form, health checks, one's own home page) says ``everyone=True``.

The same module may declare ``ADMIN = {Model or "app_label.model": builder}``: ``builder(world)``
makes one row of that model belonging to hub B, for the admin matrix
(``tests/hubs/test_admin_scoping.py``), which fails for a registered model admin with none.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from hubs.access import roles_for_action
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

    def left_out_by(self, action):
        """(label, person) for each role of hub B that ``action`` does not allow."""
        allowed = roles_for_action(action)
        for role, person in self.people_b.items():
            if role not in allowed:
                yield f"{role} of the same hub", person


@dataclass(frozen=True)
class PatientData:
    """A URL that shows or changes patient data.

    ``build(world)`` makes the hub-B record the URL names and returns the kwargs to reverse it.
    ``scoped_list`` marks a page with no record in its URL (e.g. "my cases"): intruders may
    get 200 there, but never see hub B's children in it. ``action``: see the module's docstring.
    """

    name: str
    build: Callable[[World], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[World], dict] | None = None
    scoped_list: bool = False
    action: str | None = None


@dataclass(frozen=True)
class NoPatientData:
    """A URL that shows no patient data, and why; ``build`` and ``action`` as for PatientData
    (``build`` is needed when the URL names a record)."""

    name: str
    reason: str
    action: str | None = None
    build: Callable[[World], dict] = lambda world: {}
    everyone: bool = False


def make_world():
    """Two hubs, a practice and a child in each, and a person in every role of each hub."""
    from tests.factories import ChildFactory, HubFactory, PracticeFactory, member

    hub_a, hub_b = HubFactory(code="MATRIX-A"), HubFactory(code="MATRIX-B")
    practice_a, practice_b = PracticeFactory(hub=hub_a), PracticeFactory(hub=hub_b)
    people_a = {role: member(role, hub_a, is_staff=role == Role.COORDINATOR) for role in Role}
    people_b = {role: member(role, hub_b, is_staff=role == Role.COORDINATOR) for role in Role}
    return World(
        hub_a=hub_a,
        hub_b=hub_b,
        practice_a=practice_a,
        practice_b=practice_b,
        child_a=ChildFactory(practice=practice_a, given_name="Alphaonly", family_name="Hubachild"),
        child_b=ChildFactory(practice=practice_b, given_name="Betaonly", family_name="Hubbchild"),
        people_a=people_a,
        people_b=people_b,
    )


def child_identifiers(child):
    """What must never appear in a page an intruder gets: the child's number and names."""
    return [child.nhs_number, child.formatted_nhs_number, child.given_name, child.family_name]


def access_case_modules():
    """Every ``tests/<app>/access_cases.py``."""
    import tests

    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            yield importlib.import_module(f"tests.{module_info.name}.access_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{module_info.name}.access_cases":
                raise


def declared_admin_builders():
    """{model class: builder} from every access_cases.ADMIN."""
    from django.apps import apps

    builders = {}
    for module in access_case_modules():
        for key, builder in getattr(module, "ADMIN", {}).items():
            model = apps.get_model(key) if isinstance(key, str) else key
            assert model not in builders, f"{model._meta.label} has two admin builders"
            builders[model] = builder
    return builders
