"""Who may do what, for which hub: the one place that turns memberships into permissions.

Every scoped query (``visible_to(user)``) and every permission check in views, services and
templates goes through these functions (docs/access.md).

One refusal policy: whatever these rules refuse answers 404, as if the page or record did not
exist ("out of scope looks like absent"). ``requires(action)`` guards a view (the person may do
``action`` in none of their hubs: 404); ``require(user, action, hub)`` checks one hub, in a view
or a service, and raises ``NotAllowed``: uncaught in a view it is a 404, caught by a view as any
``ServiceError`` its message is shown. A record is always fetched through its ``visible_to``
first, so a record of another hub is a 404 before any action is checked. 403 stays Django's own
(a failed CSRF check, the admin site's model permissions).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from cc4c.errors import ServiceError
from hubs.models import Hub, Membership, Person, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse

    User = Person | AnonymousUser
else:
    User = Any

HubRef = Hub | int

# Roles that may see the records of the children registered at a hub's practices.
CHILD_RECORD_ROLES = frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR})
# Roles that reach child data in some form, and so must sign in with a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.GP, Role.PAEDIATRICIAN, Role.MDT_MEMBER, Role.COORDINATOR})
# Roles a hub may require to sign in with NHS CIS2 (Hub.cis2_required_for_clinical).
CLINICAL_ROLES = frozenset({Role.GP, Role.PAEDIATRICIAN})

ACTIONS: dict[str, frozenset[str]] = {
    "child.view": CHILD_RECORD_ROLES,
    "child.export": CHILD_RECORD_ROLES,
    "population.view": CHILD_RECORD_ROLES,
    "worklist.update": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "mdt.view": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR, Role.MDT_MEMBER}),
    # Every meeting and case of the hub; mdt_member sees only meetings they are invited to.
    "mdt.view_hub": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR}),
    "mdt.put_forward": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.MDT_MEMBER}),
    # Adding a case to an agenda: those who put cases forward, and coordinators adding one for
    # its referrer. An MDT member finds only the children on agendas they are invited to
    # (mdt.queries.put_forward_children).
    "mdt.add_case": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.MDT_MEMBER, Role.COORDINATOR}),
    "mdt.chair": frozenset({Role.PAEDIATRICIAN}),
    "mdt.manage": frozenset({Role.COORDINATOR, Role.PAEDIATRICIAN}),
    "advice.ask": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "advice.answer": frozenset({Role.PAEDIATRICIAN}),
    "advice.view": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR}),
    "clinic.view": CHILD_RECORD_ROLES,
    "clinic.refer": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "clinic.book": frozenset({Role.COORDINATOR, Role.PAEDIATRICIAN}),
    "clinic.run": frozenset({Role.PAEDIATRICIAN}),
    # Named among an outreach clinic session's clinicians.
    "clinic.staff": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "hub.manage": frozenset({Role.COORDINATOR}),
    "audit.view": frozenset({Role.COORDINATOR}),
    "champions.view": frozenset({Role.COORDINATOR, Role.GP, Role.PAEDIATRICIAN}),
    "champions.self": frozenset({Role.CHAMPION}),
    "report.view": frozenset({Role.COORDINATOR, Role.COMMISSIONER, Role.PAEDIATRICIAN}),
    "report.identifiable": frozenset({Role.COORDINATOR}),
    # The learning library (no child data, every hub's lessons) and one's own CPD record.
    "learning.view": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.MDT_MEMBER, Role.COORDINATOR}),
    # Family answers and meeting ratings: aggregate figures and approved comments only.
    "feedback.view": frozenset({Role.COORDINATOR, Role.PAEDIATRICIAN}),
    "feedback.moderate": frozenset({Role.COORDINATOR}),
    # A child's carers and contacts (families/), and the messages sent to them through Notify.
    "family.contacts": CHILD_RECORD_ROLES,
    "family.messages": frozenset({Role.COORDINATOR}),
    # Letters to GP practices: opening one, and the coordinator's list of letters not sent.
    "letters.view": CHILD_RECORD_ROLES,
    "letters.manage": frozenset({Role.COORDINATOR}),
}

_CACHE_ATTR = "_cc4c_roles_by_hub"
_CODES_ATTR = "_cc4c_hub_codes"
_WITHHELD_ATTR = "_cc4c_hubs_withheld"
_SIGN_IN_ATTR = "_cc4c_sign_in_method"


def roles_by_hub(user: User) -> dict[int, set[str]]:
    """{hub_id: {role, ...}} for the user's active memberships; one query, kept for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    result: dict[int, set[str]] = {}
    if user.is_superuser:
        # The operator sets hubs up; they act as a coordinator everywhere, audited like anyone.
        for hub_id in Hub.objects.values_list("id", flat=True):
            result[hub_id] = {Role.COORDINATOR}
    codes: dict[int, str] = {}
    withheld: set[int] = set()
    # A request's person who signed in some other way than CIS2 (hubs/signin.py) does not get
    # clinical roles in hubs that require CIS2 for them; outside a request nothing is withheld.
    without_cis2 = getattr(user, _SIGN_IN_ATTR, "cis2") != "cis2"
    for hub_id, role, code, cis2_required in (
        Membership.objects.active()
        .filter(person=user)
        .values_list("hub_id", "role", "hub__code", "hub__cis2_required_for_clinical")
    ):
        codes[hub_id] = code
        if without_cis2 and cis2_required and role in CLINICAL_ROLES:
            withheld.add(hub_id)
            continue
        result.setdefault(hub_id, set()).add(role)
    setattr(user, _CACHE_ATTR, result)
    setattr(user, _CODES_ATTR, codes)
    setattr(user, _WITHHELD_ATTR, withheld)
    return result


