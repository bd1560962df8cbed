"""Factories for MDT meetings, cases and actions."""

import datetime

import factory
from django.utils import timezone

from mdt.models import Action, CaseDiscussion, Meeting
from tests.factories import ChildFactory, HubFactory, PersonFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    hub = factory.SubFactory(HubFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Hub meeting room"

    @factory.post_generation
    def invitees(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.invitees.set(extracted)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseDiscussion

    meeting = factory.SubFactory(MeetingFactory)
    child = factory.LazyAttribute(lambda o: ChildFactory(practice__hub=o.meeting.hub))
    clinical_question = "Is this constipation or something more?"
    consent_recorded = True
    agenda_order = factory.Sequence(lambda n: n + 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    owner = factory.SubFactory(PersonFactory)
    description = "Ask the school nurse to review the care plan"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
