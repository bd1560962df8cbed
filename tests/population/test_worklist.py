"""Registers and the asthma worklist: who is due, coverage, CSV, recording a plan review."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent
from population.models import Child, ValueSet
from tests.factories import ChildFactory, PracticeFactory
from tests.population.factories import ASTHMA, ECZEMA, SnapshotFactory


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def worklist_url(hub):
    return reverse("population:asthma_worklist", args=[hub.pk])


def listed(response):
    return set(response.context["page"].paginator.object_list)


def test_the_worklist_lists_asthma_plans_not_reviewed_in_the_last_365_days(
    hub, practice, gp, client_for
):
    never = ChildFactory(practice=practice, conditions=[ASTHMA])
    a_year = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(365)
    )
    recent = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(364)
    )
    ChildFactory(practice=practice, conditions=[ECZEMA])
    ChildFactory(practice=practice, conditions=[ASTHMA], deregistered_on=timezone.localdate())
    response = client_for(gp).get(worklist_url(hub))
    assert listed(response) == {never, a_year}
    assert recent.nhs_number not in response.content.decode()


def test_coverage_is_shown_per_practice_and_for_the_hub(hub, practice, gp, client_for):
    second = PracticeFactory(hub=hub)
    ChildFactory(practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(10))
    ChildFactory(practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=second, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(10))
    response = client_for(gp).get(worklist_url(hub))
    by_practice = {r["practice"]: r["percent"] for r in response.context["coverage"]}
    assert by_practice == {practice: 50.0, second: 100.0}
    assert response.context["hub_coverage"]["percent"] == 66.7


def test_the_coverage_trend_comes_from_the_month_end_snapshots(hub, practice, gp, client_for):
    children = ChildFactory.create_batch(4, practice=practice, conditions=[ASTHMA])
    for i, child in enumerate(children):
        SnapshotFactory(
            child=child,
            month_end=datetime.date(2026, 9, 30),
            on_asthma_register=True,
            asthma_plan_current=i == 0,
        )
        SnapshotFactory(
            child=child,
            month_end=datetime.date(2026, 10, 31),
            on_asthma_register=True,
            asthma_plan_current=i < 3,
        )
    trend = client_for(gp).get(worklist_url(hub)).context["trend"]
    assert [(r["month_end"], r["percent"]) for r in trend] == [
        (datetime.date(2026, 9, 30), 25.0),
        (datetime.date(2026, 10, 31), 75.0),
    ]


def test_the_worklist_can_be_limited_to_a_practice_and_sorted(hub, practice, gp, client_for):
    second = PracticeFactory(hub=hub)
    mine = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(900)
    )
    theirs = ChildFactory(practice=second, conditions=[ASTHMA])
    client = client_for(gp)
    assert listed(client.get(worklist_url(hub), {"practice": practice.pk})) == {mine}
    page = client.get(worklist_url(hub), {"sort": "plan"}).context["page"]
    assert list(page.object_list) == [theirs, mine]  # never reviewed first


@pytest.mark.parametrize("rows", [1, 50])
def test_the_worklist_takes_a_fixed_number_of_queries(
    rows, hub, practice, gp, client_for, django_assert_max_num_queries
):
    for child in ChildFactory.create_batch(rows, practice=practice, conditions=[ASTHMA]):
        SnapshotFactory(child=child, month_end=datetime.date(2026, 10, 31), on_asthma_register=True)
    client = client_for(gp)
    with django_assert_max_num_queries(15):  # one is the audit entry naming the page's children
        response = client.get(worklist_url(hub))
    assert len(response.context["page"].object_list) == rows


def test_the_worklist_csv_lists_the_children_due_and_is_audited_once(hub, practice, gp, client_for):
    due = ChildFactory(practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(1))
    response = client_for(gp).get(reverse("population:asthma_worklist_csv", args=[hub.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "NHS number"
    assert [r[0] for r in rows[1:]] == [due.nhs_number]
    entry = AuditEvent.objects.get()
    assert (entry.action, entry.hub_id, entry.person) == (
        "population.asthma_worklist_csv",
        hub.pk,
        gp,
    )


def test_a_gp_records_a_plan_review_and_the_child_leaves_the_worklist_with_history(
    hub, practice, gp, client_for
):
    child = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(400)
    )
    client = client_for(gp)
    response = client.post(
        reverse("population:mark_plan_reviewed", args=[child.pk]),
        {"reviewed_on": timezone.localdate().isoformat(), "next": worklist_url(hub)},
    )
    assert response["Location"] == worklist_url(hub)
    child.refresh_from_db()
    assert child.asthma_plan_reviewed_on == timezone.localdate()
    assert child not in listed(client.get(worklist_url(hub)))
    latest, earlier = child.history.all()[:2]
    assert latest.history_user == gp
    assert earlier.asthma_plan_reviewed_on == days_ago(400)


def test_a_plan_review_in_the_future_is_refused(practice, paediatrician, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(paediatrician).post(
        reverse("population:mark_plan_reviewed", args=[child.pk]),
        {"reviewed_on": tomorrow.isoformat()},
        follow=True,
    )
    assert "cannot be in the future" in response.content.decode()
    child.refresh_from_db()
    assert child.asthma_plan_reviewed_on is None


def test_a_coordinator_may_see_but_not_record_a_plan_review(practice, coordinator, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    response = client_for(coordinator).post(
        reverse("population:mark_plan_reviewed", args=[child.pk]),
        {"reviewed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert Child.objects.get(pk=child.pk).asthma_plan_reviewed_on is None


def test_an_offsite_next_address_is_not_followed(practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    response = client_for(gp).post(
        reverse("population:mark_plan_reviewed", args=[child.pk]),
        {"reviewed_on": timezone.localdate().isoformat(), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("population:child", args=[child.pk])


# Registers ----------------------------------------------------------------------------------


def test_every_value_set_is_a_register_with_its_count(hub, practice, gp, client_for):
    ChildFactory.create_batch(2, practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=practice, conditions=[ECZEMA])
    response = client_for(gp).get(reverse("population:registers", args=[hub.pk]))
    sizes = {vs.name: vs.register_size for vs in response.context["value_sets"]}
    assert (sizes["asthma"], sizes["eczema"], sizes["epilepsy"]) == (2, 1, 0)


def test_a_register_lists_the_hubs_children_who_match_it(
    hub, practice, other_practice, gp, client_for
):
    mine = ChildFactory(practice=practice, conditions=[ECZEMA])
    ChildFactory(practice=other_practice, conditions=[ECZEMA])
    eczema = ValueSet.objects.get(name="eczema")
    response = client_for(gp).get(reverse("population:register", args=[hub.pk, eczema.pk]))
    assert listed(response) == {mine}


@pytest.mark.parametrize("rows", [1, 50])
def test_registers_take_a_fixed_number_of_queries(
    rows, hub, practice, gp, client_for, django_assert_max_num_queries
):
    ChildFactory.create_batch(rows, practice=practice, conditions=[ASTHMA])
    asthma = ValueSet.objects.get(name="asthma")
    client = client_for(gp)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("population:registers", args=[hub.pk]))
    assert {vs.name: vs.register_size for vs in response.context["value_sets"]}["asthma"] == rows
    with django_assert_max_num_queries(12):  # one is the audit entry naming the page's children
        response = client.get(reverse("population:register", args=[hub.pk, asthma.pk]))
    assert len(response.context["page"].object_list) == rows
