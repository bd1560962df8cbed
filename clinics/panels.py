"""The outreach clinic panel on a child's page (the population app discovers it)."""

from clinics import queries
from hubs import access


def child_panel(request, child):
    """The child's clinic appointments the person may see; the child page audits the look."""
    appointments = list(queries.child_appointments(request.user, child)[:20])
    return {
        "title": "Outreach clinic appointments",
        "template": "clinics/child_panel.html",
        "context": {
            "appointments": appointments,
            "child": child,
            "can_refer": access.can(request.user, "clinic.refer", child.practice.hub_id),
        },
    }
