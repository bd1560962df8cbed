"""Measures of messages to families for hubs and a period (docs/evaluation-measures.md,
"Messages to families"): messages by the day Notify took them; appointments by their session's
day, cancelled sessions excluded."""

import functools

from django.db.models import Count, Exists, OuterRef, Q

from cc4c import breakdown
from cc4c.measures import pct
from cc4c.models import NotificationStatus
from clinics.models import CANCELLED_STATUSES, Appointment, AppointmentStatus, SessionStatus
from families.models import Kind, Message

# What Notify took: everything but messages still waiting, kept here or withdrawn.
SENT = (
    NotificationStatus.SENDING,
    NotificationStatus.DELIVERED,
    NotificationStatus.PERMANENT_FAILURE,
    NotificationStatus.TEMPORARY_FAILURE,
    NotificationStatus.TECHNICAL_FAILURE,
)


def _messages(hub_ids, date_from, date_to):
    start, end = breakdown.local_span(date_from, date_to)
    sent = Message.objects.filter(
        hub_id__in=hub_ids,
        outbox__status__in=SENT,
        outbox__sent_at__gte=start,
        outbox__sent_at__lt=end,
    )
    return breakdown.every_grouping(
        sent,
        date_from,
        date_to,
        hub="hub_id",
        moment="outbox__sent_at",
        sent=Count("id"),
        delivered=Count("id", filter=Q(outbox__status=NotificationStatus.DELIVERED)),
    )


def _appointments(hub_ids, date_from, date_to):
    """Appointments held and missed, all of them and those with a delivered reminder (two
    readings: the reminder asked once per appointment, in the second one's WHERE, rather than
    in each count that needs it), and the slots families gave back that were booked again."""
    appointments = Appointment.objects.filter(
        slot__session__hub_id__in=hub_ids,
        slot__session__date__gte=date_from,
        slot__session__date__lte=date_to,
    ).exclude(slot__session__status=SessionStatus.CANCELLED)
    reminder = Message.objects.filter(
        appointment=OuterRef("pk"),
        kind=Kind.REMINDER,
        outbox__status=NotificationStatus.DELIVERED,
    )
    rebooked = Appointment.objects.filter(slot=OuterRef("slot"), pk__gt=OuterRef("pk")).exclude(
        status__in=CANCELLED_STATUSES
    )
    held = Q(status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.NOT_BROUGHT])
    missed = Q(status=AppointmentStatus.NOT_BROUGHT)
    by_family = Q(status=AppointmentStatus.CANCELLED_BY_FAMILY)
    every = functools.partial(
        breakdown.every_grouping,
        date_from=date_from,
        date_to=date_to,
        hub="slot__session__hub_id",
        date="slot__session__date",
    )
    counts = every(
        appointments.annotate(slot_rebooked=Exists(rebooked)),
        held=Count("id", filter=held),
        held_missed=Count("id", filter=held & missed),
        cancellations=Count("id", filter=by_family),
        rebooked=Count("id", filter=by_family & Q(slot_rebooked=True)),
    )
    reminded = every(
        appointments.filter(held, Exists(reminder)),
        reminded=Count("id"),
        reminded_missed=Count("id", filter=missed),
    )
    return counts, reminded


def family_message_measures(hub_ids, date_from, date_to, *, by=None):
    """Every key of the messages to families section, with the hidden ``_..._n`` counts the
    report suppresses the percentages by; for the hubs together, per hub or per month. A
    report's three asks share one reading of the messages and two of the appointments
    (cc4c.breakdown.shared)."""
    breakdown.check(by)
    hub_ids = list(hub_ids)
    messages, (appointments, reminded) = breakdown.shared(
        ("families", tuple(hub_ids), date_from, date_to),
        lambda: (
            _messages(hub_ids, date_from, date_to),
            _appointments(hub_ids, date_from, date_to),
        ),
    )

    def finish(group):
        m = breakdown.group_of(messages, by, group)
        a = dict(breakdown.group_of(appointments, by, group))
        r = breakdown.group_of(reminded, by, group)
        a["reminded"] = r.get("reminded") or 0
        a["reminded_missed"] = r.get("reminded_missed") or 0
        a["unreminded"] = (a.get("held") or 0) - a["reminded"]
        a["unreminded_missed"] = (a.get("held_missed") or 0) - a["reminded_missed"]
        return {
            "family_messages_sent": m.get("sent") or 0,
            "family_messages_delivered": m.get("delivered") or 0,
            "clinic_dna_reminded_pct": pct(a.get("reminded_missed") or 0, a.get("reminded")),
            "clinic_dna_not_reminded_pct": pct(
                a.get("unreminded_missed") or 0, a.get("unreminded")
            ),
            "family_cancellations": a.get("cancellations") or 0,
            "family_cancelled_slots_rebooked": a.get("rebooked") or 0,
            "_clinic_reminded_n": a.get("reminded") or 0,
            "_clinic_reminded_not_brought_n": a.get("reminded_missed") or 0,
            "_clinic_not_reminded_n": a.get("unreminded") or 0,
            "_clinic_not_reminded_not_brought_n": a.get("unreminded_missed") or 0,
        }

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
