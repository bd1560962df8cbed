"""Programmes: the five default registers, their care processes' intervals, exclusions, the
worklist's order, filters, CSV and paging, and recording a process done or an exclusion."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent
from population.models import CareEvent, CareProcess, Child, Exclusion, HospitalEvent, Programme
from population.programmes import engine, services
from population.services import PopulationError
from tests.factories import ChildFactory, PracticeFactory
from tests.population.factories import ASTHMA, ECZEMA, EPILEPSY

TYPE_1_DIABETES = "46635009"
TYPE_2_DIABETES = "44054006"
DEPRESSION = "35489007"


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def born_years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def programme(key):
    return Programme.objects.get(key=key)


def process(programme_key, key):
    return CareProcess.objects.get(programme__key=programme_key, key=key)


def done(child, programme_key, key, days):
    return CareEvent.objects.create(
        child=child, process=process(programme_key, key), done_on=days_ago(days), source="import"
    )


def statuses(programme_key, children=None):
    """{(child, process key): status} for the programme's register among ``children``."""
    children = children if children is not None else Child.objects.registered_on()
    rows = engine.WorklistRows(
        children, programme(programme_key), statuses=list(engine.STATUS_LABELS)
    )
    return {(Child.objects.get(pk=r["child_id"]), r["process_key"]): r["status"] for r in rows}


def worklist_url(hub, key="asthma"):
    return reverse("population:programme_worklist", args=[hub.pk, key])


# The default programmes -----------------------------------------------------------------------


def test_the_five_core20plus5_programmes_ship_with_their_care_processes(db):
    shipped = {
        p.key: [(c.key, c.interval_days) for c in p.processes.all()]
        for p in Programme.objects.all()
    }
    assert shipped == {
        "asthma": [("management_plan", 365), ("inhaler_technique", 365)],
        "diabetes": [("hba1c", 91), ("annual_review", 365)],
        "epilepsy": [("annual_review", 365), ("care_plan", 365)],
        "oral_health": [("dental_check", 365)],
        "mental_health": [("crisis_contact", None), ("crisis_review", 7)],
    }


def test_every_shipped_code_is_a_snomed_ct_concept_id(db):
    from population.imports import snomed_concept_id

    codes = [code for p in CareProcess.objects.all() for code in p.codes]
    for value_set in [vs for p in Programme.objects.all() for vs in p.value_sets.all()]:
        codes += value_set.codes
    assert codes
    assert [snomed_concept_id(code) for code in codes] == codes


@pytest.mark.parametrize(
    ("key", "conditions", "age", "on_register"),
    [
        ("asthma", [ASTHMA], 6, True),
        ("asthma", [ECZEMA], 6, False),
        ("diabetes", [TYPE_1_DIABETES], 12, True),
        ("diabetes", [TYPE_2_DIABETES], 15, True),
        ("diabetes", [ASTHMA], 15, False),
        ("epilepsy", [EPILEPSY], 3, True),
        ("epilepsy", [ASTHMA], 3, False),
        ("oral_health", [], 1, True),
        ("oral_health", [], 10, True),
        ("oral_health", [], 0, False),
        ("oral_health", [], 11, False),
        ("mental_health", [DEPRESSION], 14, True),
        ("mental_health", [EPILEPSY], 14, False),
    ],
)
def test_each_default_programme_registers_the_children_it_names(
    key, conditions, age, on_register, practice
):
    child = ChildFactory(
        practice=practice, conditions=conditions, date_of_birth=born_years_ago(age)
    )
    registered = engine.on_register(Child.objects.all(), programme(key))
    assert (child in registered) is on_register


def test_the_mental_health_register_does_not_change_a_childs_segment(practice):
    from population.segmentation import resegment_children

    child = ChildFactory(practice=practice, conditions=[DEPRESSION])
    resegment_children()
    child.refresh_from_db()
    assert child.segment == 1


# Intervals --------------------------------------------------------------------------------------


def test_asthma_processes_are_due_yearly_and_read_the_imported_plan_date(practice):
    never = ChildFactory(practice=practice, conditions=[ASTHMA])
    imported = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(100)
    )
    a_year = ChildFactory(practice=practice, conditions=[ASTHMA])
    done(a_year, "asthma", "management_plan", 365)
    done(a_year, "asthma", "inhaler_technique", 340)
    found = statuses("asthma")
    assert found[(never, "management_plan")] == "never"
    assert found[(imported, "management_plan")] == "in_date"
    assert found[(a_year, "management_plan")] == "overdue"
    assert found[(a_year, "inhaler_technique")] == "due"  # due in 25 days


