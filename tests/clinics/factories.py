"""Clinic factories: sessions (with their slots), referrals, appointments, follow-ups."""

import datetime

import factory
from django.utils import timezone

from clinics.models import Appointment, ClinicSession, NotBroughtFollowUp, Referral, Slot
from tests.factories import ChildFactory, PracticeFactory


class ClinicSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicSession
        skip_postgeneration_save = True

    host_practice = factory.SubFactory(PracticeFactory)
    hub = factory.LazyAttribute(lambda o: o.host_practice.hub)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    start_time = datetime.time(9, 0)
    end_time = datetime.time(12, 0)
    slot_minutes = 20

    @factory.post_generation
    def slots(obj, create, extracted, **kwargs):
        if create:
            Slot.objects.bulk_create(Slot(session=obj, start_time=t) for t in obj.slot_times())


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    hub = factory.LazyAttribute(lambda o: o.child.practice.hub)
    referral_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=14))
    reason = "Constipation not settling with first-line treatment"


def free_slot(session):
    taken = Appointment.objects.live().values("slot_id")
    return session.slots.exclude(pk__in=taken).order_by("start_time").first()


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    slot = factory.LazyAttribute(
        lambda o: free_slot(ClinicSessionFactory(host_practice=o.child.practice))
    )
    child = factory.SubFactory(ChildFactory)
    referral_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=21))


class NotBroughtFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotBroughtFollowUp

    appointment = factory.SubFactory(AppointmentFactory, status="not_brought")
