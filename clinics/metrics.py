"""Outreach clinic measures for hubs and a period (evaluation-measures.md,
"Outreach clinics"): sessions dated in the period, cancelled sessions excluded."""

from django.db.models import Count, F, Q

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


def clinic_measures(hub_ids, date_from, date_to):
    """Every key of the spec's clinics section for the hubs and the inclusive period, plus the
    hidden ``_..._n`` counts the evaluation report suppresses derived figures by."""
    sessions = ClinicSession.objects.filter(
        hub_id__in=hub_ids, date__gte=date_from, date__lte=date_to
    ).exclude(status=SessionStatus.CANCELLED)
    appointments = Appointment.objects.filter(slot__session__in=sessions).exclude(
        status__in=CANCELLED_STATUSES
    )
    attended = Q(status=ATTENDED)
    counts = appointments.aggregate(
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
        .annotate(wait=F("slot__session__date") - F("referral_date"))
        .values_list("wait", flat=True)
    )
    wait_days = [w.days if hasattr(w, "days") else int(w) for w in waits]
    seen_or_not = counts["attendances"] + counts["not_brought"]
    return {
        "clinic_sessions": sessions.count(),
        "clinic_appointments": counts["appointments"],
        "clinic_attendances": counts["attendances"],
        "clinic_patients_seen": counts["patients_seen"],
        "clinic_new_patients": counts["new_patients"],
        "clinic_not_brought": counts["not_brought"],
        "clinic_dna_pct": pct(counts["not_brought"], seen_or_not),
        "clinic_median_wait_days": median(wait_days),
        "clinic_outcome_discharged_pct": pct(counts["discharged"], counts["with_outcome"]),
        "clinic_outcome_hub_follow_up_pct": pct(counts["hub_follow_up"], counts["with_outcome"]),
        "clinic_outcome_hospital_referral_pct": pct(counts["hospital"], counts["with_outcome"]),
        # The counts behind the percentages and the median, for suppression in reports.
        "_clinic_wait_n": len(wait_days),
        "_clinic_outcomes_n": counts["with_outcome"],
        "_clinic_outcome_discharged_n": counts["discharged"],
        "_clinic_outcome_hub_follow_up_n": counts["hub_follow_up"],
        "_clinic_outcome_hospital_referral_n": counts["hospital"],
    }
