"""Staff pages: what coordinators and paediatricians see of family answers and MDT ratings."""

import re

import pytest
from django.urls import reverse

from feedback.models import CommentStatus, FamilyResponse, ProfessionalFeedback
from hubs.models import Role
from tests.factories import ChildFactory, member
from tests.feedback.conftest import attended_appointment, finished_meeting
from tests.feedback.factories import FamilyResponseFactory, ProfessionalFeedbackFactory

pytestmark = pytest.mark.django_db


def test_no_page_shows_a_comment_before_a_coordinator_approves_it(
    hub, coordinator, paediatrician, client_for
):
    FamilyResponseFactory(hub=hub, comment="Dr Smith saw Tommy quickly")
    FamilyResponseFactory(hub=hub, comment="Rejected words", comment_status="rejected")
    FamilyResponseFactory(hub=hub, comment="Easier than the hospital", comment_status="approved")
    body = client_for(paediatrician).get(reverse("feedback:overview")).content.decode()
    assert "Easier than the hospital" in body
    assert "Tommy" not in body
    assert "Rejected words" not in body
    assert "Waiting for a coordinator" in body


def test_a_coordinator_approves_a_comment_and_then_it_shows(hub, coordinator, client_for):
    response = FamilyResponseFactory(hub=hub, comment="Seen at our own surgery, wonderful")
    client = client_for(coordinator)
    queue = client.get(reverse("feedback:comments")).content.decode()
    assert "Seen at our own surgery, wonderful" in queue
    client.post(reverse("feedback:comment_moderate", args=[response.pk]), {"decision": "approve"})
    response.refresh_from_db()
    assert response.comment_status == CommentStatus.APPROVED
    assert response.moderated_by == coordinator
    assert "No comments waiting" in client.get(reverse("feedback:comments")).content.decode()
    overview = client.get(reverse("feedback:overview")).content.decode()
    assert "Seen at our own surgery, wonderful" in overview


def test_a_coordinator_keeps_a_comment_naming_a_child_hidden(hub, coordinator, client_for):
    response = FamilyResponseFactory(hub=hub, comment="Amelia Jones was seen")
    client = client_for(coordinator)
    client.post(reverse("feedback:comment_moderate", args=[response.pk]), {"decision": "hide"})
    response.refresh_from_db()
    assert response.comment_status == CommentStatus.REJECTED
    assert "Amelia" not in client.get(reverse("feedback:overview")).content.decode()


def test_a_paediatrician_cannot_approve_comments(hub, paediatrician, client_for):
    response = FamilyResponseFactory(hub=hub, comment="Some words")
    client = client_for(paediatrician)
    assert client.get(reverse("feedback:comments")).status_code == 404
    moderate = reverse("feedback:comment_moderate", args=[response.pk])
    assert client.post(moderate, {"decision": "approve"}).status_code == 404
    response.refresh_from_db()
    assert response.comment_status == CommentStatus.PENDING


def test_overview_counts_the_answers_of_the_last_year(hub, coordinator, client_for):
    FamilyResponseFactory(hub=hub, experience="very_good", place="gp_practice")
    FamilyResponseFactory(hub=hub, experience="good", place="hospital")
    FamilyResponseFactory(hub=hub, experience="poor", place="")
    FamilyResponseFactory(hub=hub, experience="dont_know", place="gp_practice")
    body = client_for(coordinator).get(reverse("feedback:overview")).content.decode()
    assert 'data-measure="family_feedback_responses">4<' in body
    assert 'data-measure="family_positive_pct">50.0%<' in body
    assert 'data-measure="family_prefer_practice_pct">66.7%<' in body


def test_overview_empty_state(hub, coordinator, client_for):
    body = client_for(coordinator).get(reverse("feedback:overview")).content.decode()
    assert "No family feedback yet." in body


