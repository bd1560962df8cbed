"""The children import sets aside the lines an earlier import wrote as they are, unread
(cc4c.imports.sql.set_aside_unchanged): an unchanged extract costs its COPY and one join, and
every answer is the one the whole road gives."""

import datetime
import io
import logging

import pytest

from cc4c.imports import Column, ImportFailed, run_import
from cc4c.imports import sql as in_sql
from population.imports import FIELDS, ChildrenFormat
from population.models import Child
from tests.cc4c.csv_files import from_dicts
from tests.factories import HubFactory, PracticeFactory
from tests.population.test_import_children import ASTHMA, child_row

SET_ASIDE = "lines set aside, written as they are"


@pytest.fixture
def practice(db):
    return PracticeFactory(hub=HubFactory(code="HUB-A"), ods_code="E85001")


@pytest.fixture
def rows():
    return [child_row(seed, conditions=ASTHMA if seed % 2 else "") for seed in range(1, 21)]


def set_aside(caplog):
    """How many lines the last import set aside, from its log."""
    found = [r.getMessage() for r in caplog.records if SET_ASIDE in r.getMessage()]
    return int(found[-1].split()[1]) if found else 0


def imported(rows, caplog, **options):
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="cc4c.imports"):
        result = run_import("children", from_dicts(rows), **options)
    return result, set_aside(caplog)


def histories():
    return Child.history.count()


def test_an_unchanged_extract_is_set_aside_unread_and_changes_nothing(practice, rows, caplog):
    first, aside = imported(rows, caplog)
    assert (first.created, aside) == (20, 0)
    assert not Child.objects.filter(import_digest=None).exists()
    before, kept = histories(), list(Child.objects.values().order_by("id"))

    again, aside = imported(rows, caplog)
    assert (again.rows, again.created, again.updated, again.unchanged) == (20, 0, 0, 20)
    assert aside == 20
    assert again.hub_ids == {practice.hub_id}
    assert again.run.rows == 20 and set(again.run.hubs.all()) == {practice.hub}
    assert histories() == before
    assert list(Child.objects.values().order_by("id")) == kept


def test_a_changed_line_is_written_and_the_others_set_aside(practice, rows, caplog):
    imported(rows, caplog)
    before = histories()
    rows[4]["family_name"] = "Changed"
    result, aside = imported(rows, caplog)
    assert (result.created, result.updated, aside) == (0, 1, 19)
    assert Child.objects.get(given_name="Given5").family_name == "Changed"
    assert histories() == before + 1
    # The changed child now holds its new line's digest: the next import sets all aside.
    assert imported(rows, caplog)[1] == 20


def test_a_child_changed_since_its_import_is_written_again_from_its_line(practice, rows, caplog):
    imported(rows, caplog)
    child = Child.objects.get(given_name="Given3")
    child.family_name = "Edited in the admin"
    child.save()
    child.refresh_from_db()
    assert child.import_digest is None

    result, aside = imported(rows, caplog)
    assert (result.updated, aside) == (1, 19)
    child.refresh_from_db()
    assert child.family_name == "Family3" and child.import_digest is not None


CHANGES = {
    "nhs_number": "9434765919",
    "given_name": "Other",
    "family_name": "Other",
    "date_of_birth": datetime.date(2019, 1, 1),
    "sex": "male",
    "postcode": "W9 9ZZ",
    "registered_on": datetime.date(2019, 2, 1),
    "deregistered_on": datetime.date(2025, 1, 1),
    "conditions": ["24079001"],
    "flags": ["young_carer"],
    "asthma_plan_reviewed_on": datetime.date(2025, 1, 1),
    "imd_decile": 7,
    "ethnic_category": "N",
}


@pytest.mark.parametrize("field", FIELDS)
def test_any_change_of_a_field_the_file_gives_clears_the_digest(practice, rows, caplog, field):
    imported(rows[:1], caplog)
    change = CHANGES.get(field) or PracticeFactory(hub=practice.hub)
    Child.objects.update(**{field: change})
    assert Child.objects.get().import_digest is None


def test_a_change_of_what_the_file_does_not_give_keeps_the_digest(practice, rows, caplog):
    imported(rows[:1], caplog)
    digest = Child.objects.get().import_digest
    Child.objects.update(segment=5, segment_reasons=["a hub's rule"])
    assert Child.objects.get().import_digest == digest


def test_a_practice_whose_code_changed_makes_its_unchanged_lines_refused(practice, rows, caplog):
    imported(rows, caplog)
    practice.ods_code = "E85002"
    practice.save()
    with pytest.raises(ImportFailed) as failure:
        imported(rows, caplog)
    assert failure.value.errors[0] == "line 2: practice_ods: no practice has the ODS code E85001"
    assert len(failure.value.errors) == 20


