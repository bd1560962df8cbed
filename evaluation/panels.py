"""Hospital activity on a child's page (population.panels_registry): what was imported for the
child's practice. The hospital extracts are monthly totals per practice, never per child, and
the panel says so."""

from evaluation.queries import practice_hospital_activity
from hubs.access import can


def child_panel(request, child):
    if not can(request.user, "child.view", child.practice.hub_id):
        return None
    activity, since = practice_hospital_activity(child.practice)
    return {
        "title": "Hospital activity",
        "template": "evaluation/child_panel.html",
        "context": {"activity": activity, "since": since, "practice": child.practice},
    }
