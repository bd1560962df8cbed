from django.shortcuts import render

from hubs.queries import memberships_for


def home(request):
    """Where each person starts: their hubs and roles, and the places their roles open."""
    return render(request, "hubs/home.html", {"memberships": memberships_for(request.user)})
