"""The clinic letter to the child's GP practice after an attended appointment: what was found
(the outcome), the plan, and who follows up, on the one letter design (letters/documents.py).
Written to the letters outbox when the outcome is recorded, and again (its next version) when
it is corrected."""

from letters import documents, services
from letters.models import Kind

BODY = "clinics/letter_body.html"
FOLLOWS_UP = {
    "discharged_to_primary_care": "The child's GP practice: the child is discharged from the "
    "hub clinic to primary care.",
    "hub_follow_up": "The hub's outreach clinic: the child will be offered a follow-up "
    "appointment.",
    "hospital_referral": "The hospital paediatric team the child is referred to.",
}


def who_follows_up(appointment):
    return appointment.follows_up or FOLLOWS_UP.get(appointment.outcome, "Not recorded")


def page(appointment, *, author):
    """The letter of an attended appointment with an outcome, signed by ``author``."""
    session = appointment.slot.session
    return documents.Page(
        title="Outreach clinic letter",
        body_template=BODY,
        context={
            "appointment": appointment,
            "session": session,
            "clinicians": list(session.clinicians.all()),
            "follows_up": who_follows_up(appointment),
        },
        hub=session.hub,
        child=appointment.child,
        author=author,
    )


def queue(appointment, *, by):
    """Write the letter to the outbox in the caller's transaction."""
    return services.queue(page=page(appointment, author=by), kind=Kind.CLINIC, source=appointment)
