from django.shortcuts import render
from django.urls import reverse

from hubs import access
from hubs.models import Role
from hubs.queries import memberships_for

# Where each role starts its day: the home page leads there first.
LANDING = {
    Role.GP: ("Your hub's children", "population:index"),
    Role.PAEDIATRICIAN: ("The advice queue", "advice:queue"),
    Role.MDT_MEMBER: ("Your MDT meetings", "mdt:meetings"),
    Role.COORDINATOR: ("Hub administration", "admin:index"),
    Role.COMMISSIONER: ("Evaluation reports", "evaluation:list"),
    Role.CHAMPION: ("Your volunteering", "champions:me"),
}


def home(request):
    """Where each person starts: the places their roles work first, then their hubs."""
    memberships = memberships_for(request.user)
    roles = sorted({m.role for m in memberships}, key=list(LANDING).index)
    starts = [{"label": LANDING[role][0], "url": reverse(LANDING[role][1])} for role in roles]
    context = {
        "memberships": memberships,
        "starts": starts,
        "withheld": access.hubs_withheld_without_cis2(request.user),
    }
    return render(request, "hubs/home.html", context)
