"""Outreach clinic measures for hubs and a period (evaluation-measures.md,
"Outreach clinics"): sessions dated in the period, cancelled sessions excluded."""

from collections import defaultdict

from django.db.models import Count, F, Q

from cc4c import breakdown
from cc4c.measures import median_1dp as median
from cc4c.measures import pct
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
ZERO_COUNTS = [
    "appointments",
    "attendances",
    "patients_seen",
    "new_patients",
    "not_brought",
    "with_outcome",
    "discharged",
    "hub_follow_up",
    "hospital",
]


def clinic_measures(hub_ids, date_from, date_to, *, by=None):
    """Every key of the spec's clinics section for the hubs and the inclusive period, plus the
    hidden ``_..._n`` counts the evaluation report suppresses derived figures by; for the hubs
    together, per hub or per month (cc4c.breakdown)."""
    sessions = ClinicSession.objects.filter(
        hub_id__in=hub_ids, date__gte=date_from, date__lte=date_to
    ).exclude(status=SessionStatus.CANCELLED)
    session_counts = breakdown.grouped(sessions, by, hub="hub_id", date="date", n=Count("id"))
    appointments = (
        Appointment.objects.filter(
            slot__session__hub_id__in=hub_ids,
            slot__session__date__gte=date_from,
            slot__session__date__lte=date_to,
        )
        .exclude(slot__session__status=SessionStatus.CANCELLED)
        .exclude(status__in=CANCELLED_STATUSES)
    )
    group = {"hub": "slot__session__hub_id", "date": "slot__session__date"}
    attended = Q(status=ATTENDED)
    counts = breakdown.grouped(
        appointments,
        by,
        **group,
        appointments=Count("id"),
        attendances=Count("id", filter=attended),
        patients_seen=Count("child_id", filter=attended, distinct=True),
        new_patients=Count("id", filter=attended & Q(type=AppointmentType.NEW)),
        not_brought=Count("id", filter=Q(status=NOT_BROUGHT)),
        with_outcome=Count("id", filter=attended & ~Q(outcome="")),
        discharged=Count("id", filter=attended & Q(outcome=Outcome.DISCHARGED)),
        hub_follow_up=Count("id", filter=attended & Q(outcome=Outcome.HUB_FOLLOW_UP)),
        hospital=Count("id", filter=attended & Q(outcome=Outcome.HOSPITAL_REFERRAL)),
    )
    waits = (
        appointments.filter(
            type=AppointmentType.NEW,
            status__in=[ATTENDED, NOT_BROUGHT],
            referral_date__isnull=False,
        )
        .annotate(_group=breakdown.group_key(by, **group))
        .annotate(wait=F("slot__session__date") - F("referral_date"))
        .values_list("_group", "wait")
    )
    wait_days = defaultdict(list)
    for key, wait in waits:
        wait_days[key].append(wait.days if hasattr(wait, "days") else int(wait))

    def finish(key):
        c = dict.fromkeys(ZERO_COUNTS, 0) | counts.get(key, {})
        days = wait_days.get(key, [])
        seen_or_not = c["attendances"] + c["not_brought"]
        return {
            "clinic_sessions": session_counts.get(key, {}).get("n", 0),
            "clinic_appointments": c["appointments"],
            "clinic_attendances": c["attendances"],
            "clinic_patients_seen": c["patients_seen"],
            "clinic_new_patients": c["new_patients"],
            "clinic_not_brought": c["not_brought"],
            "clinic_dna_pct": pct(c["not_brought"], seen_or_not),
            "clinic_median_wait_days": median(days),
            "clinic_outcome_discharged_pct": pct(c["discharged"], c["with_outcome"]),
            "clinic_outcome_hub_follow_up_pct": pct(c["hub_follow_up"], c["with_outcome"]),
            "clinic_outcome_hospital_referral_pct": pct(c["hospital"], c["with_outcome"]),
            # The counts behind the percentages and the median, for suppression in reports.
            "_clinic_wait_n": len(days),
            "_clinic_outcomes_n": c["with_outcome"],
            "_clinic_outcome_discharged_n": c["discharged"],
            "_clinic_outcome_hub_follow_up_n": c["hub_follow_up"],
            "_clinic_outcome_hospital_referral_n": c["hospital"],
        }

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
