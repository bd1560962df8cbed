"""Outreach clinic measures for hubs and a period (evaluation-measures.md,
"Outreach clinics"): sessions dated in the period, cancelled sessions excluded."""

from collections import Counter, defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
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
    "sessions",
    "appointments",
    "attendances",
    "new_patients",
    "not_brought",
    "with_outcome",
    "discharged",
    "hub_follow_up",
    "hospital",
]


def _cells(hub_ids, date_from, date_to):
    """Per (hub, month of the session): sessions held, appointment counts, the children seen
    and the waits of new patients. Every breakdown is a sum of these cells; children seen are
    counted once per group, and the median is taken over the waits themselves."""
    sessions = ClinicSession.objects.filter(
        hub_id__in=hub_ids, date__gte=date_from, date__lte=date_to
    ).exclude(status=SessionStatus.CANCELLED)
    cells = defaultdict(lambda: dict.fromkeys(ZERO_COUNTS, 0) | {"children": [], "waits": []})
    session_rows = (
        sessions.annotate(_month=breakdown.group_key("month", hub="hub_id", date="date"))
        .order_by()
        .values("hub_id", "_month")
        .annotate(sessions=Count("id"))
    )
    for row in session_rows:
        cells[row["hub_id"], row["_month"]]["sessions"] = row["sessions"]
    appointments = (
        Appointment.objects.filter(slot__session__in=sessions)
        .exclude(status__in=CANCELLED_STATUSES)
        .annotate(
            _hub=F("slot__session__hub_id"),
            _month=breakdown.group_key("month", hub="hub_id", date="slot__session__date"),
        )
    )
    attended = Q(status=ATTENDED)
    waited = Q(
        type=AppointmentType.NEW,
        status__in=[ATTENDED, NOT_BROUGHT],
        referral_date__isnull=False,
    )
    rows = (
        appointments.order_by()
        .values("_hub", "_month")
        .annotate(
            appointments=Count("id"),
            attendances=Count("id", filter=attended),
            new_patients=Count("id", filter=attended & Q(type=AppointmentType.NEW)),
            not_brought=Count("id", filter=Q(status=NOT_BROUGHT)),
            with_outcome=Count("id", filter=attended & ~Q(outcome="")),
            discharged=Count("id", filter=attended & Q(outcome=Outcome.DISCHARGED)),
            hub_follow_up=Count("id", filter=attended & Q(outcome=Outcome.HUB_FOLLOW_UP)),
            hospital=Count("id", filter=attended & Q(outcome=Outcome.HOSPITAL_REFERRAL)),
            children=ArrayAgg("child_id", filter=attended, distinct=True, default=[]),
            waits=ArrayAgg(
                F("slot__session__date") - F("referral_date"), filter=waited, default=[]
            ),
        )
    )
    for row in rows:
        cells[row.pop("_hub"), row.pop("_month")].update(row)
    return dict(cells)


def clinic_measures(hub_ids, date_from, date_to, *, by=None):
    """Every key of the spec's clinics section for the hubs and the inclusive period, plus the
    hidden ``_..._n`` counts the evaluation report suppresses derived figures by; for the hubs
    together, per hub or per month (cc4c.breakdown). A report's three asks share one reading
    of the sessions and appointments (cc4c.breakdown.shared)."""
    breakdown.check(by)
    hub_ids = list(hub_ids)
    cells = breakdown.shared(
        ("clinics", tuple(hub_ids), date_from, date_to),
        lambda: _cells(hub_ids, date_from, date_to),
    )
    position = {None: None, "hub": 0, "month": 1}[by]
    groups = defaultdict(Counter)
    children = defaultdict(set)
    waits = defaultdict(list)
    for cell, values in cells.items():
        key = None if position is None else cell[position]
        groups[key].update({name: values[name] for name in ZERO_COUNTS})
        children[key].update(values["children"])
        waits[key].extend(w.days if hasattr(w, "days") else int(w) for w in values["waits"])

    def finish(key):
        c = groups[key]
        days = waits[key]
        seen_or_not = c["attendances"] + c["not_brought"]
        return {
            "clinic_sessions": c["sessions"],
            "clinic_appointments": c["appointments"],
            "clinic_attendances": c["attendances"],
            "clinic_patients_seen": len(children[key]),
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
