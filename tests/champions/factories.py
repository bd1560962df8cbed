import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from champions.models import Activity, ActivityType, Champion, Check, CheckKind, Training
from tests.factories import PracticeFactory


class ChampionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Champion

    champion_ref = factory.Sequence(lambda n: f"CH{n:04d}")
    given_name = factory.Sequence(lambda n: f"Volunteer{n}")
    family_name = factory.Sequence(lambda n: f"Helper{n}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    practice = factory.SubFactory(PracticeFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))


class CheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Check

    champion = factory.SubFactory(ChampionFactory)
    kind = CheckKind.DBS
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    expires_on = factory.LazyAttribute(lambda o: o.date + datetime.timedelta(days=3 * 365))


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    champion = factory.SubFactory(ChampionFactory)
    course = "Safeguarding children level 1"
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    expires_on = factory.LazyAttribute(lambda o: o.date + datetime.timedelta(days=2 * 365))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    champion = factory.SubFactory(ChampionFactory)
    date = factory.Sequence(lambda n: timezone.localdate() - datetime.timedelta(days=1 + n % 300))
    type = ActivityType.PEER_SUPPORT
    hours = Decimal("2.00")
    people_reached = 5
