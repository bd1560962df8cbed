"""What outreach clinics add to population's pages (population.panels_registry): the child's
appointments on their page with "refer" as a next step, and in lists of children their open
not-brought follow-ups and the day they were last seen."""

from django.db.models import Count, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from clinics import queries
from clinics.models import Appointment, AppointmentStatus, FollowUpStatus, NotBroughtFollowUp
from hubs import access


def child_panel(request, child):
    """The child's clinic appointments the person may see; the child page audits the look."""
    appointments = list(queries.child_appointments(request.user, child)[:20])
    referrals = list(queries.child_referrals(request.user, child)[:20])
    can_refer = access.can(request.user, "clinic.refer", child.practice.hub_id)
    next_steps = []
    if can_refer:
        next_steps.append(
            {
                "label": "Refer to the outreach clinic",
                "url": reverse("clinics:refer", args=[child.pk]),
            }
        )
    return {
        "title": "Outreach clinic appointments",
        "template": "clinics/child_panel.html",
        "context": {
            "appointments": appointments,
            "referrals": referrals,
            "child": child,
            "can_refer": can_refer,
        },
        "next_steps": next_steps,
    }


def child_list_columns():
    """Open not-brought follow-ups of the child; the day of their last attended appointment."""
    follow_ups = (
        NotBroughtFollowUp.objects.filter(
            appointment__child=OuterRef("pk"), status=FollowUpStatus.OPEN
        )
        .order_by()
        .values("appointment__child")
        .annotate(n=Count("id"))
        .values("n")
    )
    seen = (
        Appointment.objects.filter(
            child=OuterRef("pk"),
            status=AppointmentStatus.ATTENDED,
            slot__session__date__lte=timezone.localdate(),
        )
        .order_by()
        .values("child")
        .annotate(last=Max("slot__session__date"))
        .values("last")
    )
    return {"open_actions": Subquery(follow_ups), "last_contact": Subquery(seen)}
