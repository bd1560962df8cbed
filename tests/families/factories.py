import datetime

import factory
from django.utils import timezone

from families.models import Carer, FamilySettings
from tests.factories import ChildFactory


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"Carer Person{n}")
    relationship = "mother"
    mobile = factory.Sequence(lambda n: f"07700900{n % 100 + 200:03d}")
    email = factory.Sequence(lambda n: f"carer{n}@example.org")
    preferred_channel = "sms"
    consent_to_messages = True
    consent_given_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )


class FamilySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilySettings
        django_get_or_create = ("hub",)

    phone = "020 7946 0000"
