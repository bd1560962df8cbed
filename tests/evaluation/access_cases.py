from tests.access import NoPatientData

REASON = (
    "aggregate figures only; another hub's report answers 404 and commissioners always get "
    "suppressed figures (tests/evaluation/test_report_access.py)"
)


def _report_of_hub_b(w):
    import datetime

    from evaluation.models import EvaluationReport

    if "report_b" not in w.extra:
        report = EvaluationReport.objects.create(
            period_from=datetime.date(2025, 4, 1),
            period_to=datetime.date(2026, 3, 31),
            baseline_from=datetime.date(2024, 4, 1),
            baseline_to=datetime.date(2025, 3, 31),
        )
        report.hubs.set([w.hub_b])
        w.extra["report_b"] = report
    return w.extra["report_b"]


URLS = [
    NoPatientData("evaluation:list", REASON),
    NoPatientData(
        "evaluation:detail",
        REASON,
        action="report.view",
        build=lambda w: {"pk": _report_of_hub_b(w).pk},
    ),
    NoPatientData(
        "evaluation:download",
        REASON,
        action="report.view",
        build=lambda w: {"pk": _report_of_hub_b(w).pk, "fmt": "csv"},
    ),
]


def _tariff_of_hub_b(w):
    import datetime

    from evaluation.models import Tariff

    return Tariff.objects.create(
        hub=w.hub_b, activity="op_new", valid_from=datetime.date(2025, 4, 1), price_gbp=1
    )


def _hub_cost_of_hub_b(w):
    from evaluation.models import HubCost

    return HubCost.objects.create(hub=w.hub_b, financial_year=2025, clinic_session_gbp=1)


def _hospital_activity_of_hub_b(w):
    import datetime

    from evaluation.models import HospitalActivity

    return HospitalActivity.objects.create(
        practice=w.practice_b, month=datetime.date(2025, 4, 1), activity="op_new", count=3
    )


ADMIN = {
    "evaluation.tariff": _tariff_of_hub_b,
    "evaluation.hubcost": _hub_cost_of_hub_b,
    "evaluation.hospitalactivity": _hospital_activity_of_hub_b,
}
