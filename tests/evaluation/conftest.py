import datetime
from decimal import Decimal

import pytest

from evaluation.models import EvaluationReport, HospitalActivity, HubCost, Tariff
from evaluation.periods import Period, add_months
from evaluation.services import build
from population.models import Child
from tests.factories import ChildFactory

ASTHMA = "195967001"
PERIOD_FROM = datetime.date(2025, 4, 1)
PERIOD_TO = datetime.date(2026, 3, 31)


def built_report(hubs, *, suppressed=False, **fields):
    """The report of the hubs for the financial year 2025-26 against 2024-25, built."""
    period = Period.of(PERIOD_FROM, PERIOD_TO)
    report = EvaluationReport.objects.create(
        period_from=period.date_from,
        period_to=period.date_to,
        baseline_from=period.baseline_from,
        baseline_to=period.baseline_to,
        suppressed=suppressed,
        **fields,
    )
    report.hubs.set(hubs)
    build(report.pk)
    report.refresh_from_db()
    return report


def _child(practice, **kwargs):
    kwargs.setdefault("date_of_birth", datetime.date(2015, 6, 1))
    kwargs.setdefault("registered_on", datetime.date(2016, 1, 1))
    return ChildFactory(practice=practice, **kwargs)


@pytest.fixture
def population_data(practice, other_practice):
    """Hub A at 31 March 2026: 10 children counted, 3 who are not; 4 on the asthma register."""
    for _ in range(5):
        _child(practice, segment=1)
    _child(practice, segment=3, conditions=[ASTHMA], asthma_plan_reviewed_on=PERIOD_TO)
    _child(
        practice,
        segment=3,
        conditions=[ASTHMA],
        asthma_plan_reviewed_on=PERIOD_TO - datetime.timedelta(days=364),  # the 365th day: in
    )
    _child(
        practice,
        segment=6,
        conditions=[ASTHMA],
        flags=["child_protection_plan"],
        asthma_plan_reviewed_on=PERIOD_TO - datetime.timedelta(days=365),  # a day too old
    )
    _child(practice, segment=6, conditions=[ASTHMA])
    _child(practice, segment=6)
    # Not counted: left the list on the last day, turned 18 on the last day, joined after.
    _child(practice, deregistered_on=PERIOD_TO)
    _child(practice, date_of_birth=datetime.date(2008, 3, 31))
    _child(practice, registered_on=PERIOD_TO + datetime.timedelta(days=1))
    # Hub B's children never count for hub A.
    _child(other_practice, segment=8, conditions=[ASTHMA])
    return Child.objects.all()


BASELINE = {
    "op_new": 100,
    "op_new_subspecialty": 100,
    "op_follow_up": 200,
    "ed_attendance": 50,
    "admission": 100,
}
PERIOD = {
    "op_new": 61,
    "op_new_subspecialty": 81,
    "op_follow_up": 150,
    "ed_attendance": 39,
    "admission": 83,
}


def _spread(practice, start, totals):
    """Spread each total over twelve months, the remainder in the first month."""
    rows = []
    for activity, total in totals.items():
        per_month, remainder = divmod(total, 12)
        for index in range(12):
            count = per_month + (remainder if index == 0 else 0)
            rows.append(
                HospitalActivity(
                    practice=practice,
                    month=add_months(start, index),
                    activity=activity,
                    count=count,
                )
            )
    HospitalActivity.objects.bulk_create(rows)


@pytest.fixture
def hospital_data(hub, practice, other_practice):
    _spread(practice, datetime.date(2024, 4, 1), BASELINE)
    _spread(practice, datetime.date(2025, 4, 1), PERIOD)
    # A month outside both periods and another hub's activity must not count.
    HospitalActivity.objects.create(
        practice=practice, month=datetime.date(2026, 4, 1), activity="op_new", count=500
    )
    _spread(other_practice, datetime.date(2025, 4, 1), BASELINE)
    # The hub's own prices from the start of the period's financial year; the national
    # defaults (the migration's) stay for other hubs.
    for activity, price in TARIFFS.items():
        Tariff.objects.create(
            hub=hub, activity=activity, valid_from=datetime.date(2025, 4, 1), price_gbp=price
        )
    HubCost.objects.create(hub=hub, financial_year=2025, clinic_session_gbp=1000)


