"""What families adds to a child's page (population.panels_registry): their contacts, with
consent, the messages sent to them and each one's delivery, and any contact to correct."""

from families import queries
from hubs import access


def child_panel(request, child):
    """The page that calls this fetched the child through visible_to and audits the look."""
    carers = list(queries.carers_of(child))
    current = [c for c in carers if c.removed_at is None]
    messages = list(queries.messages_about(child=child)[:20])
    tasks = [t for c in current for t in c.tasks.all() if t.is_open]
    may_edit = access.can(request.user, "family.contacts", child.practice.hub_id)
    return {
        "title": "Family contacts and messages",
        "template": "families/child_panel.html",
        "context": {
            "carers": current,
            "messages": messages,
            "tasks": tasks,
            "may_edit": may_edit,
        },
        # The contacts are changed from the panel itself, not among the clinical next steps.
        "next_steps": [],
    }
