"""Family feedback links and QR codes on clinic lists, appointments and advice answers."""

from django import template

from feedback import services
from feedback.links import family_link

register = template.Library()


@register.simple_tag
def feedback_links_for_slots(slots, session):
    """Give each slot's live appointment a ``feedback`` link (one query for the session)."""
    appointments = [s.appointment for s in slots if getattr(s, "appointment", None)]
    invitations = services.invitations_for_appointments(appointments, session=session)
    for appointment in appointments:
        appointment.feedback = family_link(invitations.get(appointment.pk))
    return ""


@register.inclusion_tag("feedback/includes/family_card.html")
def family_feedback_card(appointment=None, advice_request=None):
    """A card with the family's one-use link and its QR code, for a live appointment or an
    answered advice request about a child."""
    invitation = None
    if appointment is not None and appointment.is_live:
        invitation = services.invitations_for_appointments([appointment]).get(appointment.pk)
    elif advice_request is not None and advice_request.child_id:
        invitation = services.invitation_for_advice(advice_request)
    return {"link": family_link(invitation), "advice": advice_request is not None}


@register.simple_tag
def family_feedback_link(appointment):
    """The family's link for a live appointment, for a letter addressed to the family."""
    if appointment is None or not appointment.is_live:
        return None
    return family_link(services.invitations_for_appointments([appointment]).get(appointment.pk))