def note_sign_in(user: User, method: str) -> None:
    """Say how the request's person signed in ("cis2", "password"...), before roles are read."""
    forget(user)
    setattr(user, _SIGN_IN_ATTR, method)


def hubs_withheld_without_cis2(user: User) -> list[Hub]:
    """Hubs whose clinical roles this person holds but gets only by signing in with CIS2."""
    roles_by_hub(user)
    return list(Hub.objects.filter(id__in=getattr(user, _WITHHELD_ATTR, ())).order_by("name"))


def membership_hub_codes(user: User) -> list[str]:
    """Codes of the hubs the user works in (by membership), for the page header."""
    roles_by_hub(user)
    return sorted(getattr(user, _CODES_ATTR, {}).values())


def kept_roles(user: User) -> dict[str, list[Any]] | None:
    """What roles_by_hub read for the person, for their session to keep between requests
    (hubs.signin, which says when it is read again); None for the operator, whose roles are
    every hub's, read on every request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return None
    roles = roles_by_hub(user)
    return {
        "roles": [[hub_id, sorted(have)] for hub_id, have in sorted(roles.items())],
        "codes": sorted(getattr(user, _CODES_ATTR, {}).items()),
        "withheld": sorted(getattr(user, _WITHHELD_ATTR, ())),
    }


def restore_roles(user: User, kept: dict[str, list[Any]]) -> None:
    """Take the person's roles for this request from what kept_roles gave their session."""
    setattr(user, _CACHE_ATTR, {hub_id: set(have) for hub_id, have in kept["roles"]})
    setattr(user, _CODES_ATTR, {hub_id: code for hub_id, code in kept["codes"]})
    setattr(user, _WITHHELD_ATTR, set(kept["withheld"]))


def forget(user: User) -> None:
    """Drop what roles_by_hub kept, after the user's memberships change."""
    for attr in (_CACHE_ATTR, _CODES_ATTR, _WITHHELD_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_for_action(action: str) -> frozenset[str]:
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}; add it to hubs.access.ACTIONS") from None


def hub_ids(user: User, action: str) -> set[int]:
    """Ids of the hubs where the user may do ``action``."""
    allowed = roles_for_action(action)
    return {hub_id for hub_id, roles in roles_by_hub(user).items() if roles & allowed}


def hub_ids_with_role(user: User, *roles: str) -> set[int]:
    return {hub_id for hub_id, have in roles_by_hub(user).items() if have & set(roles)}


def _hub_id(hub: HubRef) -> int:
    return hub if isinstance(hub, int) else hub.pk


