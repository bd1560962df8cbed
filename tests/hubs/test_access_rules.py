import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from hubs import access
from hubs.models import Role
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_membership_that_ended_yesterday_grants_nothing(hub):
    person = PersonFactory()
    MembershipFactory(
        person=person,
        hub=hub,
        role=Role.PAEDIATRICIAN,
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
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