def test_diabetes_hba1c_is_due_every_three_months_and_the_review_every_year(practice):
    child = ChildFactory(practice=practice, conditions=[TYPE_1_DIABETES])
    done(child, "diabetes", "hba1c", 92)
    done(child, "diabetes", "annual_review", 200)
    found = statuses("diabetes")
    assert found[(child, "hba1c")] == "overdue"
    assert found[(child, "annual_review")] == "in_date"
    done(child, "diabetes", "hba1c", 70)
    assert statuses("diabetes")[(child, "hba1c")] == "due"  # in 21 days


def test_epilepsy_review_and_care_plan_are_yearly(practice):
    child = ChildFactory(practice=practice, conditions=[EPILEPSY])
    done(child, "epilepsy", "annual_review", 10)
    found = statuses("epilepsy")
    assert found[(child, "annual_review")] == "in_date"
    assert found[(child, "care_plan")] == "never"


def test_the_dental_check_is_yearly_for_every_child_aged_1_to_10(practice):
    checked = ChildFactory(practice=practice, date_of_birth=born_years_ago(4))
    unchecked = ChildFactory(practice=practice, date_of_birth=born_years_ago(9))
    ChildFactory(practice=practice, date_of_birth=born_years_ago(12))
    done(checked, "oral_health", "dental_check", 364)
    found = statuses("oral_health")
    assert found == {(checked, "dental_check"): "due", (unchecked, "dental_check"): "never"}


def test_a_mental_health_review_is_due_after_each_crisis_contact(practice):
    calm = ChildFactory(practice=practice, conditions=[DEPRESSION])
    crisis = ChildFactory(practice=practice, conditions=[DEPRESSION])
    reviewed = ChildFactory(practice=practice, conditions=[DEPRESSION])
    done(crisis, "mental_health", "crisis_contact", 10)
    done(reviewed, "mental_health", "crisis_contact", 10)
    done(reviewed, "mental_health", "crisis_review", 8)
    found = statuses("mental_health")
    assert found[(calm, "crisis_review")] == "not_due"
    assert found[(crisis, "crisis_review")] == "overdue"  # due within 7 days of the contact
    assert found[(reviewed, "crisis_review")] == "in_date"
    assert (calm, "crisis_contact") not in found  # recorded only, never due
    done(reviewed, "mental_health", "crisis_contact", 1)  # a new crisis: a new review is due
    assert statuses("mental_health")[(reviewed, "crisis_review")] == "due"


# Exclusions -------------------------------------------------------------------------------------


def test_an_exclusion_takes_the_child_off_the_worklist_and_coverage_until_it_expires(practice, gp):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    other = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(5)
    )
    plan = process("asthma", "management_plan")
    services.exclude(
        child=child, process=plan, by=gp, reason="declined", until=timezone.localdate()
    )
    assert statuses("asthma")[(child, "management_plan")] == "excluded"
    counts = engine.coverage_counts(Child.objects.all(), programme("asthma"))
    assert counts[(None, plan.pk)] == (1, 1, 1)  # one eligible (other), in date, one excluded
    Exclusion.objects.update(until=days_ago(1))
    assert statuses("asthma")[(child, "management_plan")] == "never"
    assert other  # in date throughout


@pytest.mark.parametrize(
    ("reason", "until", "message"),
    [
        ("declined", -1, "until today or later"),
        ("declined", 3 * 366 + 10, "at most three years"),
        ("bored", 30, "Choose why"),
    ],
)
def test_an_exclusion_needs_a_reason_and_an_expiry_within_three_years(
    reason, until, message, practice, gp
):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    with pytest.raises(PopulationError, match=message):
        services.exclude(
            child=child,
            process=process("asthma", "management_plan"),
            by=gp,
            reason=reason,
            until=timezone.localdate() + datetime.timedelta(days=until),
        )
    assert not Exclusion.objects.exists()


def test_a_commissioner_cannot_record_care_or_exclude(practice, commissioner):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    with pytest.raises(PopulationError):
        services.record_care_done(
            child=child, process=process("asthma", "management_plan"), by=commissioner
        )
    assert not CareEvent.objects.exists()


