"""The audit trail: one append-only entry for every look at, or export of, a child's data."""

from hubs.models import AuditEvent


def client_address(request):
    return request.META.get("REMOTE_ADDR") or None


def record(request, *, action, hub=None, child_id=None, obj=None):
    """Write one audit entry for what the signed-in person is looking at or exporting."""
    return AuditEvent.objects.create(
        person=request.user if request.user.is_authenticated else None,
        hub_id=hub if isinstance(hub, int) or hub is None else hub.pk,
        child_id=child_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        path=request.get_full_path()[:500],
        ip_address=client_address(request),
    )
