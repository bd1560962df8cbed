"""The population pages: counts by segment, age and deprivation, drill-down, a child's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent, Role
from population import panels_registry
from population.models import Flag
from population.segmentation import resegment_children
from population.templatetags.population_charts import bar_chart
from tests.factories import ChildFactory, PracticeFactory, member
from tests.population.factories import ASTHMA, SnapshotFactory


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def population(practice):
    """Four children: two healthy, one with asthma, one with asthma and a protection plan."""
    children = [
        ChildFactory(practice=practice, date_of_birth=years_ago(2), imd_decile=1),
        ChildFactory(practice=practice, date_of_birth=years_ago(5), imd_decile=1),
        ChildFactory(
            practice=practice, date_of_birth=years_ago(11, 1), imd_decile=3, conditions=[ASTHMA]
        ),
        ChildFactory(
            practice=practice,
            date_of_birth=years_ago(17),
            conditions=[ASTHMA],
            flags=[Flag.CHILD_PROTECTION_PLAN],
        ),
    ]
    resegment_children()
    return children


def rows_of(table):
    return {r["label"]: (r["count"], r["percent"]) for r in table}


def test_the_hub_page_counts_registered_children_by_segment_age_and_deprivation(
    hub, gp, population, client_for
):
    ChildFactory(practice=population[0].practice, deregistered_on=timezone.localdate())
    response = client_for(gp).get(reverse("population:hub", args=[hub.pk]))
    assert response.status_code == 200
    assert response.context["total"] == 4
    segments = rows_of(response.context["segments"])
    assert segments["1. Healthy child"] == (2, 50.0)
    assert segments["3. Single long-term condition"] == (1, 25.0)
    assert segments["6. Safeguarding and looked after"] == (1, 25.0)
    assert rows_of(response.context["age_bands"]) == {
        "0–4": (1, 25.0),
        "5–11": (2, 50.0),
        "12–17": (1, 25.0),
    }
    deprivation = rows_of(response.context["deprivation"])
    assert deprivation["1 (most deprived)"] == (2, 50.0)
    assert deprivation["Not known"] == (1, 25.0)
    body = response.content.decode()
    assert "<svg" in body
    assert reverse("population:segment", args=[hub.pk, 6]) in body


def test_the_practice_page_counts_only_that_practice(hub, gp, population, client_for):
    other = PracticeFactory(hub=hub)
    ChildFactory(practice=other)
    response = client_for(gp).get(reverse("population:hub", args=[hub.pk]), {"practice": other.pk})
    assert response.context["total"] == 1
    assert response.context["practice"] == other


def test_a_practice_of_another_hub_is_404(hub, gp, other_practice, client_for):
    url = reverse("population:hub", args=[hub.pk])
    assert client_for(gp).get(url, {"practice": other_practice.pk}).status_code == 404


def test_movement_between_segments_compares_two_month_ends(hub, practice, gp, client_for):
    stays, moves, joins = ChildFactory.create_batch(3, practice=practice)
    before, after = datetime.date(2026, 9, 30), datetime.date(2026, 10, 31)
    SnapshotFactory(child=stays, month_end=before, segment=1)
    SnapshotFactory(child=stays, month_end=after, segment=1)
    SnapshotFactory(child=moves, month_end=before, segment=1)
    SnapshotFactory(child=moves, month_end=after, segment=3)
    SnapshotFactory(child=joins, month_end=after, segment=2)
    response = client_for(gp).get(reverse("population:hub", args=[hub.pk]))
    movement = response.context["movement"]
    assert (movement["before"], movement["after"]) == (before, after)
    rows = {r["number"]: r for r in movement["rows"]}
    assert rows[1]["cells"][0] == 1 and rows[1]["cells"][2] == 1 and rows[1]["moved"] == 1
    assert rows[None]["cells"][1] == 1  # newly registered, in segment 2
    assert response.context["trend"]["rows"][1]["cells"][:3] == [1, 1, 1]


def test_the_hub_page_says_when_there_is_no_movement_yet(hub, gp, client_for):
    response = client_for(gp).get(reverse("population:hub", args=[hub.pk]))
    assert "No movement to show yet" in response.content.decode()


def test_a_commissioner_cannot_open_the_population_page(hub, commissioner, client_for):
    response = client_for(commissioner).get(reverse("population:hub", args=[hub.pk]))
    assert response.status_code == 404


def test_the_index_takes_a_one_hub_person_straight_to_their_hub(hub, gp, client_for):
    response = client_for(gp).get(reverse("population:index"))
    assert response["Location"] == reverse("population:hub", args=[hub.pk])


# Drill-down ---------------------------------------------------------------------------------


def test_the_segment_list_shows_the_children_in_that_segment(hub, gp, population, client_for):
    response = client_for(gp).get(reverse("population:segment", args=[hub.pk, 6]))
    assert list(response.context["page"].object_list) == [population[3]]
    assert population[3].formatted_nhs_number in response.content.decode()


def test_the_segment_list_is_searchable_by_name_and_nhs_number(hub, practice, gp, client_for):
    ChildFactory(practice=practice, given_name="Amara", family_name="Okoye")
    wanted = ChildFactory(practice=practice, given_name="Bella", family_name="Stone")
    url = reverse("population:segment", args=[hub.pk, 1])
    client = client_for(gp)
    assert list(client.get(url, {"q": "bella sto"}).context["page"].object_list) == [wanted]
    spaced = wanted.formatted_nhs_number
    assert list(client.get(url, {"q": spaced}).context["page"].object_list) == [wanted]


def test_the_segment_list_sorts_and_pages_by_fifty(hub, practice, gp, client_for):
    ChildFactory.create_batch(51, practice=practice)
    url = reverse("population:segment", args=[hub.pk, 1])
    client = client_for(gp)
    first = client.get(url, {"sort": "-nhs"})
    numbers = [c.nhs_number for c in first.context["page"].object_list]
    assert len(numbers) == 50 and numbers == sorted(numbers, reverse=True)
    assert len(client.get(url, {"sort": "-nhs", "page": 2}).context["page"].object_list) == 1
    assert 'aria-sort="descending"' in first.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_segment_list_takes_a_fixed_number_of_queries(
    rows, hub, practice, gp, client_for, django_assert_max_num_queries
):
    ChildFactory.create_batch(rows, practice=practice)
    client = client_for(gp)
    with django_assert_max_num_queries(12):  # one is the audit entry naming the page's children
        response = client.get(reverse("population:segment", args=[hub.pk, 1]))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_the_hub_page_takes_a_fixed_number_of_queries(
    rows, hub, practice, gp, client_for, django_assert_max_num_queries
):
    for child in ChildFactory.create_batch(rows, practice=practice):
        SnapshotFactory(child=child, month_end=datetime.date(2026, 9, 30))
        SnapshotFactory(child=child, month_end=datetime.date(2026, 10, 31))
    client = client_for(gp)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("population:hub", args=[hub.pk]))
    assert response.context["total"] == rows


def test_the_segment_list_of_another_hub_is_404(other_hub, gp, client_for):
    response = client_for(gp).get(reverse("population:segment", args=[other_hub.pk, 1]))
    assert response.status_code == 404


# A child's page -----------------------------------------------------------------------------


def test_a_childs_page_shows_their_segment_and_every_reason(gp, population, client_for):
    child = population[3]
    response = client_for(gp).get(reverse("population:child", args=[child.pk]))
    body = response.content.decode()
    assert "Segment 6: Safeguarding and looked after" in body
    assert "Child protection plan" in body
    assert "Asthma (long-term condition)" in body
    assert response.context["conditions"] == [(ASTHMA, ["Asthma"])]
    assert child.formatted_nhs_number in body


def test_each_look_at_a_childs_page_writes_exactly_one_audit_entry(gp, child, client_for):
    client = client_for(gp)
    url = reverse("population:child", args=[child.pk])
    client.get(url)
    client.get(url)
    entries = AuditEvent.objects.filter(child_id=child.pk)
    assert entries.count() == 2
    entry = entries.first()
    assert (entry.person, entry.action, entry.hub_id) == (gp, "child.view", child.practice.hub_id)


def test_a_child_of_another_hub_is_404_and_not_audited(gp, other_child, client_for):
    response = client_for(gp).get(reverse("population:child", args=[other_child.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(child_id=other_child.pk).exists()


def test_a_mdt_member_cannot_open_a_childs_page(hub, child, client_for):
    response = client_for(member(Role.MDT_MEMBER, hub)).get(
        reverse("population:child", args=[child.pk])
    )
    assert response.status_code == 404


def test_other_apps_add_panels_to_a_childs_page_in_app_order(gp, child, client_for, monkeypatch):
    def provider(request, child):
        return {
            "title": "Visits",
            "template": "includes/pagination.html",
            "context": {"page": None},
        }

    monkeypatch.setattr(
        panels_registry, "panel_providers", lambda: [provider, lambda request, child: None]
    )
    response = client_for(gp).get(reverse("population:child", args=[child.pk]))
    assert [p["title"] for p in response.context["panels"]] == ["Visits"]
    assert '<h2 class="h4">Visits</h2>' in response.content.decode()


def test_chart_bars_are_proportional_to_the_table_and_percentages_to_100():
    rows = [{"label": "A", "count": 50}, {"label": "B", "count": 100}]
    assert [b["width"] for b in bar_chart(rows, "Children")["bars"]] == [110.0, 220.0]
    percent = bar_chart([{"label": "A", "percent": 50}], "Cover", value="percent", maximum=100)
    assert percent["bars"][0]["width"] == 110.0
