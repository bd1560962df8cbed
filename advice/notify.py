"""Advice line emails: a sentence that something needs attention and a link, never identifiers."""

from django.conf import settings
from django.urls import reverse

from advice import clock
from cc4c import outbox


def request_link(advice_request):
    return settings.SITE_URL + reverse("advice:detail", kwargs={"pk": advice_request.pk})


SUBJECTS = {
    "answered": "Your advice request has an answer",
    "info_requested": "Your advice request needs more information",
    "information_added": "More information on an advice request",
    "new_request": "A new advice request",
    "follow_up": "A follow-up question on an advice request",
    "reminder_75": "An advice request is close to its response target",
    "escalation_100": "An advice request has missed its response target",
}

SENTENCES = {
    "answered": "A paediatrician has answered your advice request.",
    "info_requested": "A paediatrician needs more information to answer your advice request.",
    "information_added": "The GP has added the information asked for on an advice request.",
    "new_request": "A new advice request has arrived for your hub.",
    "follow_up": "The GP who asked has replied to the answer with a follow-up question.",
    "reminder_75": "An advice request has used three quarters of the hub's response target "
    "and has no answer yet.",
    "escalation_100": "An advice request has passed the hub's response target without an "
    "answer. You are the hub's lead, so this comes to you.",
}


# What the paediatricians and the lead are told: these say when a request is urgent.
TO_THE_HUB = {"new_request", "follow_up", "information_added", "reminder_75", "escalation_100"}


def subject_and_body(kind, advice_request):
    """The email's subject and body: what needs attention, whether it is urgent and its
    target, and the link; never the child, the question or any other clinical detail."""
    subject, sentence = SUBJECTS[kind], SENTENCES[kind]
    if kind in TO_THE_HUB and advice_request.is_urgent:
        subject = f"Urgent: {subject[0].lower()}{subject[1:]}"
        target = clock.describe_target(advice_request.hub, advice_request.urgency)
        sentence += f"\n\nIt is marked urgent: the hub answers urgent requests within {target}."
    body = f"{sentence}\n\nOpen it here (sign-in needed):\n{request_link(advice_request)}\n"
    return subject, body


def send(kind, advice_request, recipients):
    """Put one notification of ``kind`` about a request in the outbox, in the caller's
    transaction; it goes once that commits. 1 if anyone is to be told, else 0."""
    subject, body = subject_and_body(kind, advice_request)
    email = outbox.enqueue(
        kind=f"advice.{kind}",
        subject=subject,
        body=body,
        to=recipients,
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    return 0 if email is None else 1
