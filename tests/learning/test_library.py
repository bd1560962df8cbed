"""The learning library: every hub's published lessons, searchable, and nothing else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import Role
from population.models import Segment
from tests.factories import member
from tests.learning.factories import LearningPointFactory
from tests.mdt.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def library(client, **params):
    response = client.get(reverse("learning:library"), params)
    assert response.status_code == 200
    return response.content.decode()


def finished(hub, days_ago):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    return MeetingFactory(hub=hub, starts_at=starts, status="finished", finished_at=starts)


def test_a_gp_reads_another_hubs_published_lesson_but_not_one_waiting(client_for, gp, other_hub):
    meeting = finished(other_hub, 10)
    LearningPointFactory(meeting=meeting, title="Spacers first")
    LearningPointFactory(meeting=meeting, title="Not yet", status="awaiting", reviewed_at=None)
    LearningPointFactory(meeting=meeting, title="Declined one", status="declined")
    body = library(client_for(gp))
    assert "Spacers first" in body
    assert other_hub.name in body
    assert "Not yet" not in body
    assert "Declined one" not in body


def test_the_library_is_searched_by_words_topic_segment_and_date(client_for, gp, hub):
    seg = Segment.objects.get(number=4)
    LearningPointFactory(meeting=finished(hub, 200), title="Old asthma", topic="asthma")
    LearningPointFactory(
        meeting=finished(hub, 10), title="New skin", topic="skin", segment=seg, text="Emollients"
    )
    client = client_for(gp)
    body = library(client, topic="skin")
    assert "New skin" in body and "Old asthma" not in body
    body = library(client, segment=seg.pk)
    assert "New skin" in body and "Old asthma" not in body
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    body = library(client, date_from=since)
    assert "New skin" in body and "Old asthma" not in body
    body = library(client, q="emollients")
    assert "New skin" in body and "Old asthma" not in body
    body = library(client, q="nothing-matches-this")
    assert "No learning points match your search." in body


def test_oldest_first_puts_the_oldest_lesson_first(client_for, gp, hub):
    LearningPointFactory(meeting=finished(hub, 200), title="Older lesson")
    LearningPointFactory(meeting=finished(hub, 10), title="Newer lesson")
    body = library(client_for(gp), sort="oldest")
    assert body.index("Older lesson") < body.index("Newer lesson")
    body = library(client_for(gp))
    assert body.index("Newer lesson") < body.index("Older lesson")


def test_an_empty_library_says_so(client_for, gp):
    assert "No learning points published yet." in library(client_for(gp))


def test_the_library_shows_no_child_of_the_meeting(client_for, gp, other_hub, other_child):
    from tests.mdt.factories import CaseFactory

    meeting = finished(other_hub, 5)
    CaseFactory(meeting=meeting, child=other_child, discussed=True, outcome="other")
    LearningPointFactory(meeting=meeting)
    body = library(client_for(gp))
    for identifier in (other_child.nhs_number, other_child.given_name, other_child.family_name):
        assert identifier not in body


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.CHAMPION])
def test_commissioners_and_champions_have_no_library(client, hub, role):
    client.force_login(member(role, hub))
    assert client.get(reverse("learning:library")).status_code == 404


def test_library_query_count(client_for, gp, hub, django_assert_max_num_queries):
    client = client_for(gp)
    meeting = finished(hub, 10)
    LearningPointFactory(meeting=meeting)
    with django_assert_max_num_queries(11):
        library(client)
    LearningPointFactory.create_batch(49, meeting=meeting)
    with django_assert_max_num_queries(11):
        body = library(client)
    assert body.count('class="card mb-3"') == 50
