"""What families' feedback has waiting for a coordinator on their home page
(hubs.waiting_registry): the comments to approve before anyone sees them."""

from django.urls import reverse

from feedback.queries import pending_comments
from hubs.access import can
from hubs.waiting_registry import Waiting


def waiting_for(user):
    if not can(user, "feedback.moderate"):
        return []
    return [
        Waiting(
            "Family comments to approve",
            pending_comments(user).count(),
            reverse("feedback:comments"),
        )
    ]
