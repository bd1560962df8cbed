import pytest

from feedback import demo
from feedback.models import FamilyResponse, ProfessionalFeedback
from hubs.models import Role
from tests.factories import ChildFactory, member
from tests.feedback.conftest import attended_appointment, finished_meeting

pytestmark = pytest.mark.django_db


def test_demo_feedback_comes_through_the_links_and_loads_twice_without_duplicates(hub, practice):
    for days_ago in range(1, 21):
        attended_appointment(practice, ChildFactory(practice=practice), days_ago=days_ago)
    people = [member(Role.GP, hub) for _ in range(6)]
    finished_meeting(hub, *people)
    ctx = {"hubs": [{"hub": hub, "practices": [practice]}]}
    demo.load(ctx)
    answers, ratings = FamilyResponse.objects.count(), ProfessionalFeedback.objects.count()
    assert 0 < answers <= 20
    assert 0 < ratings <= 6
    demo.load(ctx)
    assert (FamilyResponse.objects.count(), ProfessionalFeedback.objects.count()) == (
        answers,
        ratings,
    )
