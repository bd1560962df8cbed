"""Who may do what, for which hub: the one place that turns memberships into permissions.

Every scoped query (``visible_to(user)``) and every permission check in views and templates
goes through these functions (access.md).
"""

from django.db.models import Q

from hubs.models import Hub, Membership, Role

# Roles that may see the records of the children registered at a hub's practices.
CHILD_RECORD_ROLES = frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR})
# Roles that reach child data in some form, and so must sign in with a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.GP, Role.PAEDIATRICIAN, Role.MDT_MEMBER, Role.COORDINATOR})

ACTIONS = {
    "child.view": CHILD_RECORD_ROLES,
    "child.export": CHILD_RECORD_ROLES,
    "population.view": CHILD_RECORD_ROLES,
    "worklist.update": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "mdt.view": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR, Role.MDT_MEMBER}),
    # Every meeting and case of the hub; mdt_member sees only meetings they are invited to.
    "mdt.view_hub": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR}),
    "mdt.put_forward": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.MDT_MEMBER}),
    "mdt.chair": frozenset({Role.PAEDIATRICIAN}),
    "mdt.manage": frozenset({Role.COORDINATOR, Role.PAEDIATRICIAN}),
    "advice.ask": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "advice.answer": frozenset({Role.PAEDIATRICIAN}),
    "advice.view": frozenset({Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR}),
    "clinic.view": CHILD_RECORD_ROLES,
    "clinic.refer": frozenset({Role.GP, Role.PAEDIATRICIAN}),
    "clinic.book": frozenset({Role.COORDINATOR, Role.PAEDIATRICIAN}),
    "clinic.run": frozenset({Role.PAEDIATRICIAN}),
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
}

_CACHE_ATTR = "_cc4c_roles_by_hub"
_CODES_ATTR = "_cc4c_hub_codes"


def roles_by_hub(user):
    """{hub_id: {role, ...}} for the user's active memberships; one query, kept for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    result = {}
    if user.is_superuser:
        # The operator sets hubs up; they act as a coordinator everywhere, audited like anyone.
        for hub_id in Hub.objects.values_list("id", flat=True):
            result[hub_id] = {Role.COORDINATOR}
    codes = {}
    for hub_id, role, code in (
        Membership.objects.active().filter(person=user).values_list("hub_id", "role", "hub__code")
    ):
        result.setdefault(hub_id, set()).add(role)
        codes[hub_id] = code
    setattr(user, _CACHE_ATTR, result)
    setattr(user, _CODES_ATTR, codes)
    return result


def membership_hub_codes(user):
    """Codes of the hubs the user works in (by membership), for the page header."""
    roles_by_hub(user)
    return sorted(getattr(user, _CODES_ATTR, {}).values())


def forget(user):
    """Drop what roles_by_hub kept, after the user's memberships change."""
    for attr in (_CACHE_ATTR, _CODES_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_for_action(action):
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}; add it to hubs.access.ACTIONS") from None


def hub_ids(user, action):
    """Ids of the hubs where the user may do ``action``."""
    allowed = roles_for_action(action)
    return {hub_id for hub_id, roles in roles_by_hub(user).items() if roles & allowed}


def hub_ids_with_role(user, *roles):
    return {hub_id for hub_id, have in roles_by_hub(user).items() if have & set(roles)}


def can(user, action, hub=None):
    """May the user do ``action`` in ``hub`` (a Hub or its id), or in any hub when hub is None?"""
    ids = hub_ids(user, action)
    if hub is None:
        return bool(ids)
    return (hub if isinstance(hub, int) else hub.pk) in ids


def hubs_for(user, action):
    return Hub.objects.filter(id__in=hub_ids(user, action))


def has_role(user, *roles):
    return any(have & set(roles) for have in roles_by_hub(user).values())


def requires_mfa(user):
    return user.is_superuser or has_role(user, *MFA_REQUIRED_ROLES)


def hub_filter(user, action, field="hub"):
    """A Q object keeping rows whose ``field`` is a hub where the user may do ``action``."""
    return Q(**{f"{field}__in": hub_ids(user, action)})