@pytest.mark.parametrize("rows", [1, 50])
def test_overview_query_count_does_not_grow_with_answers(
    rows, hub, coordinator, client_for, django_assert_max_num_queries
):
    FamilyResponseFactory.create_batch(
        rows, hub=hub, comment="A comment", comment_status="approved"
    )
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("feedback:overview"))
    assert response.content.decode().count("A comment") == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_comment_queue_query_count_does_not_grow_with_comments(
    rows, hub, coordinator, client_for, django_assert_max_num_queries
):
    FamilyResponseFactory.create_batch(rows, hub=hub, comment="Please check")
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("feedback:comments"))
    assert response.content.decode().count("Please check") == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_mdt_ratings_query_count_does_not_grow_with_meetings(
    rows, hub, paediatrician, client_for, django_assert_max_num_queries
):
    for _ in range(rows):
        meeting = finished_meeting(hub, paediatrician)
        ProfessionalFeedbackFactory(meeting=meeting, person=paediatrician, usefulness=5)
    client = client_for(paediatrician)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("feedback:meetings"))
    body = response.content.decode()
    assert len(re.findall(r"/mdt/meetings/\d+/", body)) == rows
    assert "5.0" in body


@pytest.mark.parametrize("rows", [1, 50])
def test_clinic_list_prints_a_qr_code_per_child_in_bounded_queries(
    rows, practice, paediatrician, client_for, django_assert_max_num_queries
):
    import datetime

    from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot

    session = ClinicSessionFactory(
        host_practice=practice, start_time=datetime.time(0, 0), end_time=datetime.time(23, 40)
    )
    for _ in range(rows):
        AppointmentFactory(slot=free_slot(session), child=ChildFactory(practice=practice))
    client = client_for(paediatrician)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("clinics:session_print", args=[session.pk]))
    body = response.content.decode()
    assert body.count('class="feedback-qr"') == rows
    # Printing again gives the same links, and makes no new ones.
    assert client.get(reverse("clinics:session_print", args=[session.pk])).content == (
        response.content
    )


def test_the_appointment_page_shows_the_family_link(practice, child, coordinator, client_for):
    appointment = attended_appointment(practice, child)
    url = reverse("clinics:appointment_detail", args=[appointment.pk])
    body = client_for(coordinator).get(url).content.decode()
    assert "Family feedback" in body
    assert re.search(r"/feedback/f/[a-z2-7]{32}/", body)


def test_an_attendee_rates_a_finished_meeting_once(hub, paediatrician, client_for):
    meeting = finished_meeting(hub, paediatrician)
    client = client_for(paediatrician)
    page = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    rate = reverse("feedback:meeting_rate", args=[meeting.pk])
    assert rate in page
    answer = {"usefulness": "4", "learned_something": "yes", "learning": "Constipation ladder"}
    assert client.post(rate, answer).status_code == 302
    again = client.post(rate, {**answer, "usefulness": "1"})
    assert again.status_code == 302
    feedback = ProfessionalFeedback.objects.get()
    assert (feedback.usefulness, feedback.learned_something) == (4, True)
    assert "You rated this meeting 4 out of 5" in client.get(rate).content.decode()


def test_someone_who_sent_apologies_cannot_rate_the_meeting(hub, paediatrician, client_for):
    gp = member(Role.GP, hub)
    meeting = finished_meeting(hub, paediatrician, apologies=[gp])
    client = client_for(gp)
    rate = reverse("feedback:meeting_rate", args=[meeting.pk])
    assert "Only people recorded as attending" in client.get(rate).content.decode()
    client.post(rate, {"usefulness": "5", "learned_something": "yes"})
    assert not ProfessionalFeedback.objects.exists()


def test_a_rating_without_a_score_names_the_field(hub, paediatrician, client_for):
    meeting = finished_meeting(hub, paediatrician)
    response = client_for(paediatrician).post(
        reverse("feedback:meeting_rate", args=[meeting.pk]), {"learned_something": "no"}
    )
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert not ProfessionalFeedback.objects.exists()


def test_family_answers_are_not_in_another_hubs_overview(hub, other_hub, coordinator, client_for):
    FamilyResponseFactory(hub=other_hub, comment="Other hub words", comment_status="approved")
    body = client_for(coordinator).get(reverse("feedback:overview")).content.decode()
    assert "Other hub words" not in body
    assert FamilyResponse.objects.count() == 1
