"""Feedback factories: family answers and MDT ratings."""

import factory
from django.utils import timezone

from feedback.models import CommentStatus, Contact, FamilyResponse, ProfessionalFeedback
from tests.factories import HubFactory, PersonFactory
from tests.mdt.factories import MeetingFactory


class FamilyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyResponse

    hub = factory.SubFactory(HubFactory)
    contact = Contact.CLINIC
    contact_date = factory.LazyFunction(timezone.localdate)
    received_on = factory.LazyFunction(timezone.localdate)
    experience = "very_good"
    place = "gp_practice"
    comment = ""
    comment_status = factory.LazyAttribute(
        lambda o: CommentStatus.PENDING if o.comment else CommentStatus.NONE
    )


class ProfessionalFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalFeedback

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    usefulness = 4
    learned_something = True
