import csv
import datetime
import io

import pytest
from django.urls import reverse

from evaluation.models import EvaluationReport, ReportStatus
from evaluation.services import build
from evaluation.tasks import monthly_reports
from hubs.models import Role
from tests.factories import ChildFactory, member

pytestmark = pytest.mark.django_db


def make_report(hub, *, suppressed=False, **kwargs):
    report = EvaluationReport.objects.create(
        period_from=datetime.date(2025, 4, 1),
        period_to=datetime.date(2026, 3, 31),
        baseline_from=kwargs.pop("baseline_from", datetime.date(2024, 4, 1)),
        baseline_to=kwargs.pop("baseline_to", datetime.date(2025, 3, 31)),
        suppressed=suppressed,
        **kwargs,
    )
    report.hubs.set([hub])
    return report


@pytest.fixture
def small_hub_report(hub, practice):
    # Three children: a count that must never reach a commissioner as it is.
    for _ in range(3):
        ChildFactory(practice=practice, date_of_birth=datetime.date(2015, 1, 1))
    report = make_report(hub, suppressed=False)
    build(report.pk)
    return report


def figures(response):
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return {r["measure"]: r["value"] for r in rows if r["hub_code"] != "ALL"}


def test_a_commissioner_gets_suppressed_figures_even_from_an_unsuppressed_report(
    client_for, commissioner, small_hub_report
):
    client = client_for(commissioner)
    response = client.get(reverse("evaluation:download", args=[small_hub_report.pk, "csv"]))
    assert response.status_code == 200
    assert figures(response)["children_registered"] == "*"
    page = client.get(reverse("evaluation:detail", args=[small_hub_report.pk])).content.decode()
    assert 'data-measure="children_registered">*<' in page
    assert 'data-measure="children_registered">3<' not in page


def test_a_coordinator_sees_the_figures_as_they_are(client_for, coordinator, small_hub_report):
    response = client_for(coordinator).get(
        reverse("evaluation:download", args=[small_hub_report.pk, "csv"])
    )
    assert figures(response)["children_registered"] == "3"


def test_an_unsuppressed_download_is_audited(client_for, coordinator, small_hub_report):
    from hubs.models import AuditEvent

    client_for(coordinator).get(reverse("evaluation:download", args=[small_hub_report.pk, "xlsx"]))
    assert AuditEvent.objects.filter(action="report.export_unsuppressed").count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_another_hubs_commissioner_gets_404(client_for, other_hub, small_hub_report, fmt):
    outsider = member(Role.COMMISSIONER, other_hub)
    client = client_for(outsider)
    assert client.get(reverse("evaluation:detail", args=[small_hub_report.pk])).status_code == 404
    url = reverse("evaluation:download", args=[small_hub_report.pk, fmt])
    assert client.get(url).status_code == 404
    assert small_hub_report.pk not in [
        r.pk for r in client.get(reverse("evaluation:list")).context["page"].object_list
    ]


def test_a_gp_has_no_reports(client_for, gp):
    assert client_for(gp).get(reverse("evaluation:list")).status_code == 404


def test_a_commissioner_building_a_report_always_gets_it_suppressed(client_for, commissioner, hub):
    response = client_for(commissioner).post(
        reverse("evaluation:list"),
        {"hubs": [hub.pk], "period_from": "2025-04-01", "period_to": "2026-03-31"},
    )
    assert response.status_code == 302
    report = EvaluationReport.objects.get()
    assert report.suppressed is True
    assert report.requested_by == commissioner
    assert (report.baseline_from, report.baseline_to) == (
        datetime.date(2024, 4, 1),
        datetime.date(2025, 3, 31),
    )


def test_a_report_form_names_the_bad_field(client_for, coordinator, hub):
    response = client_for(coordinator).post(
        reverse("evaluation:list"),
        {"hubs": [hub.pk], "period_from": "2025-04-01", "period_to": "not a date"},
    )
    assert response.status_code == 200
    assert "Period to" in response.content.decode()
    assert not EvaluationReport.objects.exists()


def test_a_failed_build_is_shown_not_hidden(client_for, coordinator, hub):
    report = make_report(
        hub, baseline_from=datetime.date(2025, 3, 1), baseline_to=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValueError):
        build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    page = client_for(coordinator).get(reverse("evaluation:detail", args=[report.pk]))
    assert "could not be built" in page.content.decode()
    assert "baseline ends before it starts" in page.content.decode()


def test_monthly_reports_are_built_once_per_hub_for_the_month_before(hub, other_hub):
    monthly_reports("2026-11-01")
    monthly_reports("2026-11-01")
    reports = EvaluationReport.objects.order_by("schedule_key")
    assert [r.schedule_key for r in reports] == ["monthly:HUB-A:2026-10", "monthly:HUB-B:2026-10"]
    assert all(r.status == ReportStatus.DONE and r.suppressed for r in reports)
    assert reports[0].period_from == datetime.date(2026, 10, 1)
    assert reports[0].period_to == datetime.date(2026, 10, 31)


def test_report_list_query_count_does_not_grow_with_reports(
    client_for, coordinator, hub, django_assert_max_num_queries
):
    client = client_for(coordinator)
    make_report(hub)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("evaluation:list"))
    for _ in range(49):
        make_report(hub)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("evaluation:list"))
    assert len(response.context["page"].object_list) == 50
