"""A programme worklist page's statement is kept between requests under the data's version:
read again while nothing changed, read afresh as soon as a change anywhere is committed."""

import datetime
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from population.models import CareProcess, Exclusion, HospitalEvent
from population.programmes import engine
from tests.factories import ChildFactory
from tests.population.factories import ASTHMA

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = importlib.import_module("population.migrations.0012_programme_data_version")


@pytest.fixture(autouse=True)
def nothing_kept():
    engine.KEPT_PAGES.clear()


def worklist_url(hub):
    return reverse("population:programme_worklist", args=[hub.pk, "asthma"])


def version():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM population_programmedata")
        return cursor.fetchone()[0]


def look(client, hub, **filters):
    """The page and how many times it ran its status statement."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(worklist_url(hub), filters)
    statements = [q for q in queries.captured_queries if "FROM items" in q["sql"]]
    rows = {(r["child_id"], r["process_key"]): r for r in response.context["page"].object_list}
    return response, rows, len(statements)


@pytest.mark.parametrize("table", MIGRATION.TABLES)
def test_a_change_committed_to_any_table_the_pages_read_raises_the_version(table, practice):
    ChildFactory(practice=practice, conditions=[ASTHMA])
    before = version()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE false")  # noqa: S608 - our own names
    assert version() == before + 1


def test_one_transaction_raises_the_version_once(practice):
    before = version()
    ChildFactory.create_batch(3, practice=practice, conditions=[ASTHMA])  # three commits
    assert version() == before + 3
    from django.db import transaction

    with transaction.atomic():
        ChildFactory.create_batch(3, practice=practice, conditions=[ASTHMA])
    assert version() == before + 4


def test_the_page_is_read_once_then_kept_until_a_gp_marks_a_process_done(
    hub, practice, gp, client_for
):
    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    other = ChildFactory(practice=practice, conditions=[ASTHMA])
    client = client_for(gp)
    first, rows, statements = look(client, hub)
    assert statements == 1
    assert set(rows) == {
        (c.pk, p) for c in (child, other) for p in ("management_plan", "inhaler_technique")
    }
    again, kept, statements = look(client, hub)
    assert statements == 0  # nothing changed: the page as read
    assert kept == rows
    assert again.context["summary"]["register_size"] == 2

    technique = CareProcess.objects.get(programme__key="asthma", key="inhaler_technique")
    client.post(reverse("population:care_done", args=[child.pk, technique.pk]))
    after, rows, statements = look(client, hub)
    assert statements == 1
    assert (child.pk, "inhaler_technique") not in rows
    body = after.content.decode()
    assert f"Inhaler technique checked for {other.given_name} {other.family_name}" in body
    assert f"Inhaler technique checked for {child.given_name} {child.family_name}" not in body
    coverage = {r["process"].key: r["in_date"] for r in after.context["summary"]["processes"]}
    assert coverage == {"management_plan": 0, "inhaler_technique": 1}


def test_changes_made_outside_the_pages_are_shown_at_once(hub, practice, gp, client_for):
    child = ChildFactory(practice=practice, conditions=[ASTHMA], segment=2)
    client = client_for(gp)
    _response, rows, _statements = look(client, hub)
    assert {r["segment"] for r in rows.values()} == {2}
    with connection.cursor() as cursor:  # as an import or segmentation run would
        cursor.execute("UPDATE population_child SET segment = 6 WHERE id = %s", [child.pk])
    _response, rows, statements = look(client, hub)
    assert statements == 1
    assert {r["segment"] for r in rows.values()} == {6}

    a_week_ago = timezone.localdate() - datetime.timedelta(days=7)
    HospitalEvent.objects.create(child=child, occurred_on=a_week_ago, kind="admission")
    _response, rows, _statements = look(client, hub)
    assert {r["hospital_use"] for r in rows.values()} == {1}

    plan = CareProcess.objects.get(programme__key="asthma", key="management_plan")
    Exclusion.objects.create(
        child=child,
        process=plan,
        reason="declined",
        until=a_week_ago + datetime.timedelta(days=365),
    )
    _response, rows, _statements = look(client, hub)
    assert set(rows) == {(child.pk, "inhaler_technique")}


class RolledBack(Exception):
    pass


def test_a_transaction_reads_its_own_changes_and_never_keeps_them(hub, practice, gp, client_for):
    from django.db import transaction

    ChildFactory(practice=practice, conditions=[ASTHMA])
    client = client_for(gp)
    _response, committed, _statements = look(client, hub)
    with pytest.raises(RolledBack), transaction.atomic():
        added = ChildFactory(practice=practice, conditions=[ASTHMA])
        _response, rows, statements = look(client, hub)
        assert statements == 1
        assert added.pk in {child_id for child_id, _process in rows}
        raise RolledBack
    _response, rows, statements = look(client, hub)
    assert statements == 0  # the page as committed, kept; the rolled back child never was
    assert rows == committed


def test_a_coordinator_sees_the_kept_rows_without_the_record_buttons(
    hub, practice, gp, coordinator, client_for
):
    ChildFactory(practice=practice, conditions=[ASTHMA])
    gp_page, gp_rows, _statements = look(client_for(gp), hub)
    assert "Done today" in gp_page.content.decode()
    page, rows, statements = look(client_for(coordinator), hub)
    assert (statements, rows) == (0, gp_rows)  # the same rows, kept
    assert "Done today" not in page.content.decode()
    assert 'id="record-done"' not in page.content.decode()


def test_a_filtered_page_and_its_coverage_are_kept_until_a_change(hub, practice, gp, client_for):
    core20 = ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=1)
    ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=9)
    client = client_for(gp)
    _response, rows, statements = look(client, hub, quintile="1")
    assert statements == 2  # the rows, then the whole register's coverage
    assert {child_id for child_id, _process in rows} == {core20.pk}
    again, _rows, statements = look(client, hub, quintile="1")
    assert statements == 0
    assert again.context["summary"]["register_size"] == 2
    ChildFactory(practice=practice, conditions=[ASTHMA], imd_decile=2)
    after, rows, statements = look(client, hub, quintile="1")
    assert statements == 2
    assert len({child_id for child_id, _process in rows}) == 2
    assert after.context["summary"]["register_size"] == 3


def test_a_kept_page_is_audited_at_every_look(hub, practice, gp, client_for):
    from hubs.models import AuditEvent

    child = ChildFactory(practice=practice, conditions=[ASTHMA])
    client = client_for(gp)
    look(client, hub)
    _response, _rows, statements = look(client, hub)
    assert statements == 0
    looks = AuditEvent.objects.filter(action="population.programme_worklist")
    assert [entry.child_ids for entry in looks] == [[child.pk], [child.pk]]
