"""Demo outreach clinics for each hub: a term of past sessions (mostly attended, under 5% not
brought), upcoming sessions with free slots, a waiting list and an open not-brought follow-up.

Idempotent: a hub that already has clinic sessions is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clinics.models import (
    Appointment,
    ClinicSession,
    Decision,
    FollowUpStatus,
    NextStep,
    NotBroughtFollowUp,
    Referral,
    ReferralStatus,
    Slot,
)
from hubs.models import Membership, Role
from population.models import Child

PAST_SESSIONS = 12
UPCOMING_SESSIONS = 4
WAITING = 12
OUTCOMES = [
    ("discharged_to_primary_care", 55),
    ("hub_follow_up", 30),
    ("hospital_referral", 15),
]
REASONS = [
    "Constipation not settling with first-line treatment",
    "Eczema despite emollients and steroid steps",
    "Recurrent wheeze, asthma review",
    "Faltering growth",
    "Recurrent abdominal pain",
    "Sleep difficulties and behaviour",
    "Headaches",
    "Urinary tract infections",
]


def _session(hub, practice, day, clinicians, start=datetime.time(9, 0)):
    session = ClinicSession.objects.create(
        hub=hub,
        date=day,
        host_practice=practice,
        start_time=start,
        end_time=datetime.time(12, 0),
        slot_minutes=20,
    )
    session.clinicians.set(clinicians)
    slots = Slot.objects.bulk_create(
        Slot(session=session, start_time=t) for t in session.slot_times()
    )
    return session, slots


def _load_hub(ctx, hub, practices, children, today):
    rng = ctx.rng
    people = {
        m.role: m.person
        for m in Membership.objects.filter(
            hub=hub, role__in=[Role.GP, Role.PAEDIATRICIAN]
        ).select_related("person")
    }
    clinicians = list(people.values())
    gp = people.get(Role.GP)
    lead = hub.lead or people.get(Role.PAEDIATRICIAN)
    pool = list(children)
    rng.shuffle(pool)
    appointments, seen = [], []
    not_brought_left = 3
    for n in range(PAST_SESSIONS):
        day = today - datetime.timedelta(days=3 + 14 * n)
        session, slots = _session(hub, rng.choice(practices), day, clinicians)
        for slot in slots[: rng.randint(6, len(slots))]:
            follow_up = seen and rng.random() < 0.2
            child = rng.choice(seen) if follow_up else (pool.pop() if pool else rng.choice(seen))
            status = "attended"
            if not_brought_left and (n == 0 and slot is slots[1] or rng.random() < 0.02):
                status, not_brought_left = "not_brought", not_brought_left - 1
            outcome = ""
            if status == "attended":
                seen.append(child)
                outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            appointments.append(
                Appointment(
                    slot=slot,
                    child=child,
                    type="follow_up" if follow_up else "new",
                    referral_date=None
                    if follow_up
                    else day - datetime.timedelta(days=rng.randint(10, 45)),
                    status=status,
                    outcome=outcome,
                    booked_by=gp,
                )
            )
    for n in range(UPCOMING_SESSIONS):
        day = today + datetime.timedelta(days=4 + 7 * n)
        session, slots = _session(hub, rng.choice(practices), day, clinicians)
        for slot in slots[: max(0, 5 - 2 * n)]:
            if pool:
                appointments.append(
                    Appointment(
                        slot=slot,
                        child=pool.pop(),
                        referral_date=today - datetime.timedelta(days=rng.randint(7, 35)),
                        booked_by=gp,
                    )
                )
    bulk_create_with_history(appointments, Appointment, default_user=gp)

    for appointment in Appointment.objects.filter(
        slot__session__hub=hub, status="not_brought"
    ).order_by("-slot__session__date"):
        follow_up = NotBroughtFollowUp.objects.create(
            appointment=appointment,
            opened_at=timezone.make_aware(
                datetime.datetime.combine(appointment.slot.session.date, datetime.time(13))
            ),
        )
        follow_up.assigned_to.set([p for p in (gp, lead) if p])
        if appointment.slot.session.date < today - datetime.timedelta(days=10) and lead:
            follow_up.status = FollowUpStatus.CLOSED
            follow_up.decision = Decision.FAMILY_CONTACTED
            follow_up.decision_note = "Parent phoned; new appointment offered."
            follow_up.decided_by = lead
            follow_up.decided_at = follow_up.opened_at + datetime.timedelta(days=1)
            # The family wants a new appointment: back on the waiting list, never on no list.
            follow_up.next_step = NextStep.WAITING_LIST
            follow_up.save()
            appointment.referral = Referral.objects.create(
                child=appointment.child,
                hub=hub,
                referral_date=appointment.referral_date or appointment.slot.session.date,
                reason="Rebook: not brought to a clinic",
                referred_by=lead,
                status=ReferralStatus.WAITING,
            )
            appointment.save(update_fields=["referral"])

    referrals = []
    for _ in range(min(WAITING, len(pool))):
        child = pool.pop()
        referrals.append(
            Referral(
                child=child,
                hub=hub,
                referral_date=today - datetime.timedelta(days=rng.randint(3, 60)),
                reason=rng.choice(REASONS),
                priority=rng.choices(["routine", "soon", "urgent"], [70, 25, 5])[0],
                source=rng.choice(["gp", "gp", "mdt", "advice"]),
                referred_by=gp,
                status=ReferralStatus.WAITING,
            )
        )
    Referral.objects.bulk_create(referrals)


@transaction.atomic
def load(ctx):
    today = timezone.localdate()
    hub_children = ctx.get("hub_children") or {}
    for spec in ctx.get("hubs", []):
        hub, practices = spec["hub"], spec["practices"]
        if not practices or ClinicSession.objects.filter(hub=hub).exists():
            continue
        children = hub_children.get(hub.pk) or list(
            Child.objects.filter(practice__hub=hub).order_by("id")[:400]
        )
        if len(children) < 2:
            continue
        _load_hub(ctx, hub, practices, children, today)
