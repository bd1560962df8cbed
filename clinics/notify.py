"""The clinic's emails. They say that something needs attention and link to it: never a
child's name, NHS number, date of birth or clinical detail (docs/access.md)."""

from django.conf import settings
from django.urls import reverse

from cc4c import outbox
from clinics.queries import practice_contacts


def link(url_name, *args):
    return settings.SITE_URL + reverse(url_name, args=args)


def practice_addresses(appointment):
    """The referring practice: the person who referred, and the GPs of the child's practice."""
    return sorted({p.email for p in practice_contacts(appointment.child, appointment.referral)})


def _send_later(subject, body, recipients):
    # Written to the outbox in the caller's transaction; sent once that commits.
    outbox.enqueue(kind="clinics", subject=subject, body=body, to=recipients)


PRACTICE_MESSAGES = {
    "booked": "An outreach clinic appointment was booked for a child registered at your practice.",
    "moved": "An outreach clinic appointment for a child registered at your practice was moved.",
    "cancelled": (
        "An outreach clinic appointment for a child registered at your practice was cancelled."
    ),
}


def tell_practice(appointment, what):
    body = (
        f"{PRACTICE_MESSAGES[what]}\n\n"
        f"See the details (sign-in needed): {link('clinics:appointment_detail', appointment.pk)}\n"
    )
    _send_later(f"Outreach clinic appointment {what}", body, practice_addresses(appointment))


def tell_referrer_off_list(referral):
    """The practice that referred: a child of theirs is off the waiting list, without an
    appointment. The reason is on the child's record, behind sign-in."""
    body = (
        "A child registered at your practice was taken off the outreach clinic waiting list "
        "without an appointment.\n\n"
        f"See the child's record (sign-in needed): "
        f"{link('population:child', referral.child_id)}\n"
    )
    recipients = sorted({p.email for p in practice_contacts(referral.child, referral)})
    _send_later("Taken off the outreach clinic waiting list", body, recipients)


def escalate(follow_up, lead):
    body = (
        "A child was not brought to an outreach clinic appointment and needs a follow-up "
        "decision today.\n\n"
        f"Open the follow-up (sign-in needed): "
        f"{link('clinics:follow_up_detail', follow_up.pk)}\n"
    )
    _send_later("Urgent: not-brought follow-up needs a decision", body, [lead.email])


def remind(follow_up, recipients):
    body = (
        "A not-brought follow-up in your hub still has no recorded decision.\n\n"
        f"Record the decision (sign-in needed): {link('clinics:follow_up_detail', follow_up.pk)}\n"
    )
    _send_later("Reminder: not-brought follow-up needs a decision", body, recipients)
