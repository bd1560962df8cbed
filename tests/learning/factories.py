"""Factories for learning points and teaching sessions."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from learning.models import LearningPoint, PointStatus, TeachingSession, Topic
from tests.factories import HubFactory, PersonFactory
from tests.mdt.factories import MeetingFactory


class LearningPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPoint

    meeting = factory.SubFactory(
        MeetingFactory,
        status="finished",
        starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7)),
        finished_at=factory.LazyFunction(timezone.now),
    )
    title = factory.Sequence(lambda n: f"Lesson {n}")
    topic = Topic.ASTHMA
    text = "Check inhaler technique before stepping up treatment."
    status = PointStatus.PUBLISHED
    reviewed_at = factory.LazyFunction(timezone.now)


class TeachingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingSession

    person = factory.SubFactory(PersonFactory)
    hub = factory.SubFactory(HubFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    title = "Wheeze in under-fives"
    role = "delivered"
    hours = Decimal("1.5")
