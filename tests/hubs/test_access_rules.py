import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from hubs import access
from hubs.models import Role
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def ended_yesterday(role, hub, **person_kwargs):
    person = PersonFactory(**person_kwargs)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    MembershipFactory(person=person, hub=hub, role=role, end_date=yesterday)
    return person


def test_a_membership_that_ended_yesterday_grants_nothing(hub):
    person = ended_yesterday(Role.PAEDIATRICIAN, hub)
    assert access.roles_by_hub(person) == {}
    assert not access.can(person, "child.view", hub)
    assert not access.can(person, "advice.answer")


def test_a_membership_ending_today_still_counts(hub):
    person = PersonFactory()
    MembershipFactory(person=person, hub=hub, role=Role.GP, end_date=timezone.localdate())
    assert access.can(person, "child.view", hub)


def test_a_membership_starting_tomorrow_grants_nothing_yet(hub):
    person = PersonFactory()
    MembershipFactory(
        person=person,
        hub=hub,
        role=Role.GP,
        start_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    assert not access.can(person, "child.view", hub)


def test_a_role_reaches_only_its_own_hub(gp, hub, other_hub):
    assert access.can(gp, "child.view", hub)
    assert not access.can(gp, "child.view", other_hub)
    assert not access.can(gp, "advice.answer", hub)


def render(source, **context):
    return Template("{% load access %}" + source).render(Context(context)).strip()


def test_templates_ask_the_same_question_as_views(paediatrician, gp, hub, other_hub):
    source = '{% if user|can:"advice.answer" %}answer{% else %}no{% endif %}'
    assert render(source, user=paediatrician) == "answer"
    assert render(source, user=gp) == "no"


def test_templates_ask_about_one_hub(paediatrician, hub, other_hub):
    source = '{% can_in_hub user "advice.answer" hub as ok %}{{ ok|yesno:"yes,no" }}'
    assert render(source, user=paediatrician, hub=hub) == "yes"
    assert render(source, user=paediatrician, hub=other_hub) == "no"
    assert render(source, user=paediatrician, hub=None) == "no"


# --- one refusal policy: require, requires ----------------------------------------------------


def test_require_passes_in_a_hub_where_the_role_allows_and_refuses_elsewhere(gp, hub, other_hub):
    access.require(gp, "child.view", hub)
    access.require(gp, "child.view")
    with pytest.raises(access.NotAllowed, match="You cannot"):
        access.require(gp, "child.view", other_hub, "You cannot see that hub's children.")
    with pytest.raises(access.NotAllowed):
        access.require(gp, "advice.answer")


def test_a_refusal_is_a_service_error_for_callers_and_a_404_for_views():
    from django.http import Http404

    from cc4c.errors import ServiceError

    assert issubclass(access.NotAllowed, ServiceError)
    assert issubclass(access.NotAllowed, Http404)


def test_an_unknown_action_fails_where_the_view_is_declared():
    with pytest.raises(KeyError, match="add it to hubs.access.ACTIONS"):
        access.requires("advice.anwser")


def test_a_guarded_view_answers_404_to_a_role_without_the_action(rf, gp, paediatrician):
    from django.http import HttpResponse

    @access.requires("advice.answer")
    def view(request):
        return HttpResponse("the queue")

    assert view.access_action == "advice.answer"
    request = rf.get("/")
    request.user = paediatrician
    assert view(request).content == b"the queue"
    request.user = gp
    with pytest.raises(access.NotAllowed):
        view(request)


# --- people_in --------------------------------------------------------------------------------


def test_people_in_names_the_hubs_people_whose_role_allows_the_action(hub, other_hub):
    today = timezone.localdate()
    paediatrician = PersonFactory()
    MembershipFactory(person=paediatrician, hub=hub, role=Role.PAEDIATRICIAN)
    # Two roles in the hub: still one person.
    MembershipFactory(person=paediatrician, hub=hub, role=Role.COORDINATOR)
    gp = PersonFactory()
    MembershipFactory(person=gp, hub=hub, role=Role.GP)
    elsewhere = PersonFactory()
    MembershipFactory(person=elsewhere, hub=other_hub, role=Role.PAEDIATRICIAN)
    left = ended_yesterday(Role.PAEDIATRICIAN, hub)
    inactive = PersonFactory(is_active=False)
    MembershipFactory(person=inactive, hub=hub, role=Role.PAEDIATRICIAN)

    assert list(access.people_in(hub, "advice.answer")) == [paediatrician]
    assert set(access.people_in(hub.pk, "advice.ask")) == {paediatrician, gp}
    assert set(access.people_in([hub, other_hub], "advice.answer")) == {paediatrician, elsewhere}
    # On the day before it ended, the ended membership still counted.
    yesterday = today - datetime.timedelta(days=1)
    assert set(access.people_in(hub, "advice.answer", on=yesterday)) == {paediatrician, left}


# --- rules about one object -------------------------------------------------------------------


def test_the_chair_or_a_paediatrician_of_the_hub_may_chair(hub, other_hub, gp, paediatrician):
    from tests.mdt.factories import MeetingFactory

    meeting = MeetingFactory(hub=hub)
    assert access.may_chair(paediatrician, meeting)
    assert not access.may_chair(gp, meeting)
    meeting.chair = gp
    assert access.may_chair(gp, meeting)
    assert not access.may_chair(paediatrician, MeetingFactory(hub=other_hub))


def test_only_attendees_of_a_finished_meeting_may_rate_it(hub, gp, paediatrician):
    from mdt.models import Attendance, MeetingStatus
    from tests.mdt.factories import MeetingFactory

    meeting = MeetingFactory(hub=hub)
    Attendance.objects.create(meeting=meeting, person=gp, present=True)
    assert not access.may_rate(gp, meeting)
    meeting.status, meeting.finished_at = MeetingStatus.FINISHED, timezone.now()
    meeting.save()
    assert access.may_rate(gp, meeting)
    assert not access.may_rate(paediatrician, meeting)


def test_a_cpd_record_stays_with_someone_whose_roles_have_ended(hub):
    left = ended_yesterday(Role.PAEDIATRICIAN, hub)
    champion = PersonFactory()
    MembershipFactory(person=champion, hub=hub, role=Role.CHAMPION)
    assert access.may_keep_record(left)
    assert not access.may_keep_record(champion)
