"""Outreach clinic measures for hubs and a period (docs/evaluation-measures.md,
"Outreach clinics"): sessions dated in the period, cancelled sessions excluded."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Count, DurationField, F, Q

from cc4c import breakdown
from cc4c.measures import pct, round_1dp
from clinics.models import (
    CANCELLED_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ClinicSession,
    Outcome,
    SessionStatus,
)

KEYS = [
    "clinic_sessions",
    "clinic_appointments",
    "clinic_attendances",
    "clinic_patients_seen",
    "clinic_new_patients",
    "clinic_not_brought",
    "clinic_dna_pct",
    "clinic_median_wait_days",
    "clinic_outcome_discharged_pct",
    "clinic_outcome_hub_follow_up_pct",
    "clinic_outcome_hospital_referral_pct",
]

ATTENDED = AppointmentStatus.ATTENDED
NOT_BROUGHT = AppointmentStatus.NOT_BROUGHT


def _groupings(hub_ids, date_from, date_to):
    """Sessions held, appointment counts, children seen and the median wait of new patients,
    for the hubs together, per hub and per month of the session: one query for sessions and
    one for appointments (GROUPING SETS), children seen counted once per group and the median
    taken over the waits themselves, in the database."""
    sessions = ClinicSession.objects.filter(
        hub_id__in=hub_ids, date__gte=date_from, date__lte=date_to
    ).exclude(status=SessionStatus.CANCELLED)
    held = breakdown.every_grouping(
        sessions, date_from, date_to, hub="hub_id", date="date", sessions=Count("id")
    )
    # The sessions' conditions on the one join to them (not a second reading as a subquery).
    appointments = Appointment.objects.filter(
        slot__session__hub_id__in=hub_ids,
        slot__session__date__gte=date_from,
        slot__session__date__lte=date_to,
    ).exclude(Q(status__in=CANCELLED_STATUSES) | Q(slot__session__status=SessionStatus.CANCELLED))
    attended = Q(status=ATTENDED)
    waited = Q(
        type=AppointmentType.NEW,
        status__in=[ATTENDED, NOT_BROUGHT],
        referral_date__isnull=False,
    )
    counts = breakdown.every_grouping(
        appointments,
        date_from,
        date_to,
        hub="slot__session__hub_id",
        date="slot__session__date",
        appointments=Count("id"),
        attendances=Count("id", filter=attended),
        new_patients=Count("id", filter=attended & Q(type=AppointmentType.NEW)),
        not_brought=Count("id", filter=Q(status=NOT_BROUGHT)),
        with_outcome=Count("id", filter=attended & ~Q(outcome="")),
        discharged=Count("id", filter=attended & Q(outcome=Outcome.DISCHARGED)),
        hub_follow_up=Count("id", filter=attended & Q(outcome=Outcome.HUB_FOLLOW_UP)),
        hospital=Count("id", filter=attended & Q(outcome=Outcome.HOSPITAL_REFERRAL)),
        children=Count("child_id", filter=attended, distinct=True),
        waits=Count("id", filter=waited),
        median_wait=breakdown.Median(
            F("slot__session__date") - F("referral_date"),
            filter=waited,
            output_field=DurationField(),
        ),
    )
    return held, counts


def _days(duration):
    """A wait as days (a Decimal: a median may fall between two days), or None."""
    if duration is None:
        return None
    return Decimal(duration // datetime.timedelta(microseconds=1)) / 86_400_000_000


def clinic_measures(hub_ids, date_from, date_to, *, by=None):
    """Every key of the spec's clinics section for the hubs and the inclusive period, plus the
    hidden ``_..._n`` counts the evaluation report suppresses derived figures by; for the hubs
    together, per hub or per month (cc4c.breakdown). A report's three asks share one reading
    of the sessions and appointments (cc4c.breakdown.shared)."""
    breakdown.check(by)
    hub_ids = list(hub_ids)
    held, counts = breakdown.shared(
        ("clinics", tuple(hub_ids), date_from, date_to),
        lambda: _groupings(hub_ids, date_from, date_to),
    )

    def finish(key):
        c = Counter(breakdown.group_of(counts, by, key))
        c["sessions"] = breakdown.group_of(held, by, key).get("sessions", 0)
        seen_or_not = c["attendances"] + c["not_brought"]
        return {
            "clinic_sessions": c["sessions"],
            "clinic_appointments": c["appointments"],
            "clinic_attendances": c["attendances"],
            "clinic_patients_seen": c["children"],
            "clinic_new_patients": c["new_patients"],
            "clinic_not_brought": c["not_brought"],
            "clinic_dna_pct": pct(c["not_brought"], seen_or_not),
            "clinic_median_wait_days": round_1dp(_days(c.get("median_wait"))),
            "clinic_outcome_discharged_pct": pct(c["discharged"], c["with_outcome"]),
            "clinic_outcome_hub_follow_up_pct": pct(c["hub_follow_up"], c["with_outcome"]),
            "clinic_outcome_hospital_referral_pct": pct(c["hospital"], c["with_outcome"]),
            # The counts behind the percentages and the median, for suppression in reports.
            "_clinic_wait_n": c["waits"],
            "_clinic_outcomes_n": c["with_outcome"],
            "_clinic_outcome_discharged_n": c["discharged"],
            "_clinic_outcome_hub_follow_up_n": c["hub_follow_up"],
            "_clinic_outcome_hospital_referral_n": c["hospital"],
        }

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