# The worklist page ------------------------------------------------------------------------------


def listed(response):
    return [(r["child_id"], r["process_key"]) for r in response.context["page"].object_list]


def test_the_worklist_puts_the_highest_risk_first(hub, practice, gp, client_for):
    plain = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=1, segment=3)
    deprived = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=1, segment=4)
    affluent = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=10, segment=4)
    admitted = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=10, segment=4)
    complex_ = ChildFactory(practice=practice, conditions=[ASTHMA], segment=7)
    HospitalEvent.objects.create(child=admitted, occurred_on=days_ago(30), kind="admission")
    HospitalEvent.objects.create(child=plain, occurred_on=days_ago(400), kind="admission")
    response = client_for(gp).get(worklist_url(hub), {"process": "management_plan"})
    order = [child_id for child_id, _ in listed(response)]
    assert order == [complex_.pk, admitted.pk, deprived.pk, affluent.pk, plain.pk]


def test_each_row_says_why_the_child_is_on_the_worklist(hub, practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA], segment_reasons=["Asthma"])
    done(child, "asthma", "inhaler_technique", 400)
    response = client_for(gp).get(worklist_url(hub))
    reasons = {r["process_key"]: r.reason for r in response.context["page"].object_list}
    overdue_since = (days_ago(400) + datetime.timedelta(days=365)).strftime("%-d %b %Y")
    last_done = days_ago(400).strftime("%-d %b %Y")
    assert reasons == {
        "management_plan": "never done",
        "inhaler_technique": f"overdue since {overdue_since} (last done {last_done})",
    }
    assert (
        "<strong>Asthma management plan reviewed</strong>: never done" in response.content.decode()
    )


def test_the_worklist_filters_by_process_status_quintile_flag_and_search(
    hub, practice, gp, client_for
):
    core20 = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=2)
    looked_after = ChildFactory(
        practice=practice, conditions=[ASTHMA], imd_decile=7, flags=["looked_after"]
    )
    done(looked_after, "asthma", "inhaler_technique", 400)
    client = client_for(gp)
    url = worklist_url(hub)
    assert {c for c, _ in listed(client.get(url, {"quintile": "1"}))} == {core20.pk}
    assert {c for c, _ in listed(client.get(url, {"flag": "looked_after"}))} == {looked_after.pk}
    assert listed(client.get(url, {"status": "overdue"})) == [
        (looked_after.pk, "inhaler_technique")
    ]
    assert {p for _, p in listed(client.get(url, {"process": "inhaler_technique"}))} == {
        "inhaler_technique"
    }
    assert {c for c, _ in listed(client.get(url, {"q": core20.nhs_number}))} == {core20.pk}


def test_the_worklist_is_limited_to_a_practice_and_to_the_hubs_children(
    hub, practice, other_child, gp, client_for
):
    second = PracticeFactory(hub=hub)
    mine = ChildFactory(practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=second, conditions=[ASTHMA])
    other_child.conditions = [ASTHMA]
    other_child.save()
    client = client_for(gp)
    assert {c for c, _ in listed(client.get(worklist_url(hub), {"practice": practice.pk}))} == {
        mine.pk
    }
    assert other_child.pk not in {c for c, _ in listed(client.get(worklist_url(hub)))}


def test_the_worklist_pages_by_fifty(hub, practice, gp, client_for):
    ChildFactory.create_batch(26, practice=practice, conditions=[ASTHMA])  # 52 items
    client = client_for(gp)
    first = client.get(worklist_url(hub))
    assert first.context["page"].paginator.count == 52
    assert len(first.context["page"].object_list) == 50
    second = client.get(worklist_url(hub), {"page": 2})
    assert len(second.context["page"].object_list) == 2
    assert not set(listed(first)) & set(listed(second))


@pytest.mark.parametrize("rows", [1, 50])
def test_the_worklist_takes_a_fixed_number_of_queries(
    rows, hub, practice, gp, client_for, django_assert_max_num_queries
):
    for child in ChildFactory.create_batch(rows, practice=practice, conditions=[ASTHMA]):
        done(child, "asthma", "inhaler_technique", 10)
    client = client_for(gp)
    with django_assert_max_num_queries(14):
        response = client.get(worklist_url(hub))
    assert len(response.context["page"].object_list) == rows


