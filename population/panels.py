"""Population's panel on a child's record (population/panels_registry.py): each programme the
child is on with the status of its care processes, and the child's hospital events."""

import datetime

from django.utils import timezone

from hubs.access import can
from population.models import Child
from population.programmes import engine
from population.programmes.models import UNPLANNED, HospitalEvent

SHOWN_EVENTS = 20


def child_panel(request, child):
    """Each programme whose register holds the child, with each care process's status, and
    the child's hospital events (the latest, and the unplanned ones in a year)."""
    one = Child.objects.filter(pk=child.pk)
    rows = []
    for programme in engine.active_programmes():
        items = list(
            engine.WorklistRows(one, programme, statuses=list(engine.STATUS_LABELS), sort="name")
        )
        if items:
            rows.append({"programme": programme, "items": items})
    events = list(HospitalEvent.objects.filter(child=child)[:SHOWN_EVENTS])
    if not rows and not events:
        return None
    since = timezone.localdate() - datetime.timedelta(days=engine.HOSPITAL_USE_DAYS)
    unplanned = sum(1 for e in events if e.kind in UNPLANNED and e.occurred_on > since)
    return {
        "title": "Programmes and hospital events",
        "template": "population/programmes/child_panel.html",
        "context": {
            "programmes": rows,
            "may_update": can(request.user, "worklist.update", child.practice.hub_id),
            "next": request.get_full_path(),
            "events": events,
            "unplanned": unplanned,
            "shown": SHOWN_EVENTS,
        },
    }
