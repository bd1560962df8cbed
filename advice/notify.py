"""Advice line emails: a sentence that something needs attention and a link, never identifiers."""

from django.conf import settings
from django.urls import reverse

from cc4c import outbox


def request_link(advice_request):
    return settings.SITE_URL + reverse("advice:detail", kwargs={"pk": advice_request.pk})


SUBJECTS = {
    "answered": "Your advice request has an answer",
    "info_requested": "Your advice request needs more information",
    "information_added": "More information on an advice request",
    "new_request": "A new advice request",
    "reminder_75": "An advice request is close to its response target",
    "escalation_100": "An advice request has missed its response target",
}

SENTENCES = {
    "answered": "A paediatrician has answered your advice request.",
    "info_requested": "A paediatrician needs more information to answer your advice request.",
    "information_added": "The GP has added the information asked for on an advice request.",
    "new_request": "A new advice request has arrived for your hub.",
    "reminder_75": "An advice request has used three quarters of the hub's response target "
    "and has no answer yet.",
    "escalation_100": "An advice request has passed the hub's response target without an "
    "answer. You are the hub's lead, so this comes to you.",
}


def send(kind, advice_request, recipients):
    """Put one notification of ``kind`` about a request in the outbox, in the caller's
    transaction; it goes once that commits. 1 if anyone is to be told, else 0."""
    body = f"{SENTENCES[kind]}\n\nOpen it here (sign-in needed):\n{request_link(advice_request)}\n"
    email = outbox.enqueue(
        kind=f"advice.{kind}",
        subject=SUBJECTS[kind],
        body=body,
        to=recipients,
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    return 0 if email is None else 1