TARIFFS = {
    "op_new": 200,
    "op_new_subspecialty": 250,
    "op_follow_up": 120,
    "ed_attendance": 150,
    "admission": 1500,
}


def _import(kind, header, rows):
    import io

    from cc4c.imports import run_import

    text = header + "\n" + "\n".join(rows) + "\n"
    return run_import(kind, io.BytesIO(text.encode()))


@pytest.fixture
def activity_data(hub, practice, population_data):
    """A year of MDT, clinic, advice and champion activity for hub A, with hand counts."""
    kids = [
        c.nhs_number
        for c in Child.objects.filter(practice=practice, deregistered_on__isnull=True)
        .exclude(registered_on__gt=PERIOD_TO)
        .exclude(date_of_birth=datetime.date(2008, 3, 31))
        .order_by("nhs_number")
    ]
    assert len(kids) == 10
    outcomes = ["primary_care_advice"] * 6 + ["outreach_clinic"] * 2
    outcomes += ["named_professional", "other"]
    mdt = [f"{hub.code},2025-05-10,{kids[i]},{outcomes[i]}" for i in range(4)]
    mdt += [f"{hub.code},2025-09-10,{kids[i]},{outcomes[i]}" for i in range(4, 10)]
    mdt.append(f"{hub.code},2025-03-20,{kids[0]},other")  # before the period
    _import("mdt-cases", "hub_code,meeting_date,nhs_number,outcome", mdt)

    ods = practice.ods_code
    _import(
        "clinic-appointments",
        "hub_code,session_date,host_practice_ods,start_time,nhs_number,appointment_type,"
        "referral_date,status,outcome",
        [
            f"{hub.code},2025-06-02,{ods},09:00,{kids[0]},new,2025-05-05,attended,"
            "discharged_to_primary_care",
            f"{hub.code},2025-06-02,{ods},09:20,{kids[1]},new,2025-05-19,attended,hub_follow_up",
            f"{hub.code},2025-06-02,{ods},09:40,{kids[2]},follow_up,,attended,"
            "discharged_to_primary_care",
            f"{hub.code},2025-06-02,{ods},10:00,{kids[3]},new,2025-04-28,not_brought,",
            f"{hub.code},2025-06-02,{ods},10:20,{kids[4]},new,2025-05-01,cancelled_by_family,",
            f"{hub.code},2025-07-07,{ods},09:00,{kids[0]},follow_up,,attended,hospital_referral",
            f"{hub.code},2025-07-07,{ods},09:20,{kids[5]},new,2025-06-30,attended,",
        ],
    )
    _import(
        "advice-requests",
        "reference,hub_code,received_at,channel,first_response_at,outcome",
        [
            f"R1,{hub.code},2025-05-01T10:00:00+01:00,email,2025-05-01T15:00:00+01:00,"
            "primary_care_advice",
            f"R2,{hub.code},2025-05-02T10:00:00+01:00,web,2025-05-03T12:00:00+01:00,"
            "outreach_clinic",
            f"R3,{hub.code},2025-06-01T09:00:00+01:00,phone,2025-06-01T21:00:00+01:00,",
            f"R4,{hub.code},2025-06-05T09:00:00+01:00,email,,",
            f"R5,{hub.code},2025-03-30T09:00:00+01:00,email,2025-03-30T10:00:00+01:00,other",
        ],
    )
    _import(
        "champion-activities",
        "champion_ref,given_name,family_name,practice_ods,activity_date,activity_type,hours,"
        "people_reached",
        [
            f"CH-1,Amina,Ali,{ods},2025-05-01,peer_support,2,10",
            f"CH-1,Amina,Ali,{ods},2025-06-01,waiting_room,1.5,5",
            f"CH-2,Beth,Brown,{ods},2025-07-01,co_design,3,",
            f"CH-2,Beth,Brown,{ods},2025-03-01,co_design,3,40",
        ],
    )


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


