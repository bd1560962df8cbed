"""The programmes' evaluation measures: registers, care processes in date overall and for
IMD quintile 1, and ED attendances and admissions per 1,000 children."""

import datetime
from decimal import Decimal

from django.utils import timezone

from population.metrics import programme_measures
from population.models import CareEvent, CareProcess, HospitalEvent
from tests.factories import ChildFactory, HubFactory, PracticeFactory
from tests.population.factories import ASTHMA


def test_programme_measures_per_hub_and_together(db):
    today = timezone.localdate()
    first = PracticeFactory(hub=HubFactory())
    second = PracticeFactory(hub=HubFactory())
    core20 = [ChildFactory(practice=first, conditions=[ASTHMA], imd_decile=1) for _ in range(2)]
    ChildFactory(practice=first, conditions=[ASTHMA], imd_decile=9, asthma_plan_reviewed_on=today)
    ChildFactory(practice=first)
    ChildFactory(practice=second, conditions=[ASTHMA], asthma_plan_reviewed_on=today)
    technique = CareProcess.objects.get(programme__key="asthma", key="inhaler_technique")
    CareEvent.objects.create(child=core20[0], process=technique, done_on=today, source="import")
    for days, kind in ((3, "ed_attendance"), (5, "ed_attendance"), (6, "admission")):
        HospitalEvent.objects.create(
            child=core20[1], occurred_on=today - datetime.timedelta(days=days), kind=kind
        )
    HospitalEvent.objects.create(  # before the period
        child=core20[1], occurred_on=today - datetime.timedelta(days=60), kind="admission"
    )
    hub_ids = [first.hub_id, second.hub_id]
    period = (today - datetime.timedelta(days=30), today)
    by_hub = programme_measures(hub_ids, *period, by="hub")
    one = by_hub[first.hub_id]
    assert one["programme_asthma_register"] == 3
    assert one["programme_asthma_management_plan_pct"] == Decimal("33.3")
    assert one["programme_asthma_management_plan_core20_pct"] == Decimal("0.0")
    assert one["programme_asthma_inhaler_technique_core20_pct"] == Decimal("50.0")
    assert one["programme_diabetes_register"] == 0
    assert one["programme_diabetes_hba1c_pct"] is None
    assert one["programme_oral_health_register"] == 4  # every child aged 1 to 10
    assert one["hospital_events_ed_attendances_per_1000"] == 500.0  # 2 of 4 children
    assert one["hospital_events_admissions_per_1000"] == 250.0
    together = programme_measures(hub_ids, *period)
    assert together["programme_asthma_register"] == 4
    assert together["programme_asthma_management_plan_pct"] == Decimal("50.0")
    assert together["hospital_events_ed_attendances_per_1000"] == 400.0
    months = programme_measures(hub_ids, *period, by="month")
    assert all("programme_asthma_register" in values for values in months.values())
