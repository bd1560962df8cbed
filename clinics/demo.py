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
from population import demo as population_demo
from population.models import Child

PAST_SESSIONS = 12
UPCOMING_SESSIONS = 4
WAITING = 12
OUTCOMES = [
    ("discharged_to_primary_care", 55),
    ("hub_follow_up", 30),
    ("hospital_referral", 15),
]
ECZEMA = ("24079001", "43116000")
# (reason, the ages in years it fits, conditions the child must have one of): an asthma review is
# for a child with asthma, faltering growth for the under-fives, headaches for school age.
REASONS = [
    ("Constipation not settling with first-line treatment", (1, 17), ()),
    ("Eczema despite emollients and steroid steps", (0, 17), ECZEMA),
    ("Recurrent wheeze, asthma review", (2, 17), (population_demo.ASTHMA,)),
    ("Faltering growth", (0, 4), ()),
    ("Recurrent abdominal pain", (4, 17), ()),
    ("Sleep difficulties and behaviour", (2, 12), ()),
    ("Headaches", (5, 17), ()),
    ("Urinary tract infections", (0, 17), ()),
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
        in_session = set()  # no child is booked twice into one clinic
        for slot in slots[: rng.randint(6, len(slots))]:
            again = [c for c in seen if c.pk not in in_session]
            follow_up = bool(again) and (rng.random() < 0.2 or not pool)
            if follow_up:
                child = rng.choice(again)
            elif pool:
                child = pool.pop()
            else:
                break
            in_session.add(child.pk)
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
    for _ in range(WAITING):
        child, reason = _child_for_a_reason(rng, pool, today)
        if child is None:
            break
        pool.remove(child)
        referrals.append(
            Referral(
                child=child,
                hub=hub,
                referral_date=today - datetime.timedelta(days=rng.randint(3, 60)),
                reason=reason,
                priority=rng.choices(["routine", "soon", "urgent"], [70, 25, 5])[0],
                source=rng.choice(["gp", "gp", "mdt", "advice"]),
                referred_by=gp,
                status=ReferralStatus.WAITING,
            )
        )
    Referral.objects.bulk_create(referrals)


def _child_for_a_reason(rng, pool, today):
    """(a child of the pool, the reason they are referred) where the reason fits the child."""
    if not pool:
        return None, None
    start = rng.randrange(len(pool))
    for reason, ages, conditions in rng.sample(REASONS, len(REASONS)):
        child = population_demo.fitting_child(
            pool, ages=ages, conditions=conditions, today=today, start=start
        )
        if child is not None:
            return child, reason
    return None, None


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
