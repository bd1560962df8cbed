"""A segment's or register's list of children: age, the reasons for the segment, open actions and
last hub contact; filtered, sorted, paged, downloaded (audited); a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent
from population.models import ValueSet
from population.segmentation import resegment_children
from tests.advice.factories import AdviceRequestFactory
from tests.clinics.factories import (
    AppointmentFactory,
    ClinicSessionFactory,
    NotBroughtFollowUpFactory,
    free_slot,
)
from tests.factories import ChildFactory, PersonFactory
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory
from tests.population.factories import ASTHMA

ECZEMA = "24079001"


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def born_years_ago(years):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


@pytest.fixture
def asthma_children(hub, practice):
    """Three children with asthma: one discussed with an open action, one seen in clinic and
    asked about since, one the hub has never been in touch with."""
    discussed = ChildFactory(
        practice=practice, family_name="Adams", date_of_birth=born_years_ago(3),
        conditions=[ASTHMA],
    )  # fmt: skip
    seen = ChildFactory(
        practice=practice, family_name="Baker", date_of_birth=born_years_ago(9),
        conditions=[ASTHMA],
    )  # fmt: skip
    never = ChildFactory(
        practice=practice, family_name="Carter", date_of_birth=born_years_ago(15),
        conditions=[ASTHMA],
    )  # fmt: skip
    meeting = MeetingFactory(hub=hub, starts_at=at_noon(days_ago(40)), status="finished",
                             finished_at=at_noon(days_ago(40)))  # fmt: skip
    case = CaseFactory(meeting=meeting, child=discussed, discussed=True, outcome="other")
    ActionFactory(meeting=meeting, case=case, owner=PersonFactory())
    ActionFactory(meeting=meeting, case=case, owner=PersonFactory(), done_at=timezone.now())
    session = ClinicSessionFactory(host_practice=practice, date=days_ago(20))
    AppointmentFactory(slot=free_slot(session), child=seen, status="attended")
    NotBroughtFollowUpFactory(appointment=AppointmentFactory(slot=free_slot(session), child=seen,
                                                             status="not_brought"))  # fmt: skip
    AdviceRequestFactory(hub=hub, child=seen, received_at=at_noon(days_ago(5)))
    resegment_children()
    return discussed, seen, never


def register_url(hub, code=ASTHMA):
    value_set = ValueSet.objects.get(codes__contains=[code])
    return reverse("population:register", args=[hub.pk, value_set.pk])


def rows(response):
    return {c.family_name: c for c in response.context["page"].object_list}


def test_the_list_shows_age_reasons_open_actions_and_last_hub_contact(
    hub, gp, asthma_children, client_for
):
    response = client_for(gp).get(register_url(hub))
    found = rows(response)
    assert found["Adams"].open_actions == 1  # the action done is not counted
    assert found["Adams"].last_contact == days_ago(40)  # the day it was discussed
    assert found["Baker"].open_actions == 1  # the not-brought follow-up
    assert found["Baker"].last_contact == days_ago(5)  # asked about after being seen
    assert (found["Carter"].open_actions, found["Carter"].last_contact) == (0, None)
    body = response.content.decode()
    assert "Asthma (long-term condition)" in body
    assert "3 years" in body and "15 years" in body
    assert '<span class="nhs-number">' in body
    assert "None yet" in body


def test_the_list_filters_by_age_open_actions_and_no_contact_in_a_year(
    hub, gp, asthma_children, client_for
):
    client = client_for(gp)
    url = register_url(hub)
    assert set(rows(client.get(url, {"age": "0-4"}))) == {"Adams"}
    assert set(rows(client.get(url, {"age": "12-17"}))) == {"Carter"}
    assert set(rows(client.get(url, {"open_actions": "on"}))) == {"Adams", "Baker"}
    assert set(rows(client.get(url, {"no_recent_contact": "on"}))) == {"Carter"}
    empty = client.get(url, {"age": "12-17", "open_actions": "on"})
    assert "No children match these filters" in empty.content.decode()


def test_the_list_sorts_by_open_actions_and_by_last_contact(hub, gp, asthma_children, client_for):
    client = client_for(gp)
    url = register_url(hub)
    by_contact = list(rows(client.get(url, {"sort": "contact"})))
    assert by_contact == ["Carter", "Adams", "Baker"]  # never in touch first, then the longest ago
    assert list(rows(client.get(url, {"sort": "-contact"}))) == ["Baker", "Adams", "Carter"]
    assert list(rows(client.get(url, {"sort": "-actions"})))[-1] == "Carter"


def test_any_value_set_is_a_register_list_with_the_same_columns(hub, practice, gp, client_for):
    ChildFactory(practice=practice, family_name="Eczema", conditions=[ECZEMA])
    ChildFactory(practice=practice, family_name="Healthy")
    resegment_children()
    response = client_for(gp).get(register_url(hub, ECZEMA))
    assert set(rows(response)) == {"Eczema"}
    assert "Last hub contact" in response.content.decode()


def test_the_segment_list_has_the_same_columns_and_filters(hub, gp, asthma_children, client_for):
    url = reverse("population:segment", args=[hub.pk, 3])
    response = client_for(gp).get(url, {"open_actions": "on"})
    assert set(rows(response)) == {"Adams", "Baker"}
    assert reverse("population:segment_csv", args=[hub.pk, 3]) in response.content.decode()


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_is_the_list_as_filtered_and_sorted_and_the_download_is_audited(
    hub, gp, asthma_children, client_for
):
    value_set = ValueSet.objects.get(name="asthma")
    url = reverse("population:register_csv", args=[hub.pk, value_set.pk])
    response = client_for(gp).get(url, {"open_actions": "on", "sort": "-contact"})
    assert response["Content-Type"].startswith("text/csv")
    table = _csv(response)
    assert table[0] == [
        "NHS number", "Family name", "Given name", "Date of birth", "Age", "Practice",
        "Segment", "Why", "Open actions", "Last hub contact",
    ]  # fmt: skip
    assert [r[1] for r in table[1:]] == ["Baker", "Adams"]
    baker = table[1]
    assert baker[8] == "1" and baker[9] == days_ago(5).strftime("%-d %b %Y")
    assert baker[7] == "Asthma (long-term condition)"
    event = AuditEvent.objects.get(action="population.register_csv")
    assert (event.person, event.hub_id) == (gp, hub.pk)


def test_the_segment_csv_is_audited_once_per_download(hub, gp, asthma_children, client_for):
    url = reverse("population:segment_csv", args=[hub.pk, 3])
    table = _csv(client_for(gp).get(url))
    assert len(table) == 4
    assert AuditEvent.objects.filter(action="population.segment_csv").count() == 1


def _activity_for(children, hub, practice):
    meeting = MeetingFactory(hub=hub, starts_at=at_noon(days_ago(10)))
    session = ClinicSessionFactory(host_practice=practice, date=days_ago(3))
    for child in children:
        case = CaseFactory(meeting=meeting, child=child)
        ActionFactory(meeting=meeting, case=case, owner=PersonFactory())
        AdviceRequestFactory(hub=hub, child=child)
    for child, slot in zip(children, session.slots.all(), strict=False):
        AppointmentFactory(slot=slot, child=child, status="attended")


@pytest.mark.parametrize("rows_wanted", [1, 50])
@pytest.mark.parametrize("list_name", ["segment", "register"])
def test_the_list_takes_a_fixed_number_of_queries(
    rows_wanted, list_name, hub, practice, gp, client_for, django_assert_max_num_queries
):
    children = ChildFactory.create_batch(rows_wanted, practice=practice, conditions=[ASTHMA])
    _activity_for(children, hub, practice)
    resegment_children()
    url = (
        reverse("population:segment", args=[hub.pk, 3])
        if list_name == "segment"
        else register_url(hub)
    )
    client = client_for(gp)
    with django_assert_max_num_queries(12):  # one is the audit entry naming the page's children
        response = client.get(url, {"sort": "-contact", "open_actions": "on"})
    assert len(response.context["page"].object_list) == rows_wanted