@pytest.fixture
def programme_data(practice, other_practice, population_data):
    """Hub A's programmes on 31 March 2026, with hand counts. The four asthma children, by plan
    date (31 March 2026, 364 and 365 days before, none) are A1 to A4; A1, A3 and A4 are of IMD
    quintile 1 (deciles 1 and 2), A2 of decile 9.

    - Management plan reviewed: A1 and A2 in date (A2 due the next day: due soon): 2 of 4;
      quintile 1: A1 of A1, A3, A4: 1 of 3.
    - Inhaler technique checked: A1 and A2 checked within the year, A3 only after 31 March,
      A4 excluded (declined) on that day: 2 of 3; quintile 1: A1 of A1 and A3: 1 of 2.
    - Oral health (every child aged 1 to 10, all 10 counted): a dental check for 8 of them,
      A3 and A4 without: 8 of 10; quintile 1: A1 of A1, A3, A4: 1 of 3.
    - Emergency department attendances in the period: 2 (A1 twice), one before it, one of the
      child who turned 18 on 31 March 2026 and one of hub B's: 2 / 10 children × 1,000 = 200.0;
      admissions: A2 once: 100.0.
    """
    from population.models import CareEvent, CareProcess, Exclusion, HospitalEvent

    asthma = Child.objects.filter(practice=practice, conditions__contains=[ASTHMA])
    a1, a2, a3, a4 = (
        asthma.get(asthma_plan_reviewed_on=PERIOD_TO),
        asthma.get(asthma_plan_reviewed_on=PERIOD_TO - datetime.timedelta(days=364)),
        asthma.get(asthma_plan_reviewed_on=PERIOD_TO - datetime.timedelta(days=365)),
        asthma.get(asthma_plan_reviewed_on__isnull=True),
    )
    for child, decile in ((a1, 1), (a2, 9), (a3, 2), (a4, 1)):
        Child.objects.filter(pk=child.pk).update(imd_decile=decile)
    technique = CareProcess.objects.get(programme__key="asthma", key="inhaler_technique")
    dental = CareProcess.objects.get(programme__key="oral_health", key="dental_check")
    days = datetime.timedelta
    events = [
        (a1, technique, PERIOD_TO - days(100)),
        (a2, technique, PERIOD_TO - days(300)),
        (a3, technique, PERIOD_TO + days(10)),  # after the period: not done as at its end
    ]
    counted = list(
        Child.objects.filter(practice=practice, deregistered_on__isnull=True)
        .exclude(registered_on__gt=PERIOD_TO)
        .exclude(date_of_birth=datetime.date(2008, 3, 31))
    )
    assert len(counted) == 10
    events += [(c, dental, PERIOD_TO - days(30)) for c in counted if c.pk not in (a3.pk, a4.pk)]
    for child, process, done_on in events:
        CareEvent.objects.create(child=child, process=process, done_on=done_on, source="import")
    exclusion = Exclusion.objects.create(
        child=a4, process=technique, reason="declined", until=PERIOD_TO + days(30)
    )
    Exclusion.objects.filter(pk=exclusion.pk).update(recorded_at=_noon(PERIOD_TO - days(5)))
    turned_18 = Child.objects.get(practice=practice, date_of_birth=datetime.date(2008, 3, 31))
    hub_b = Child.objects.get(practice=other_practice)
    for child, day, kind in (
        (a1, datetime.date(2025, 6, 1), "ed_attendance"),
        (a1, datetime.date(2026, 3, 31), "ed_attendance"),
        (a1, datetime.date(2025, 3, 31), "ed_attendance"),  # before the period
        (a2, datetime.date(2025, 8, 1), "admission"),
        (a2, datetime.date(2025, 9, 1), "outpatient_new"),
        (turned_18, datetime.date(2025, 6, 1), "ed_attendance"),
        (hub_b, datetime.date(2025, 6, 1), "ed_attendance"),
    ):
        HospitalEvent.objects.create(child=child, occurred_on=day, kind=kind)
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4}


# The programme figures of hub A that programme_data counts by hand.
PROGRAMME_EXPECTED = {
    "programme_asthma_register": 4,
    "programme_asthma_management_plan_pct": Decimal("50.0"),
    "programme_asthma_management_plan_core20_pct": Decimal("33.3"),
    "programme_asthma_inhaler_technique_pct": Decimal("66.7"),
    "programme_asthma_inhaler_technique_core20_pct": Decimal("50.0"),
    "programme_oral_health_register": 10,
    "programme_oral_health_dental_check_pct": Decimal("80.0"),
    "programme_oral_health_dental_check_core20_pct": Decimal("33.3"),
    "programme_diabetes_register": 0,
    "programme_diabetes_hba1c_pct": None,
    "programme_mental_health_register": 0,
    "hospital_events_ed_attendances_per_1000": 200.0,
    "hospital_events_admissions_per_1000": 100.0,
}
