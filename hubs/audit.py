"""The audit trail: one append-only entry for every look at, or export of, a child's data."""

from hubs.models import AuditEvent

# A list or export names each of its children up to this many; beyond, the entry keeps their
# number and the query (the path) that chose them.
MAX_CHILD_IDS = 10_000


def client_address(request):
    return request.META.get("REMOTE_ADDR") or None


def _entry(request, *, action, hub, child_id, obj, children):
    ids = None
    if children is not None:
        ids = list(dict.fromkeys(i for i in children if i is not None))
    return AuditEvent(
        person=request.user if request.user.is_authenticated else None,
        hub_id=hub if isinstance(hub, int) or hub is None else hub.pk,
        child_id=child_id,
        child_ids=(ids or [])[:MAX_CHILD_IDS],
        child_count=len(ids) if ids is not None else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        path=request.get_full_path()[:500],
        ip_address=client_address(request),
    )


def record(request, *, action, hub=None, child_id=None, obj=None, children=None):
    """Write one audit entry for what the signed-in person is looking at or exporting.

    ``child_id`` names the one child of a record's page; ``children`` the ids of every child a
    list page of one hub shows or an export of one hub contains.
    """
    entry = _entry(request, action=action, hub=hub, child_id=child_id, obj=obj, children=children)
    entry.save()
    return entry


def record_list(request, *, action, shown, hub=None, obj=None):
    """Audit a list page or export that may span hubs: ``shown`` is a (hub id, child id) pair
    for every child on it. One entry per hub, so each hub's coordinators see the look in their
    trail; a list with no child leaves one entry (for ``hub``) all the same."""
    by_hub = {}
    for hub_id, child_id in shown:
        by_hub.setdefault(hub_id, []).append(child_id)
    if not by_hub:
        by_hub = {hub.pk if hub is not None and not isinstance(hub, int) else hub: []}
    entries = [
        _entry(request, action=action, hub=hub_id, child_id=None, obj=obj, children=ids)
        for hub_id, ids in by_hub.items()
    ]
    if len(entries) == 1:
        # One INSERT is atomic by itself: no transaction around it (bulk_create opens one).
        entries[0].save()
        return entries
    return AuditEvent.objects.bulk_create(entries)
