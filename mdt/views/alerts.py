"""The hub's hospital alert: children the MDT may want to discuss after a hospital visit."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from hubs import audit
from hubs.access import can, hub_ids
from hubs.models import Hub
from mdt import queries
from mdt.views.common import page
from population.models import Child
from population.programmes import engine

# Without a finished meeting yet, the alert looks back this far.
NO_MEETING_DAYS = 90


def hospital_alert(request, hub_pk):
    """Children of segments 6 to 8 or of a condition programme's register who had an emergency
    attendance or an admission since the hub's last MDT meeting, each with "Put forward"."""
    if hub_pk not in hub_ids(request.user, "child.view"):
        raise Http404("No such hub.")
    hub = get_object_or_404(Hub, pk=hub_pk)
    last_meeting = queries.last_meeting_day(hub)
    since = last_meeting or timezone.localdate() - datetime.timedelta(days=NO_MEETING_DAYS)
    programmes = engine.condition_programmes()
    children = Child.objects.visible_to(request.user).registered_on().filter(practice__hub=hub)
    shown = page(request, engine.hospital_alert(children, since, programmes=programmes))
    for child in shown:
        child.alert_programmes = engine.programmes_of(child, programmes)
    audit.record(request, action="mdt.hospital_alert.view", hub=hub, children=[c.pk for c in shown])
    return render(
        request,
        "mdt/hospital_alert.html",
        {
            "hub": hub,
            "page": shown,
            "since": since,
            "last_meeting": last_meeting,
            "may_put_forward": can(request.user, "mdt.put_forward", hub),
        },
    )
