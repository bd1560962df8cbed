"""A session keeps the person's roles and second factor between requests (hubs.signin), read
again whenever their access stamp moves: every change to what they may reach takes effect on
their next request."""

import datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hubs import services, signin
from hubs.models import Membership, Person, Role
from tests.factories import member

pytestmark = pytest.mark.django_db

QUEUE = reverse("advice:queue")


def tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, " ".join(q["sql"] for q in queries.captured_queries)


@pytest.fixture
def signed_in(client_for, paediatrician):
    client = client_for(paediatrician)
    assert client.get(QUEUE).status_code == 200  # the session keeps what it read
    return client


def test_a_second_page_reads_neither_memberships_nor_authenticators(signed_in):
    response, sql = tables_read(signed_in, QUEUE)
    assert response.status_code == 200
    assert "hubs_membership" not in sql and "mfa_authenticator" not in sql


def test_a_deleted_membership_takes_effect_on_the_next_request(signed_in, paediatrician):
    Membership.objects.get(person=paediatrician).delete()
    assert signed_in.get(QUEUE).status_code == 404


def test_an_ended_membership_takes_effect_on_the_next_request(signed_in, paediatrician):
    membership = Membership.objects.get(person=paediatrician)
    membership.end_date = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    assert signed_in.get(QUEUE).status_code == 404


def test_memberships_ended_all_at_once_take_effect_on_the_next_request(signed_in, paediatrician):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(person=paediatrician).update(end_date=yesterday)
    assert signed_in.get(QUEUE).status_code == 404


def test_a_membership_given_takes_effect_on_the_next_request(
    client_for, hub, other_hub, coordinator
):
    gp = member(Role.GP, other_hub)
    client = client_for(gp)
    assert "(HUB-B)" in client.get(reverse("home")).content.decode()
    services.add_membership(person=gp, hub=hub, role=Role.GP, by=coordinator)
    assert "(HUB-A, HUB-B)" in client.get(reverse("home")).content.decode()


def test_a_membership_ending_today_stops_at_midnight(client_for, hub):
    person = member(Role.PAEDIATRICIAN, hub)
    evening = datetime.datetime.combine(
        timezone.localdate(), datetime.time(23, 50), tzinfo=timezone.get_current_timezone()
    )
    Membership.objects.filter(person=person).update(end_date=evening.date())
    with time_machine.travel(evening, tick=False):
        client = client_for(person)
        assert client.get(QUEUE).status_code == 200
    with time_machine.travel(evening + datetime.timedelta(minutes=15), tick=False):
        assert client.get(QUEUE).status_code == 404


def test_a_removed_authenticator_takes_effect_on_the_next_request(signed_in, paediatrician):
    Authenticator.objects.filter(user=paediatrician).delete()
    response = signed_in.get(QUEUE)
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_a_hub_that_comes_to_require_cis2_withholds_on_the_next_request(
    signed_in, hub, paediatrician
):
    session = signed_in.session
    session[signin.SESSION_KEY] = {"method": signin.BY_EMAIL, "aal": None, "second_factor": "totp"}
    session.save()
    assert signed_in.get(QUEUE).status_code == 200
    hub.cis2_required_for_clinical = True
    hub.save()
    assert signed_in.get(QUEUE).status_code == 404


def test_a_person_saved_whole_does_not_undo_a_change_made_meanwhile(signed_in, paediatrician):
    stale = Person.objects.get(pk=paediatrician.pk)
    Membership.objects.get(person=paediatrician).delete()
    stale.profession = "Consultant paediatrician"
    stale.save()
    assert signed_in.get(QUEUE).status_code == 404
    assert Person.objects.get(pk=paediatrician.pk).profession == "Consultant paediatrician"
