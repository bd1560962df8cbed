"""What the MDT shows on a child's page: their discussions the viewer may see."""

from mdt.queries import mdt_cases_for_child


def child_panel(request, child):
    return {
        "title": "MDT discussions",
        "template": "mdt/child_panel.html",
        "context": {"mdt_cases": list(mdt_cases_for_child(request.user, child))},
    }
