from django.shortcuts import render
from django.urls import reverse

from hubs import access, waiting_registry
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
    """Where each person starts: what is waiting for them (counts and links, from every app),
    the places their roles work first, then their hubs."""
    memberships = memberships_for(request.user)
    withheld = access.hubs_withheld_without_cis2(request.user)
    # A hub that requires CIS2 for clinical roles gives none to this sign-in: no start there.
    kept = [m for m in memberships if m.hub not in withheld or m.role not in access.CLINICAL_ROLES]
    roles = sorted({m.role for m in kept}, key=list(LANDING).index)
    starts = [{"label": LANDING[role][0], "url": reverse(LANDING[role][1])} for role in roles]
    context = {
        "memberships": memberships,
        "starts": starts,
        "withheld": withheld,
        "waiting": waiting_registry.waiting_for(request.user),
    }
    return render(request, "hubs/home.html", context)
