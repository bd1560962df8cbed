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
