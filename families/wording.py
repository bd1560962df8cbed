"""What each message to a family says: the wording of its GOV.UK Notify templates, and the
personalisation the service sends with it.

The templates themselves live in the hub's Notify service, each referenced by id
(``NOTIFY_TEMPLATES`` in the settings). This is the same wording, to paste into Notify when the
templates are made (docs/messages-and-letters.md has it too) and to show on the outbox page what
a family receives. A message carries only the child's first name, the clinic's place and time,
the hub's phone number and a link: never a surname, an NHS number, a date of birth, a reason for
referral or anything clinical.
"""

import re

from django.conf import settings

from cc4c import formatting
from families.models import Channel, Kind

# The only personalisation fields any message may carry.
FIELDS = ("first_name", "date", "time", "place", "phone", "link")

SMS = {
    Kind.BOOKED: (
        "((first_name)) has an appointment at the children's clinic at ((place)) on ((date)) at "
        "((time)). Please tell us if you can come, can't come or need another time: ((link)) "
        "or call ((phone))."
    ),
    Kind.MOVED: (
        "((first_name))'s children's clinic appointment has moved to ((date)) at ((time)), at "
        "((place)). Please tell us if you can come: ((link)) or call ((phone))."
    ),
    Kind.REMINDER: (
        "Reminder: ((first_name)) has a children's clinic appointment on ((date)) at ((time)) "
        "at ((place)). If you can't come, tell us: ((link)) or call ((phone))."
    ),
    Kind.WAITING_CHECK: (
        "((first_name)) is on the waiting list for the children's clinic. Do you still need "
        "this appointment? Tell us: ((link)) or call ((phone))."
    ),
    Kind.REBOOK: (
        "We missed ((first_name)) at the children's clinic. Would you like another appointment? "
        "Tell us: ((link)) or call ((phone))."
    ),
    Kind.FEEDBACK: (
        "How was our children's service for ((first_name))? Tell us in a minute, no names "
        "needed: ((link))"
    ),
}

EMAIL_SUBJECTS = {
    Kind.BOOKED: "((first_name))'s children's clinic appointment",
    Kind.MOVED: "((first_name))'s children's clinic appointment has moved",
    Kind.REMINDER: "Reminder: ((first_name))'s children's clinic appointment",
    Kind.WAITING_CHECK: "Do you still need ((first_name))'s appointment?",
    Kind.REBOOK: "Would you like another appointment for ((first_name))?",
    Kind.FEEDBACK: "How was our children's service?",
}

EMAIL_ENDING = "\n\nIf you have a question, call the hub team on ((phone)).\n"
EMAIL_BODIES = {kind: text + EMAIL_ENDING for kind, text in SMS.items() if kind != Kind.FEEDBACK}
EMAIL_BODIES[Kind.FEEDBACK] = SMS[Kind.FEEDBACK] + "\n\nThank you.\n"

_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")
# When a hub has not set its phone number yet, families are pointed at their practice.
NO_PHONE = "your GP practice"


def template_id(kind, channel):
    return settings.NOTIFY_TEMPLATES.get(f"{kind}_{channel}", "")


def placeholders(kind):
    """The personalisation fields a message's templates use."""
    text = SMS[kind] + EMAIL_SUBJECTS[kind] + EMAIL_BODIES[kind]
    return sorted(set(_PLACEHOLDER.findall(text)))


def fill(text, personalisation):
    """The text as Notify makes it: each ((field)) replaced by its value."""
    return _PLACEHOLDER.sub(lambda m: str(personalisation.get(m.group(1), "")), text)


def render(kind, channel, personalisation):
    """(subject or "", body) of a message as the family receives it."""
    if channel == Channel.SMS:
        return "", fill(SMS[kind], personalisation)
    return fill(EMAIL_SUBJECTS[kind], personalisation), fill(EMAIL_BODIES[kind], personalisation)


def personalisation(kind, *, child, phone, link, slot=None):
    """The fields sent with a message of ``kind``: only those its template uses."""
    values = {"first_name": child.given_name.split()[0] if child.given_name else "your child"}
    values["phone"] = phone or NO_PHONE
    values["link"] = link
    if slot is not None:
        session = slot.session
        values["date"] = formatting.weekday(session.date)
        values["time"] = formatting.clock(slot.start_time)
        practice = session.host_practice
        values["place"] = (
            f"{practice.name}, {practice.postcode}" if practice.postcode else practice.name
        )
    return {field: values[field] for field in placeholders(kind)}
