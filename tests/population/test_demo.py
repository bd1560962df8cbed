"""The demo children: valid test-range NHS numbers, plausible prevalences, the same each run."""

from cc4c.validators import nhs_number_is_valid
from hubs import demo as hubs_demo
from hubs.demo import DemoContext
from population import demo
from population.models import Child, SegmentSnapshot

ASTHMA = "195967001"


def load(children=600):
    ctx = DemoContext(2016, children=children)
    hubs_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_loading_the_demo_twice_gives_the_same_children(db):
    ctx = load()
    first = list(
        Child.objects.order_by("nhs_number").values_list("nhs_number", "given_name", "segment")
    )
    load()
    again = list(
        Child.objects.order_by("nhs_number").values_list("nhs_number", "given_name", "segment")
    )
    assert len(first) == 600 and first == again
    assert sum(len(v) for v in ctx["hub_children"].values()) == 600
    assert set(ctx["hub_children"]) == {spec["hub"].pk for spec in ctx["hubs"]}


def test_demo_children_are_plausible(db):
    load()
    children = list(Child.objects.all())
    assert all(
        n.startswith("999") and nhs_number_is_valid(n) for n in (c.nhs_number for c in children)
    )
    assert all(0 <= c.age_on() <= 17 for c in children)
    with_asthma = sum(ASTHMA in c.conditions for c in children)
    assert 30 <= with_asthma <= 100  # about one in ten
    assert {c.segment for c in children} >= {1, 2, 3, 5}
    assert SegmentSnapshot.objects.values("month_end").distinct().count() == demo.SNAPSHOT_MONTHS


def test_demo_conditions_and_flags_fit_the_childs_age(db):
    load()
    youngest = {code: age for code, _p, age in demo.CONDITIONS}
    flag_youngest = {str(flag): age for flag, _p, age in demo.FLAGS}
    children = list(Child.objects.all())
    for child in children:
        age = child.age_on()
        assert all(age >= youngest[code] for code in child.conditions), child.pk
        assert all(age >= flag_youngest[flag] for flag in child.flags), child.pk
    assert not [c for c in children if ASTHMA in c.conditions and c.age_on() < 2]
    assert not [c for c in children if "406506008" in c.conditions and c.age_on() < 6]
    reviewed = [c for c in children if c.asthma_plan_reviewed_on]
    assert reviewed and all(
        c.asthma_plan_reviewed_on >= demo._years_after(c.date_of_birth, 2) for c in reviewed
    )


def test_demo_names_fit_the_recorded_sex(db):
    load()
    for child in Child.objects.all():
        assert child.given_name in demo.GIVEN_NAMES[child.sex], (child.given_name, child.sex)
    assert not set(demo.GIVEN_NAMES["female"]) & set(demo.GIVEN_NAMES["male"])


def test_a_demo_case_picks_a_child_of_the_right_age_and_condition(db):
    from django.utils import timezone

    load()
    today = timezone.localdate()
    children = list(Child.objects.order_by("pk"))
    child = demo.fitting_child(children, ages=(6, 12), conditions=[ASTHMA], today=today)
    assert 6 <= child.age_on(today) <= 12 and ASTHMA in child.conditions
    assert demo.fitting_child(children, ages=(30, 40), today=today) is None