def test_a_page_past_the_last_shows_the_last_and_a_bad_number_the_first(
    hub, practice, gp, client_for
):
    ChildFactory.create_batch(26, practice=practice, conditions=[ASTHMA])  # 52 items
    client = client_for(gp)
    past = client.get(worklist_url(hub), {"page": 9}).context["page"]
    assert (past.number, len(past.object_list)) == (2, 2)
    assert client.get(worklist_url(hub), {"page": "x"}).context["page"].number == 1


def coverage_shown(response):
    summary = response.context["summary"]
    return summary["register_size"], [
        (r["process"].key, r["eligible"], r["in_date"], r["excluded"], r["percent"])
        for r in summary["processes"]
    ]


def test_the_coverage_is_the_same_with_or_without_a_filter(hub, practice, gp, client_for):
    found = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=1)
    ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=9)
    done(found, "asthma", "inhaler_technique", 10)
    client = client_for(gp)
    whole = client.get(worklist_url(hub))
    assert coverage_shown(whole) == (
        2,
        [("management_plan", 2, 0, 0, 0.0), ("inhaler_technique", 2, 1, 0, 50.0)],
    )
    for narrowed in ({"quintile": "1"}, {"q": found.nhs_number}, {"process": "management_plan"}):
        assert coverage_shown(client.get(worklist_url(hub), narrowed)) == coverage_shown(whole)


def test_the_coverage_shown_changes_as_soon_as_a_gp_marks_a_process_done(
    hub, practice, gp, client_for
):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=practice, conditions=[ASTHMA])
    client = client_for(gp)
    before = client.get(worklist_url(hub))
    assert coverage_shown(before)[1][1] == ("inhaler_technique", 2, 0, 0, 0.0)
    technique = process("asthma", "inhaler_technique")
    client.post(reverse("population:care_done", args=[child.pk, technique.pk]))
    after = client.get(worklist_url(hub))
    assert coverage_shown(after)[1][1] == ("inhaler_technique", 2, 1, 0, 50.0)
    assert (child.pk, "inhaler_technique") not in listed(after)
    assert after.context["page"].paginator.count == before.context["page"].paginator.count - 1


def test_the_coverage_trend_is_drawn_again_when_a_snapshot_changes(hub, practice, gp, client_for):
    from population.models import ProgrammeSnapshot

    snapshot = ProgrammeSnapshot.objects.create(
        month_end=datetime.date(2026, 10, 31),
        practice=practice,
        process=process("asthma", "management_plan"),
        eligible=4,
        in_date=1,
        excluded=0,
    )
    client = client_for(gp)
    first = client.get(worklist_url(hub)).content.decode()
    assert '<td class="text-end">25.0</td>' in first
    snapshot.in_date = 3
    snapshot.save()
    again = client.get(worklist_url(hub)).content.decode()
    assert '<td class="text-end">75.0</td>' in again
    assert '<td class="text-end">25.0</td>' not in again


def test_the_empty_worklist_says_so_and_offers_the_programmes(hub, practice, gp, client_for):
    ChildFactory(practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(1))
    body = client_for(gp).get(worklist_url(hub, "diabetes")).content.decode()
    assert "No child on the register is due a care process" in body


def test_an_unknown_programme_is_404(hub, gp, client_for):
    assert client_for(gp).get(worklist_url(hub, "nothing")).status_code == 404


