"""The messages to the family on an appointment's and a not-brought follow-up's page (the pages
fetched the record through its own visible_to, and audit the look)."""

from django import template

from families import queries
from families.models import Purpose

register = template.Library()


@register.inclusion_tag("families/includes/messages.html")
def family_messages(appointment=None, follow_up=None):
    if follow_up is not None:
        target = {"follow_up": follow_up}
        links = follow_up.family_links.filter(purpose=Purpose.REBOOK)
    else:
        target = {"appointment": appointment}
        links = appointment.family_links.exclude(answer="")
    return {
        "messages": list(queries.messages_about(**target)[:20]),
        "answers": list(links.exclude(answer="").order_by("-answered_at")),
        "heading_id": f"family-messages-{'f' if follow_up is not None else 'a'}",
    }
