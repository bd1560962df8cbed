"""The advice line's panel on a child's page (population.panels_registry calls it).

Scoped reads only; the child's page writes the one audit entry for the look.
"""

from advice import queries
from hubs.access import can


def child_panel(request, child):
    """The child's advice requests the viewer may open, and a link to ask about the child."""
    if not can(request.user, "advice.view", child.practice.hub_id):
        return None
    return {
        "title": "Advice requests",
        "template": "advice/panel.html",
        "context": {
            "advice_requests": list(queries.child_requests(request.user, child)[:20]),
            "can_ask": can(request.user, "advice.ask", child.practice.hub_id),
        },
    }