def test_the_worklist_csv_is_the_filtered_list_and_is_audited_once(hub, practice, gp, client_for):
    core20 = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=1)
    ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=9)
    response = client_for(gp).get(
        reverse("population:programme_worklist_csv", args=[hub.pk, "asthma"]), {"quintile": "1"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["NHS number", "Family name", "Given name"]
    assert {r[0] for r in rows[1:]} == {core20.nhs_number}
    assert len(rows) == 3  # both asthma processes
    entry = AuditEvent.objects.get()
    assert (entry.action, entry.hub_id, entry.person, entry.child_ids) == (
        "population.programme_worklist_csv",
        hub.pk,
        gp,
        [core20.pk],
    )


def test_a_look_at_the_worklist_is_audited_with_the_children_shown(hub, practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    client_for(gp).get(worklist_url(hub))
    entry = AuditEvent.objects.get()
    assert (entry.action, entry.child_ids) == ("population.programme_worklist", [child.pk])


def test_the_programmes_page_shows_each_register_and_coverage(hub, practice, gp, client_for):
    ChildFactory(practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(1))
    ChildFactory(practice=practice, conditions=[ASTHMA])
    response = client_for(gp).get(reverse("population:programmes", args=[hub.pk]))
    summaries = {s["programme"].key: s for s in response.context["summaries"]}
    assert set(summaries) == {"asthma", "diabetes", "epilepsy", "oral_health", "mental_health"}
    asthma = summaries["asthma"]
    assert asthma["register_size"] == 2
    assert [(r["process"].key, r["percent"]) for r in asthma["processes"]] == [
        ("management_plan", 50.0),
        ("inhaler_technique", 0.0),
    ]
    assert summaries["oral_health"]["register_size"] == 2  # both are 6


# Recording done and excluded --------------------------------------------------------------------


def test_a_gp_marks_a_process_done_today_and_it_leaves_the_worklist(hub, practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    technique = process("asthma", "inhaler_technique")
    client = client_for(gp)
    url = reverse("population:care_done", args=[child.pk, technique.pk])
    response = client.post(url, {"next": worklist_url(hub)})
    assert response["Location"] == worklist_url(hub)
    client.post(url, {"next": worklist_url(hub)})  # twice: one event
    event = CareEvent.objects.get()
    assert (event.process, event.done_on, event.recorded_by) == (
        technique,
        timezone.localdate(),
        gp,
    )
    assert (child.pk, "inhaler_technique") not in listed(client.get(worklist_url(hub)))


def test_marking_the_asthma_plan_done_updates_the_asthma_pages(hub, practice, gp, client_for):
    child = ChildFactory(
        practice=practice, conditions=[ASTHMA], asthma_plan_reviewed_on=days_ago(400)
    )
    client = client_for(gp)
    client.post(
        reverse("population:care_done", args=[child.pk, process("asthma", "management_plan").pk])
    )
    child.refresh_from_db()
    assert child.asthma_plan_reviewed_on == timezone.localdate()
    asthma = client.get(reverse("population:asthma_worklist", args=[hub.pk]))
    assert child not in set(asthma.context["page"].paginator.object_list)


def test_an_excluded_child_leaves_the_asthma_worklist_too(hub, practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    client = client_for(gp)
    plan = process("asthma", "management_plan")
    url = reverse("population:care_exclude", args=[child.pk, plan.pk])
    until = timezone.localdate() + datetime.timedelta(days=90)
    response = client.post(
        url, {"reason": "specialist", "until": until.isoformat(), "next": worklist_url(hub)}
    )
    assert response["Location"] == worklist_url(hub)
    exclusion = Exclusion.objects.get()
    assert (exclusion.reason, exclusion.until, exclusion.recorded_by) == ("specialist", until, gp)
    asthma = client.get(reverse("population:asthma_worklist", args=[hub.pk]))
    assert child not in set(asthma.context["page"].paginator.object_list)
    assert (child.pk, "management_plan") not in listed(client.get(worklist_url(hub)))


def test_the_exclusion_form_names_what_is_missing(practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    url = reverse(
        "population:care_exclude", args=[child.pk, process("asthma", "management_plan").pk]
    )
    response = client_for(gp).post(url, {"until": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select why the child is excluded" in body
    assert "There is a problem" in body
    assert not Exclusion.objects.exists()


def test_the_exclusion_form_of_another_hubs_child_is_404(other_child, gp, client_for):
    url = reverse(
        "population:care_exclude", args=[other_child.pk, process("asthma", "management_plan").pk]
    )
    assert client_for(gp).get(url).status_code == 404


def test_a_next_address_off_the_site_is_not_followed(practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    url = reverse("population:care_done", args=[child.pk, process("asthma", "management_plan").pk])
    response = client_for(gp).post(url, {"next": "https://example.org/"})
    assert response["Location"] == child.get_absolute_url()


# Equity -----------------------------------------------------------------------------------------


def test_coverage_by_quintile_shows_the_gap_with_its_interval(hub, practice, gp, client_for):
    for i in range(4):
        ChildFactory(
            practice=practice,
            conditions=[ASTHMA],
            imd_decile=1,
            asthma_plan_reviewed_on=days_ago(5) if i == 0 else None,
        )
    for _ in range(2):
        ChildFactory(
            practice=practice,
            conditions=[ASTHMA],
            imd_decile=10,
            asthma_plan_reviewed_on=days_ago(5),
        )
    response = client_for(gp).get(
        reverse("population:programme_equity", args=[hub.pk, "asthma"]), {"by": "quintile"}
    )
    breakdown = response.context["breakdown"]
    rows = {r["label"]: r for r in breakdown["rows"]}
    core20 = rows["1 (most deprived, Core20)"]
    assert core20["register"] == 4
    assert (core20["cells"][0]["in_date"], core20["cells"][0]["eligible"]) == (1, 4)
    assert rows["5 (least deprived)"]["cells"][0]["percent"] == 100.0
    from cc4c import stats

    low, high = stats.proportion_difference(1, 4, 2, 2)
    assert breakdown["gaps"][0] == {
        "points": -75.0,
        "low": round(100 * low, 1),
        "high": round(100 * high, 1),
    }


def test_coverage_by_ethnic_group_and_by_flag(hub, practice, gp, client_for):
    ChildFactory(practice=practice, conditions=[ASTHMA], ethnic_category="N")
    ChildFactory(practice=practice, conditions=[ASTHMA], ethnic_category="A", flags=["young_carer"])
    ChildFactory(practice=practice, conditions=[ASTHMA])
    client = client_for(gp)
    url = reverse("population:programme_equity", args=[hub.pk, "asthma"])
    by_group = {
        r["label"]: r["register"]
        for r in client.get(url, {"by": "ethnicity"}).context["breakdown"]["rows"]
    }
    assert (by_group["Black or Black British"], by_group["White"], by_group["Not recorded"]) == (
        1,
        1,
        1,
    )
    by_flag = {
        r["label"]: r["register"]
        for r in client.get(url, {"by": "flag"}).context["breakdown"]["rows"]
    }
    assert (by_flag["Young carer"], by_flag["None of these"], by_flag["Looked after"]) == (1, 2, 0)


def test_segment_counts_by_quintile(hub, practice, gp, client_for):
    ChildFactory(practice=practice, imd_decile=2, segment=6)
    ChildFactory(practice=practice, imd_decile=1, segment=1)
    ChildFactory(practice=practice, imd_decile=9, segment=1)
    response = client_for(gp).get(reverse("population:segment_equity", args=[hub.pk]))
    rows = {r["label"]: r for r in response.context["breakdown"]["rows"]}
    core20 = rows["1 (most deprived, Core20)"]
    assert core20["total"] == 2
    assert [c["count"] for c in core20["cells"]] == [1, 0, 0, 0, 0, 1, 0, 0]
    assert core20["cells"][5]["percent"] == 50.0


# Coverage over time -----------------------------------------------------------------------------


def test_the_month_end_snapshot_keeps_each_programmes_coverage_per_practice(
    hub, practice, gp, client_for
):
    from population.models import ProgrammeSnapshot
    from population.segmentation import take_month_end_snapshot

    second = PracticeFactory(hub=hub)
    september, october = datetime.date(2026, 9, 30), datetime.date(2026, 10, 31)
    reviewed = ChildFactory(practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=practice, conditions=[ASTHMA])
    ChildFactory(practice=second, conditions=[ASTHMA])
    plan = process("asthma", "management_plan")
    CareEvent.objects.create(child=reviewed, process=plan, done_on=october, source="import")
    take_month_end_snapshot(september)
    take_month_end_snapshot(october)
    take_month_end_snapshot(october)  # twice: the same rows
    kept = {
        (s.month_end, s.practice_id): (s.eligible, s.in_date)
        for s in ProgrammeSnapshot.objects.filter(process=plan)
    }
    assert kept == {
        (september, practice.pk): (2, 0),
        (september, second.pk): (1, 0),
        (october, practice.pk): (2, 1),
        (october, second.pk): (1, 0),
    }
    trend = client_for(gp).get(worklist_url(hub)).context["trend"]
    plan_trend = next(t for t in trend if t["process"] == plan)
    assert [(r["month_end"], r["percent"]) for r in plan_trend["rows"]] == [
        (september, 0.0),
        (october, 33.3),
    ]
    practice_only = client_for(gp).get(worklist_url(hub), {"practice": practice.pk})
    rows = next(t for t in practice_only.context["trend"] if t["process"] == plan)["rows"]
    assert [r["percent"] for r in rows] == [0.0, 50.0]
