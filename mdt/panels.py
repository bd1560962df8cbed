"""What the MDT adds to population's pages (population.panels_registry): the child's discussions
on their page with "put forward" as a next step, and their open actions and last discussion in
lists of children."""

from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse

from hubs.access import can
from mdt.models import Action, CaseDiscussion
from mdt.queries import mdt_cases_for_child


def child_panel(request, child):
    next_steps = []
    if can(request.user, "mdt.put_forward", child.practice.hub_id):
        next_steps.append(
            {
                "label": "Put forward to an MDT meeting",
                "url": reverse("mdt:put_forward_child", args=[child.pk]),
            }
        )
    return {
        "title": "MDT discussions",
        "template": "mdt/child_panel.html",
        "context": {"mdt_cases": list(mdt_cases_for_child(request.user, child))},
        "next_steps": next_steps,
    }


def child_list_columns():
    """Actions agreed about the child and not done; the day of their last discussion."""
    open_actions = (
        Action.objects.filter(case__child=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("case__child")
        .annotate(n=Count("id"))
        .values("n")
    )
    discussed = (
        CaseDiscussion.objects.filter(child=OuterRef("pk"), discussed=True)
        .order_by()
        .values("child")
        .annotate(last=Max(TruncDate("meeting__starts_at")))
        .values("last")
    )
    return {"open_actions": Subquery(open_actions), "last_contact": Subquery(discussed)}
