from population.models import Child
from tests.access import PatientData


def _hub(w):
    return {"hub_id": w.hub_b.pk}


def _asthma_child_b(w):
    from tests.population.factories import ASTHMA

    w.child_b.conditions = [ASTHMA]
    w.child_b.save()
    return {"hub_id": w.hub_b.pk}


URLS = [
    # The index lists only the person's own hubs (or redirects to their one hub).
    PatientData("population:index", scoped_list=True),
    PatientData("population:hub", _hub, action="population.view"),
    PatientData(
        "population:segment",
        lambda w: {"hub_id": w.hub_b.pk, "number": 1},
        action="child.view",
    ),
    PatientData(
        "population:segment_csv",
        lambda w: {"hub_id": w.hub_b.pk, "number": 1},
        action="child.export",
    ),
    PatientData("population:registers", _hub, action="child.view"),
    PatientData(
        "population:register_csv",
        lambda w: {**_hub(w), "value_set_id": _asthma_id()},
        action="child.export",
    ),
    PatientData(
        "population:register",
        lambda w: {**_hub(w), "value_set_id": _asthma_id()},
        action="child.view",
    ),
    PatientData("population:asthma_worklist", _asthma_child_b, action="child.view"),
    PatientData("population:asthma_worklist_csv", _asthma_child_b, action="child.view"),
    PatientData("population:child", lambda w: {"pk": w.child_b.pk}, action="child.view"),
    PatientData("population:programmes", _asthma_child_b, action="population.view"),
    PatientData(
        "population:programme_worklist",
        lambda w: {**_asthma_child_b(w), "key": "asthma"},
        action="child.view",
    ),
    PatientData(
        "population:programme_equity",
        lambda w: {**_asthma_child_b(w), "key": "asthma"},
        action="population.view",
    ),
    PatientData("population:segment_equity", _hub, action="population.view"),
    PatientData(
        "population:programme_worklist_csv",
        lambda w: {**_asthma_child_b(w), "key": "asthma"},
        action="child.export",
    ),
    PatientData(
        "population:care_done",
        lambda w: {"pk": w.child_b.pk, "process_id": _asthma_plan_process_id()},
        method="post",
        data=lambda w: {},
        action="worklist.update",
    ),
    PatientData(
        "population:care_exclude",
        lambda w: {"pk": w.child_b.pk, "process_id": _asthma_plan_process_id()},
        method="post",
        data=lambda w: {"reason": "declined", "until": "2099-01-01"},
        action="worklist.update",
    ),
    PatientData(
        "population:mark_plan_reviewed",
        lambda w: {"pk": w.child_b.pk},
        method="post",
        data=lambda w: {"reviewed_on": "2026-01-02"},
        action="worklist.update",
    ),
]


def _asthma_plan_process_id():
    from population.models import CareProcess

    return CareProcess.objects.get(programme__key="asthma", key="management_plan").pk


def _asthma_id():
    from population.models import ValueSet

    return ValueSet.objects.get(name="asthma").pk


# Children are hub rows; segments, value sets and rules are global segmentation data that
# every hub's coordinator edits (population/admin.py), so they have no hub-B row.
ADMIN = {Child: lambda w: w.child_b}