def can(user: User, action: str, hub: HubRef | None = None) -> bool:
    """May the user do ``action`` in ``hub`` (a Hub or its id), or in any hub when hub is None?"""
    ids = hub_ids(user, action)
    if hub is None:
        return bool(ids)
    return _hub_id(hub) in ids


def hubs_for(user: User, action: str) -> QuerySet[Hub]:
    return Hub.objects.filter(id__in=hub_ids(user, action))


def has_role(user: User, *roles: str) -> bool:
    return any(have & set(roles) for have in roles_by_hub(user).values())


def requires_mfa(user: User) -> bool:
    return user.is_superuser or has_role(user, *MFA_REQUIRED_ROLES)


def hub_filter(user: User, action: str, field: str = "hub") -> Q:
    """A Q object keeping rows whose ``field`` is a hub where the user may do ``action``."""
    return Q(**{f"{field}__in": hub_ids(user, action)})


# --- refusing ---------------------------------------------------------------------------------


class NotAllowed(ServiceError, Http404):
    """The access rules refuse the action. A view that lets it through answers 404 (the policy
    above); a view that catches ``ServiceError`` around a service shows the message instead."""


def require(user: User, action: str, hub: HubRef | None = None, message: str = "") -> None:
    """Raise ``NotAllowed`` unless the user may do ``action`` in ``hub`` (in any hub when None).

    ``message`` is what a service's caller shows; views that let the refusal through answer 404.
    """
    if not can(user, action, hub):
        raise NotAllowed(message or "No such page.")


_View = TypeVar("_View", bound=Callable[..., "HttpResponse"])


def requires(action: str) -> Callable[[_View], _View]:
    """A view for people who may do ``action`` in at least one of their hubs; 404 for others.

    The view keeps the action as ``access_action``: the access matrix tries the URL with every
    role of the hub that the action does not allow (tests/test_access_matrix.py).
    """
    roles_for_action(action)  # an unknown action fails when the module is imported

    def decorate(view: _View) -> _View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, action)
            return view(request, *args, **kwargs)

        guarded.access_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


# --- who is in a hub --------------------------------------------------------------------------


def people_in(
    hub: HubRef | Iterable[HubRef], action: str, *, on: datetime.date | None = None
) -> QuerySet[Person]:
    """Active people whose active membership (on ``on``, default today) in ``hub`` (one hub or
    several) has a role that may do ``action``: the one way to ask "the hub's paediatricians",
    "its coordinators", "who can be invited to its MDT"."""
    if isinstance(hub, Hub | int):
        in_hub = Q(hub_id=_hub_id(hub))
    else:
        in_hub = Q(hub_id__in=[_hub_id(h) for h in hub])
    memberships = Membership.objects.active(on).filter(in_hub, role__in=roles_for_action(action))
    return Person.objects.filter(is_active=True, pk__in=memberships.values("person_id"))


# --- rules about one object -------------------------------------------------------------------
# Arguments are the apps' own records (an MDT meeting, ...); these rules read only their fields,
# so this module imports no app above hubs.


class _Meeting(Protocol):
    hub_id: int
    chair_id: int | None

    @property
    def is_finished(self) -> bool: ...

    @property
    def attendances(self) -> Any: ...


def may_chair(person: User, meeting: _Meeting) -> bool:
    """The meeting's chair, or any paediatrician of its hub, runs it."""
    return can(person, "mdt.chair", meeting.hub_id) or (
        meeting.chair_id is not None
        and meeting.chair_id == person.pk
        and can(person, "mdt.view", meeting.hub_id)
    )


def may_rate(person: User, meeting: _Meeting) -> bool:
    """Attendees recorded as present at a finished meeting may rate it."""
    return bool(
        meeting.is_finished and meeting.attendances.filter(person=person, present=True).exists()
    )


def may_keep_record(person: User) -> bool:
    """Whoever works in a hub in a role with CPD may see their record; so may someone whose roles
    have all ended (a trainee who has moved on still needs the certificate for appraisal)."""
    if can(person, "learning.view"):
        return True
    if roles_by_hub(person) or not isinstance(person, Person):
        return False  # a current role without CPD (champion, commissioner), or no sign-in
    return Membership.objects.filter(person=person, role__in=ACTIONS["learning.view"]).exists()
