"""An evaluation report's build holds a lease on the report while it computes: a second build
of the same report at the same time does not run the calculation, a long build keeps its lease,
and a build whose worker was killed is taken over by the sweep within minutes."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from evaluation import services as evaluation
from evaluation.models import EvaluationReport, ReportStatus
from evaluation.periods import Period
from tests.factories import ChildFactory, HubFactory, PracticeFactory
from tests.faults.parallel import backends_waiting_on_locks, lock_held
from tests.faults.servers import wait_for
from tests.outbox import broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

# The calculation reads the children first: holding this lock holds every build mid-way.
HOLD_THE_CALCULATION = "LOCK TABLE population_child IN ACCESS EXCLUSIVE MODE"


@pytest.fixture
def hub():
    hub = HubFactory(code="LEASE")
    ChildFactory(practice=PracticeFactory(hub=hub))
    return hub


def queued_report(hub):
    period = Period.of(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    report = EvaluationReport.objects.create(
        period_from=period.date_from,
        period_to=period.date_to,
        baseline_from=period.baseline_from,
        baseline_to=period.baseline_to,
    )
    report.hubs.set([hub])
    return report


def in_thread(function, *args):
    """Run ``function`` on a thread and connection of its own; (thread, outcome list)."""
    outcome = []

    def run():
        try:
            outcome.append(function(*args))
        except Exception as error:  # returned to the test, which fails on it
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_second_build_of_a_report_being_built_leaves_it_to_the_first(hub):
    report = queued_report(hub)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(HOLD_THE_CALCULATION)
        first, first_outcome = in_thread(evaluation.build, report.pk)
        wait_for(lambda: backends_waiting_on_locks() == 1, timeout=20, what="first build running")
        second, second_outcome = in_thread(evaluation.build, report.pk)
        second.join(timeout=20)
        # The second came back while the first was still held mid-calculation: it ran none.
        assert not second.is_alive()
        assert first.is_alive()
        [seen] = second_outcome
        assert seen.status == ReportStatus.BUILDING and seen.result is None
    first.join(timeout=60)
    [built] = first_outcome
    assert built.status == ReportStatus.DONE
    assert built.result["rows"][hub.code]["children_registered"] == 1


def test_a_build_longer_than_its_lease_keeps_it_and_the_sweep_leaves_it_alone(hub, settings):
    settings.REPORT_BUILD_LEASE_SECONDS = 1
    report = queued_report(hub)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(HOLD_THE_CALCULATION)
        build, outcome = in_thread(evaluation.build, report.pk)
        wait_for(lambda: backends_waiting_on_locks() == 1, timeout=20, what="build running")
        leases = []
        for _ in range(4):  # three and a half leases long
            time.sleep(0.9)
            sweep, swept = in_thread(evaluation.build_forgotten)
            sweep.join(timeout=20)
            assert swept == [0]
            leases.append(EvaluationReport.objects.get(pk=report.pk).lease_until)
        assert leases == sorted(leases) and len(set(leases)) == len(leases)  # renewed
        assert all(lease > timezone.now() for lease in leases[-1:])
    build.join(timeout=60)
    assert outcome[0].status == ReportStatus.DONE


def test_a_report_whose_worker_is_killed_mid_build_is_built_by_the_sweep_within_minutes(
    hub, private_redis, mail_sink, start_worker, monkeypatch
):
    monkeypatch.setenv("REPORT_BUILD_LEASE_SECONDS", "3")  # the worker's lease: 3 seconds
    worker = start_worker(private_redis.url, mail_sink.url)
    with lock_held(HOLD_THE_CALCULATION):
        with broker(private_redis.url):
            report = evaluation.request_report(
                hubs=[hub],
                period=Period.of(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
                suppressed=True,
                by=None,
            )
        wait_for(
            lambda: (
                EvaluationReport.objects.filter(pk=report.pk, lease_owner__gt="").exists()
                and backends_waiting_on_locks() >= 1
            ),
            timeout=40,
            what="the worker's build under way",
        )
        worker.stop()  # kill -9 of the worker and its pool, mid-calculation
        killed_at = time.monotonic()
    report.refresh_from_db()
    assert report.status == ReportStatus.BUILDING  # left as the dead worker had it
    assert evaluation.build_forgotten() == 0  # its lease has not run out yet
    wait_for(lambda: evaluation.build_forgotten() == 1, timeout=30, what="the sweep's rebuild")
    rebuilt_after = time.monotonic() - killed_at
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    # The lease and a little: with beat running the sweep every minute, within two minutes.
    # The lease runs from the worker's last heartbeat, a moment before the kill, so it can run
    # out a little under 3 seconds after it; that it had not run out at the kill is asserted
    # above.
    assert rebuilt_after < 3 + 10
