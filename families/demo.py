"""Demo family contacts and messages: each hub's phone number for families, consenting carers
for the children booked into upcoming clinics and some on the waiting list, and the booking
messages they were sent (kept on the outbox page: the demo has no Notify key). Idempotent: a hub
whose settings exist is left as it is."""

import datetime

from django.utils import timezone

from clinics.models import Appointment, AppointmentStatus, Referral, ReferralStatus
from families import services
from families.models import Carer, Channel, FamilySettings, Relationship

FIRST_NAMES = ["Amina", "Ben", "Chloe", "Dev", "Ewa", "Farah", "Grace", "Hassan", "Iris", "Jon"]
RELATIONSHIPS = [Relationship.MOTHER] * 5 + [Relationship.FATHER] * 3 + [Relationship.GRANDPARENT]


def _carer(ctx, child, n):
    rng = ctx.rng
    text = rng.random() < 0.8
    family = child.family_name
    return Carer(
        child=child,
        name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {family}",
        relationship=rng.choice(RELATIONSHIPS),
        # Ofcom's numbers for drama: 07700 900000 to 900999 are never anyone's phone.
        mobile=f"07700900{n % 1000:03d}",
        email=f"family{n}@example.org",
        preferred_channel=Channel.SMS if text else Channel.EMAIL,
        language_need="Bengali: an interpreter is needed" if rng.random() < 0.1 else "",
        consent_to_messages=True,
        consent_given_on=timezone.localdate() - datetime.timedelta(days=rng.randint(20, 400)),
    )


def load(ctx):
    today = timezone.localdate()
    n = 0
    for spec in ctx.get("hubs", []):
        hub = spec["hub"]
        if FamilySettings.objects.filter(hub=hub).exists():
            continue
        FamilySettings.objects.create(hub=hub, phone=f"020 7946 0{hub.pk % 1000:03d}")
        upcoming = list(
            Appointment.objects.filter(
                slot__session__hub=hub,
                status=AppointmentStatus.BOOKED,
                slot__session__date__gte=today,
            ).select_related("child", "slot__session__hub", "slot__session__host_practice")
        )
        waiting = list(
            Referral.objects.filter(hub=hub, status=ReferralStatus.WAITING).select_related("child")[
                :6
            ]
        )
        carers = []
        for child in {a.child for a in upcoming} | {r.child for r in waiting}:
            n += 1
            carers.append(_carer(ctx, child, n))
        Carer.objects.bulk_create(carers)
        for appointment in upcoming:
            services.appointment_booked(appointment=appointment)