def test_another_hubs_coordinator_is_refused_an_unchanged_file_as_any_other(practice, rows, caplog):
    imported(rows, caplog)
    other = HubFactory(code="HUB-B")
    with pytest.raises(ImportFailed) as failure:
        imported(rows, caplog, allowed_hub_ids=[other.pk])
    assert failure.value.errors[:2] == [
        "line 2: practice_ods: belongs to a hub you do not manage",
        "line 3: practice_ods: belongs to a hub you do not manage",
    ]
    # The hub's own coordinator has the file set aside.
    assert imported(rows, caplog, allowed_hub_ids=[practice.hub_id])[1] == 20


def test_a_comparison_practices_unchanged_lines_are_the_operators_alone(db, caplog):
    PracticeFactory(hub=None, comparison=True, ods_code="E85001")
    hub = HubFactory(code="HUB-A")
    rows = [child_row(seed) for seed in range(1, 4)]
    imported(rows, caplog)
    with pytest.raises(ImportFailed) as failure:
        imported(rows, caplog, allowed_hub_ids=[hub.pk])
    assert "only the service operator imports its rows" in failure.value.errors[0]
    assert imported(rows, caplog)[1] == 3


@pytest.mark.parametrize("where", ["after", "before"])
def test_an_unchanged_line_and_another_with_its_nhs_number_are_refused(
    practice, rows, caplog, where
):
    imported(rows, caplog)
    repeat = dict(rows[0], given_name="Someone else")
    changed = rows + [repeat] if where == "after" else [repeat] + rows
    with pytest.raises(ImportFailed) as failure:
        imported(changed, caplog)
    line = 22 if where == "after" else 3
    assert failure.value.errors == [
        f"line {line}: nhs_number: {rows[0]['nhs_number']} is also on line 2"
    ]


def test_the_same_unchanged_line_twice_is_refused(practice, rows, caplog):
    imported(rows, caplog)
    with pytest.raises(ImportFailed) as failure:
        imported(rows + [rows[3]], caplog)
    assert failure.value.errors == [
        f"line 22: nhs_number: {rows[3]['nhs_number']} is also on line 5"
    ]


def upload(rows, header=None, quoted=False, extra=""):
    header = header or list(rows[0])
    text = "\n".join(
        ",".join(f'"{cell}"' if quoted else cell for cell in line)
        for line in [header] + [[row[name] for name in header] for row in rows]
    )
    return io.BytesIO((text + "\n" + extra).encode())


def imported_file(data, caplog):
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="cc4c.imports"):
        result = run_import("children", data)
    return result, set_aside(caplog)


def test_columns_in_another_order_are_read_once_then_set_aside(practice, rows, caplog):
    imported(rows, caplog)
    header = list(reversed(rows[0]))
    result, aside = imported_file(upload(rows, header), caplog)
    assert (result.updated, aside) == (0, 0)
    result, aside = imported_file(upload(rows, header), caplog)
    assert (result.rows, result.updated, aside) == (20, 0, 20)


def test_every_cell_quoted_as_some_gp_systems_write_them_is_set_aside_too(practice, rows, caplog):
    imported_file(upload(rows, quoted=True), caplog)
    result, aside = imported_file(upload(rows, quoted=True, extra=",,,\n\n"), caplog)
    assert (result.rows, result.created, result.updated, aside) == (20, 0, 0, 20)


def test_a_quoted_cell_over_two_lines_takes_the_whole_road(practice, rows, caplog):
    rows[2]["family_name"] = "Smith\nJones"
    first, _ = imported_file(upload(rows, quoted=True), caplog)
    assert first.created == 20
    # Its lines are not its rows, so no child keeps a digest of one.
    assert not Child.objects.exclude(import_digest=None).exists()
    result, aside = imported_file(upload(rows, quoted=True), caplog)
    assert (result.rows, result.updated, aside) == (20, 0, 0)
    assert Child.objects.get(given_name="Given3").family_name == "Smith\nJones"


def test_the_digest_depends_on_the_code_that_reads_the_lines():
    class Narrower(ChildrenFormat):
        columns = [
            Column("given_name", parse=str, db_type="varchar(50)"),
            *ChildrenFormat.columns[2:],
        ]

    assert in_sql.signature(Narrower()) != in_sql.signature(ChildrenFormat())
    assert in_sql.signature(ChildrenFormat()) == in_sql.signature(ChildrenFormat())
