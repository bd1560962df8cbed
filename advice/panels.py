"""What the advice line adds to population's pages (population.panels_registry): the child's
requests on their page with "ask" as a next step, and in lists of children the day of the last
request about them.

Scoped reads only; the child's page writes the one audit entry for the look.
"""

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.http import urlencode

from advice import queries
from advice.models import AdviceRequest
from hubs.access import can


def child_panel(request, child):
    """The child's advice requests the viewer may open, and a link to ask about the child."""
    if not can(request.user, "advice.view", child.practice.hub_id):
        return None
    can_ask = can(request.user, "advice.ask", child.practice.hub_id)
    next_steps = []
    if can_ask:
        next_steps.append(
            {
                "label": "Ask the advice line",
                "url": f"{reverse('advice:ask')}?{urlencode({'child': child.pk})}",
            }
        )
    return {
        "title": "Advice requests",
        "template": "advice/panel.html",
        "context": {
            "advice_requests": list(queries.child_requests(request.user, child)[:20]),
            "can_ask": can_ask,
        },
        "next_steps": next_steps,
    }


def child_list_columns():
    """The day the hub last received a question about the child."""
    asked = (
        AdviceRequest.objects.filter(child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(last=Max(TruncDate("received_at")))
        .values("last")
    )
    return {"last_contact": Subquery(asked)}
