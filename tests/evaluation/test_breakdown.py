"""Per hub and per month figures are exactly what the hubs-together figures give for that hub or
that month (clipped to the period), and a report's query count does not grow with its hubs."""

import collections
import csv
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advice import clock
from advice.metrics import advice_measures
from advice.models import AdviceRequest
from cc4c import breakdown
from cc4c.imports import registered_kinds, run_import
from cc4c.synthetic import generate
from evaluation import compose
from evaluation.metrics import hospital_measures
from evaluation.periods import Period
from hubs.models import Hub, Practice, TargetUnit
from population.models import Child
from population.segmentation import resegment_children
from tests.evaluation.conftest import _import
from tests.factories import HubFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=datetime.UTC)
YEAR = (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
# Neither end on a month boundary: the first and last months are clipped.
CLIPPED = (datetime.date(2025, 5, 17), datetime.date(2026, 2, 9))


@pytest.fixture
def synthetic_hubs(tmp_path):
    """Three synthetic hubs with a year of activity, one counting its target in working days,
    some requests paused, one received just after midnight London time on 1 June (31 May in
    UTC), plus a hub with no practices and no activity at all."""
    generate(tmp_path, children=240, hubs=3, seed=11)
    run_import("practices", tmp_path / "practices.csv")
    _children(tmp_path / "children.csv")
    for kind in registered_kinds():
        # The synthetic data has no carers: families' contacts are no evaluation activity.
        if kind not in ("practices", "children") and (tmp_path / f"{kind}.csv").exists():
            run_import(kind, tmp_path / f"{kind}.csv")
    hubs = list(Hub.objects.order_by("code"))
    assert len(hubs) == 3
    Hub.objects.filter(pk=hubs[1].pk).update(
        response_target=1, response_target_unit=TargetUnit.WORKING_DAYS
    )
    paused = AdviceRequest.objects.filter(hub=hubs[0]).order_by("pk")[:20]
    AdviceRequest.objects.filter(pk__in=[r.pk for r in paused]).update(paused_seconds=5 * 3600)
    _import(
        "advice-requests",
        "reference,hub_code,received_at,channel,first_response_at,outcome",
        [
            f"EDGE-1,{hubs[2].code},2025-05-31T23:30:00+00:00,email,2025-06-01T10:00:00+01:00,"
            "other",
            f"EDGE-2,{hubs[2].code},2026-03-30T09:00:00+01:00,email,,",  # not yet due
        ],
    )
    empty = HubFactory(code="HUB-EMPTY")
    return [*Hub.objects.filter(pk__in=[h.pk for h in hubs]).order_by("code"), empty]


def _children(path):
    """The synthetic children written straight to the table (the import has its own tests),
    then put in their segments."""
    practices = dict(Practice.objects.values_list("ods_code", "pk"))
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    Child.objects.bulk_create(
        Child(
            nhs_number=row["nhs_number"],
            given_name=row["given_name"],
            family_name=row["family_name"],
            date_of_birth=row["date_of_birth"],
            sex=row["sex"],
            practice_id=practices[row["practice_ods"]],
            registered_on=row["registered_on"],
            deregistered_on=row["deregistered_on"] or None,
            conditions=[c for c in row["conditions"].split(";") if c],
            flags=[f for f in row["flags"].split(";") if f],
            asthma_plan_reviewed_on=row["asthma_plan_reviewed_on"] or None,
        )
        for row in rows
    )
    resegment_children()


def _ask(function, hub_ids, date_from, date_to, by=None):
    return compose._call(function, hub_ids, date_from, date_to, NOW, by)


def _sources():
    return compose.SOURCES


@pytest.mark.parametrize("period", [YEAR, CLIPPED])
def test_each_hubs_figures_are_that_hubs_own_figures(synthetic_hubs, period):
    hub_ids = [hub.pk for hub in synthetic_hubs]
    for function, _charted in _sources():
        per_hub = _ask(function, hub_ids, *period, by="hub")
        assert set(per_hub) == set(hub_ids), function.__name__
        for hub_id in hub_ids:
            assert per_hub[hub_id] == _ask(function, [hub_id], *period), function.__name__
    # Hospital activity too, which compares the period with its baseline.
    span = Period.of(*period)
    per_hub = hospital_measures(hub_ids, span, by="hub")
    for hub_id in hub_ids:
        assert per_hub[hub_id] == hospital_measures([hub_id], span)


@pytest.mark.parametrize("period", [YEAR, CLIPPED])
def test_each_months_figures_are_that_clipped_months_own_figures(synthetic_hubs, period):
    hub_ids = [hub.pk for hub in synthetic_hubs]
    months = breakdown.clipped_months(*period)
    assert months[0][1] == period[0] and months[-1][2] == period[1]
    for function, _charted in _sources():
        per_month = _ask(function, hub_ids, *period, by="month")
        assert list(per_month) == [month for month, _first, _last in months], function.__name__
        for month, first, last in months:
            expected = _ask(function, hub_ids, first, last)
            assert per_month[month] == expected, (function.__name__, month)


def test_a_request_received_after_midnight_london_time_counts_in_the_london_month(
    synthetic_hubs,
):
    hub = synthetic_hubs[2]
    edge = AdviceRequest.objects.get(reference="EDGE-1")
    assert edge.received_at.astimezone(datetime.UTC).date() == datetime.date(2025, 5, 31)
    per_month = advice_measures([hub.pk], *YEAR, by="month", now=NOW)
    in_london_months = collections.Counter(
        received_at.astimezone(clock.LONDON).date().replace(day=1)
        for received_at in AdviceRequest.objects.filter(hub=hub).values_list(
            "received_at", flat=True
        )
    )
    for month, figures in per_month.items():
        assert figures["advice_requests"] == in_london_months[month], month
    assert in_london_months[datetime.date(2025, 6, 1)] >= 1


def test_within_target_in_the_database_agrees_with_the_response_clock(synthetic_hubs):
    hub_ids = [hub.pk for hub in synthetic_hubs]
    start = datetime.datetime(2025, 4, 1, tzinfo=clock.LONDON)
    end = datetime.datetime(2026, 4, 1, tzinfo=clock.LONDON)
    figures = advice_measures(hub_ids, *YEAR, by="hub", now=NOW)
    checked = 0
    for hub in synthetic_hubs:
        met = counted = 0
        requests = AdviceRequest.objects.filter(
            hub=hub, received_at__gte=start, received_at__lt=end
        )
        for request in requests:
            due = clock.due_at(hub, request.received_at, request.paused_seconds)
            if request.first_response_at is not None:
                counted += 1
                met += request.first_response_at <= due
            elif due < NOW:
                counted += 1
        assert figures[hub.pk]["_advice_within_target_n"] == met, hub.code
        assert figures[hub.pk]["_advice_target_due_n"] == counted, hub.code
        checked += counted
    assert checked > 100


def test_the_report_rows_per_hub_are_each_hubs_report_alone(synthetic_hubs):
    period = Period.of(*CLIPPED)
    together = compose.compute(synthetic_hubs, period, now=NOW)
    for hub in synthetic_hubs:
        alone = compose.compute([hub], period, now=NOW)
        assert together["rows"][hub.code] == alone["rows"][hub.code], hub.code
    assert [m["month"] for m in together["months"]] == [
        month.strftime("%Y-%m") for month, _f, _l in breakdown.clipped_months(*CLIPPED)
    ]


def test_a_reports_query_count_does_not_grow_with_its_hubs(synthetic_hubs):
    period = Period.of(*YEAR)
    with CaptureQueriesContext(connection) as one:
        compose.compute(synthetic_hubs[1:2], period, now=NOW)  # the working-day hub
    with CaptureQueriesContext(connection) as four:
        compose.compute(synthetic_hubs, period, now=NOW)
    assert len(four) == len(one)
