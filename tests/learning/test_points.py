"""Recording learning points at an MDT meeting and the chair's approval."""

import pytest
from django.urls import reverse

from hubs.models import Role
from learning import services
from learning.models import LearningPoint, PointStatus
from tests.factories import member
from tests.learning.factories import LearningPointFactory

pytestmark = pytest.mark.django_db


def post_point(client, meeting, **overrides):
    data = {"title": "Spacer technique", "topic": "asthma", "segment": "", "text": "Check it."}
    data.update(overrides)
    return client.post(reverse("learning:meeting", args=[meeting.pk]), data)


def test_the_mdt_meeting_page_links_to_its_learning_points(client_for, gp, finished_meeting):
    response = client_for(gp).get(reverse("mdt:meeting", args=[finished_meeting.pk]))
    assert reverse("learning:meeting", args=[finished_meeting.pk]) in response.content.decode()


def test_a_gp_records_a_point_that_waits_for_the_chair(client_for, gp, finished_meeting):
    response = post_point(client_for(gp), finished_meeting)
    assert response.status_code == 302
    point = LearningPoint.objects.get()
    assert point.status == PointStatus.AWAITING
    assert point.recorded_by == gp
    library = client_for(gp).get(reverse("learning:library")).content.decode()
    assert "Spacer technique" not in library


def test_the_chairs_own_point_is_published_at_once(client_for, chair, finished_meeting):
    post_point(client_for(chair), finished_meeting)
    assert LearningPoint.objects.get().status == PointStatus.PUBLISHED


@pytest.mark.parametrize(
    "field,text",
    [
        ("text", "The child, NHS number 943 476 5919, improved."),
        ("text", "Seen with 9434765919 on the letter."),
        ("title", "Lesson from 943-476-5919"),
    ],
)
def test_a_point_with_an_nhs_number_is_refused_saying_why(
    client_for, gp, finished_meeting, field, text
):
    response = post_point(client_for(gp), finished_meeting, **{field: text})
    assert response.status_code == 400
    assert "looks like an NHS number" in response.content.decode()
    assert response.context["form"].errors[field]
    assert not LearningPoint.objects.exists()


def test_a_point_naming_a_child_discussed_at_the_meeting_is_refused(
    client_for, gp, finished_meeting, discussed
):
    child = discussed.child
    response = post_point(
        client_for(gp), finished_meeting, text=f"When {child.given_name.upper()} came back..."
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "the name of a child discussed at this meeting" in body
    assert not LearningPoint.objects.exists()
    response = post_point(client_for(gp), finished_meeting, title=f"The {child.family_name} case")
    assert response.status_code == 400
    assert not LearningPoint.objects.exists()


def test_a_date_of_birth_of_a_child_discussed_is_refused(gp, finished_meeting, discussed):
    born = discussed.child.date_of_birth
    with pytest.raises(services.LearningError, match="date of birth"):
        services.record_point(
            meeting=finished_meeting,
            by=gp,
            title="Growth",
            topic="feeding",
            text=f"Born {born:%d/%m/%Y}, weighed monthly.",
        )


def test_words_that_only_contain_a_childs_name_are_allowed(gp, finished_meeting, discussed):
    name = discussed.child.given_name  # "Childgiven<n>": a longer word containing it is fine
    point = services.record_point(
        meeting=finished_meeting, by=gp, title="Naming", topic="other", text=f"{name}ish plans"
    )
    assert point.pk


def test_points_are_not_recorded_before_the_meeting_starts(client_for, gp, hub):
    from tests.mdt.factories import MeetingFactory

    planned = MeetingFactory(hub=hub, invitees=[gp])
    response = client_for(gp).get(reverse("learning:meeting", args=[planned.pk]))
    assert "recorded once the meeting has started" in response.content.decode()
    assert post_point(client_for(gp), planned).status_code == 404
    assert not LearningPoint.objects.exists()


def test_an_mdt_member_not_invited_cannot_record(client, hub, finished_meeting):
    outsider = member(Role.MDT_MEMBER, hub)
    client.force_login(outsider)
    assert post_point(client, finished_meeting).status_code == 404


def test_the_chair_publishes_a_corrected_point(client_for, chair, gp, finished_meeting):
    point = LearningPointFactory(
        meeting=finished_meeting, status="awaiting", reviewed_at=None, recorded_by=gp
    )
    client = client_for(chair)
    library = client.get(reverse("learning:library")).content.decode()
    assert reverse("learning:review", args=[point.pk]) in library  # waiting for their approval
    response = client.post(
        reverse("learning:review", args=[point.pk]),
        {"title": "Better title", "topic": "skin", "text": "Corrected.", "publish": "Publish"},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.status, point.title, point.reviewed_by) == ("published", "Better title", chair)
    assert "Better title" in client.get(reverse("learning:library")).content.decode()


def test_the_chair_cannot_publish_a_name_they_add(client_for, chair, finished_meeting, discussed):
    point = LearningPointFactory(meeting=finished_meeting, status="awaiting", reviewed_at=None)
    response = client_for(chair).post(
        reverse("learning:review", args=[point.pk]),
        {"title": "t", "topic": "skin", "text": f"{discussed.child.family_name}", "publish": "1"},
    )
    assert response.status_code == 400
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING


def test_declining_needs_a_reason_and_the_writer_sees_it(client_for, chair, gp, finished_meeting):
    point = LearningPointFactory(meeting=finished_meeting, status="awaiting", reviewed_at=None)
    url = reverse("learning:review", args=[point.pk])
    data = {"title": point.title, "topic": "asthma", "text": point.text, "decline": "1"}
    response = client_for(chair).post(url, data)
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    client_for(chair).post(url, {**data, "reason": "Too close to one family's story."})
    point.refresh_from_db()
    assert point.status == PointStatus.DECLINED
    page = client_for(gp).get(reverse("learning:meeting", args=[finished_meeting.pk]))
    assert "Too close to one family&#x27;s story." in page.content.decode()


def test_a_gp_cannot_review_a_point(client_for, gp, finished_meeting):
    point = LearningPointFactory(meeting=finished_meeting, status="awaiting", reviewed_at=None)
    response = client_for(gp).post(
        reverse("learning:review", args=[point.pk]),
        {"title": "t", "topic": "skin", "text": "x", "publish": "1"},
    )
    assert response.status_code == 404
    point.refresh_from_db()
    assert point.status == PointStatus.AWAITING


def test_a_point_is_reviewed_once(chair, finished_meeting):
    point = LearningPointFactory(meeting=finished_meeting, status="awaiting", reviewed_at=None)
    kwargs = {"point": point, "by": chair, "title": "t", "topic": "skin", "text": "x"}
    services.review_point(publish=True, **kwargs)
    with pytest.raises(services.LearningError, match="already been reviewed"):
        services.review_point(publish=False, reason="no", **kwargs)


def test_meeting_page_query_count(client_for, gp, finished_meeting, django_assert_max_num_queries):
    client = client_for(gp)
    url = reverse("learning:meeting", args=[finished_meeting.pk])
    LearningPointFactory(meeting=finished_meeting, recorded_by=gp)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    LearningPointFactory.create_batch(49, meeting=finished_meeting, recorded_by=gp)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
