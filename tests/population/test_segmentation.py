"""Segmentation: the shipped default framework, the rules as data, and month-end snapshots."""

import datetime

from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from hubs.models import Role
from population import tasks
from population.models import Flag, Segment, SegmentRule, SegmentSnapshot, ValueSet
from population.segmentation import resegment_children, take_month_end_snapshot
from tests.factories import ChildFactory, member
from tests.population.factories import (
    ASTHMA,
    CYSTIC_FIBROSIS,
    ECZEMA,
    ECZEMA_OTHER,
    EPILEPSY,
)


def segmented(**fields):
    child = ChildFactory(**fields)
    resegment_children(child_ids=[child.pk])
    child.refresh_from_db()
    return child


def test_the_default_framework_ships_eight_segments_twelve_value_sets_and_their_rules(db):
    assert list(Segment.objects.values_list("number", flat=True)) == list(range(1, 9))
    assert ValueSet.objects.filter(kind="long_term").count() == 8
    assert ValueSet.objects.filter(kind="complex").count() == 4
    assert ValueSet.objects.get(name="eczema").codes == [ECZEMA, ECZEMA_OTHER]
    assert SegmentRule.objects.count() == 15
    assert SegmentRule.objects.get(segment__number=4).count == 2


def test_a_child_no_rule_matches_is_a_healthy_child_with_no_reasons(db):
    child = segmented(conditions=["99999999"])
    assert child.segment == 1
    assert child.segment_reasons == []


def test_a_child_with_asthma_and_a_child_protection_plan_is_in_segment_6_for_both_reasons(db):
    child = segmented(conditions=[ASTHMA], flags=[Flag.CHILD_PROTECTION_PLAN])
    assert child.segment == 6
    assert child.segment_reasons == ["Child protection plan", "Asthma (long-term condition)"]


def test_two_codes_of_one_value_set_are_one_long_term_condition(db):
    assert segmented(conditions=[ECZEMA, ECZEMA_OTHER]).segment == 3


def test_two_distinct_long_term_value_sets_are_multiple_long_term_conditions(db):
    child = segmented(conditions=[ASTHMA, EPILEPSY])
    assert child.segment == 4
    assert child.segment_reasons == [
        "Asthma (long-term condition)",
        "Epilepsy (long-term condition)",
    ]


def test_a_complex_condition_is_segment_7_and_a_severe_acute_illness_is_8(db):
    assert segmented(conditions=[CYSTIC_FIBROSIS]).segment_reasons == [
        "Cystic fibrosis (complex health need)"
    ]
    assert segmented(conditions=[CYSTIC_FIBROSIS]).segment == 7
    child = segmented(conditions=[CYSTIC_FIBROSIS], flags=[Flag.ACUTE_SEVERE_RECENT])
    assert child.segment == 8
    assert child.segment_reasons[0] == "Severe acute illness or admission (90 days)"


def test_resegmenting_some_children_leaves_the_others_alone(db):
    chosen = ChildFactory(conditions=[ASTHMA])
    other = ChildFactory(conditions=[ASTHMA])
    resegment_children(child_ids=[chosen.pk])
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.segment, other.segment) == (3, 1)
    resegment_children(practice_ids=[other.practice_id])
    other.refresh_from_db()
    assert other.segment == 3


def test_resegmenting_a_thousand_children_is_one_statement(
    db, practice, django_assert_max_num_queries
):
    ChildFactory.create_batch(1000, practice=practice, conditions=[ASTHMA])
    with django_assert_max_num_queries(3):  # the statement, within a savepoint
        changed = resegment_children()
    assert changed == 1000


def test_a_coordinator_editing_a_rule_resegments_the_children_it_affects(
    db, hub, practice, client, django_capture_on_commit_callbacks, tasks_run_now
):
    asthma_only = segmented(practice=practice, conditions=[ASTHMA])
    assert asthma_only.segment == 3
    coordinator = member(Role.COORDINATOR, hub, is_staff=True)
    client.force_login(coordinator)
    rule = SegmentRule.objects.get(segment__number=3)
    url = reverse("admin:population_segmentrule_change", args=[rule.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "segment": Segment.objects.get(number=5).pk,
                "condition": "exactly_long_term",
                "value_set": "",
                "flag": "",
                "count": "1",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    asthma_only.refresh_from_db()
    assert asthma_only.segment == 5


def test_a_coordinator_adding_a_value_set_rule_resegments(
    db, hub, practice, client, django_capture_on_commit_callbacks, tasks_run_now
):
    child = segmented(practice=practice, conditions=[EPILEPSY])
    client.force_login(member(Role.COORDINATOR, hub, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:population_segmentrule_add"),
            {
                "segment": Segment.objects.get(number=7).pk,
                "condition": "value_set",
                "value_set": ValueSet.objects.get(name="epilepsy").pk,
                "flag": "",
                "count": "",
            },
        )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.segment == 7
    assert child.segment_reasons == ["Epilepsy (long-term condition)"]


def test_a_flag_rule_without_a_flag_is_refused_naming_the_field(db, hub, client):
    client.force_login(member(Role.COORDINATOR, hub, is_staff=True))
    response = client.post(
        reverse("admin:population_segmentrule_add"),
        {"segment": Segment.objects.get(number=5).pk, "condition": "flag", "flag": ""},
    )
    assert response.status_code == 200
    assert "Choose the flag this rule matches." in response.content.decode()


def test_a_gp_with_staff_status_cannot_edit_the_rules(db, hub, client):
    client.force_login(member(Role.GP, hub, is_staff=True))
    assert client.get(reverse("admin:population_segmentrule_changelist")).status_code == 403


def test_the_nightly_task_resegments_everyone(db):
    child = ChildFactory(flags=[Flag.LOOKED_AFTER])
    tasks.resegment_all()
    child.refresh_from_db()
    assert child.segment == 6


def test_a_month_end_snapshot_keeps_registered_children_once(db, practice):
    day = datetime.date(2026, 10, 31)
    kept = ChildFactory(practice=practice, registered_on=datetime.date(2020, 1, 1))
    ChildFactory(practice=practice, registered_on=datetime.date(2026, 11, 2))
    ChildFactory(
        practice=practice,
        registered_on=datetime.date(2020, 1, 1),
        deregistered_on=datetime.date(2026, 10, 31),
    )
    resegment_children()
    assert take_month_end_snapshot(day) == 1
    assert take_month_end_snapshot(day) == 1
    snapshot = SegmentSnapshot.objects.get()
    assert (snapshot.child, snapshot.month_end, snapshot.segment) == (kept, day, 1)


def test_the_month_end_task_snapshots_the_day_before_the_first(db, practice):
    ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=datetime.date(2026, 3, 1)
    )
    tasks.month_end_snapshot("2026-10-31")
    snapshot = SegmentSnapshot.objects.get()
    assert snapshot.on_asthma_register and snapshot.asthma_plan_current


def test_nightly_and_month_end_runs_are_scheduled(db):
    scheduled = dict(PeriodicTask.objects.values_list("task", "crontab__day_of_month"))
    assert scheduled["population.tasks.resegment_all"] == "*"
    assert scheduled["population.tasks.month_end_snapshot"] == "1"
