"""The import engine's common rules (docs/import-formats.md), shown through the practices format."""

import io

import pytest

from cc4c.imports import ImportFailed, registered_kinds, run_import
from cc4c.models import ImportRun
from hubs.models import Hub, Practice
from tests.cc4c.csv_files import csv_bytes, csv_file
from tests.factories import HubFactory, PersonFactory, PracticeFactory

HEADER = ["ods_code", "name", "hub_code", "hub_name", "postcode", "list_size"]


def practice_row(ods="E85001", name="Church Street Surgery", hub="HUB-A", **extra):
    row = {"hub_name": "Hub A", "postcode": "w21ny", "list_size": "8000", **extra}
    return [ods, name, hub, row["hub_name"], row["postcode"], row["list_size"]]


def refused(kind, upload, **kwargs):
    with pytest.raises(ImportFailed) as failure:
        run_import(kind, upload, **kwargs)
    return failure.value.errors


def test_the_apps_register_their_formats():
    assert {"practices", "children"} <= set(registered_kinds())


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown import kind"):
        run_import("patients", io.BytesIO(b"a\n1\n"))


@pytest.mark.django_db
def test_header_names_are_case_insensitive_and_in_any_order():
    header = ["List_Size", " HUB_CODE ", "Name", "ODS_code"]
    result = run_import("practices", csv_file(header, [["10", "HUB-A", "Surgery", "E85001"]]))
    assert result.created == 1
    assert Practice.objects.get(ods_code="E85001").list_size == 10


@pytest.mark.django_db
def test_unknown_column_is_an_error_on_line_1_so_a_typo_does_not_drop_data():
    errors = refused("practices", csv_file([*HEADER, "list_sise"], [practice_row() + ["10"]]))
    assert len(errors) == 1
    assert errors[0].startswith("line 1: list_sise: unknown column")
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_missing_required_column_and_duplicated_column_are_named():
    header = ["ods_code", "hub_code", "hub_code"]
    errors = refused("practices", csv_file(header, [["E85001", "A", "B"]]))
    assert errors == [
        "line 1: hub_code: the column appears twice",
        "line 1: name: required column is missing",
    ]


@pytest.mark.django_db
def test_empty_file_is_refused():
    assert refused("practices", io.BytesIO(b"")) == [
        "line 1: file: is empty: the first line must name the columns"
    ]


@pytest.mark.django_db
def test_byte_order_mark_is_accepted():
    result = run_import("practices", csv_file(HEADER, [practice_row()], bom=True))
    assert result.created == 1


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused_naming_the_line():
    data = csv_bytes(HEADER, [practice_row(), practice_row("E85002", name="Caf\u00e9 Surgery")])
    latin1 = data.decode().encode("latin-1")
    errors = refused("practices", io.BytesIO(latin1))
    assert errors == ['line 3: file: is not UTF-8 text; save it as "CSV UTF-8" and try again']
    assert ImportRun.objects.get().succeeded is False


@pytest.mark.django_db
def test_quoted_cells_with_commas_and_line_breaks_count_as_one_spreadsheet_line():
    rows = [
        practice_row(name='The "Bridge", Surgery\nFirst floor'),
        practice_row("E85002", list_size="-1"),
    ]
    errors = refused("practices", csv_file(HEADER, rows))
    assert errors == ["line 3: list_size: -1 is not 0 or more"]
    run_import("practices", csv_file(HEADER, rows[:1]))
    assert Practice.objects.get().name == 'The "Bridge", Surgery\nFirst floor'


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written():
    rows = [
        practice_row("E85001"),
        practice_row("85002"),
        practice_row("E85003", list_size="many"),
        practice_row("E85004", name=""),
    ]
    errors = refused("practices", csv_file(HEADER, rows))
    assert errors == [
        "line 3: ods_code: '85002' is not an ODS code (a letter and five digits, e.g. E85001)",
        "line 4: list_size: 'many' is not a whole number",
        "line 5: name: is required",
    ]
    assert not Practice.objects.exists()
    assert not Hub.objects.exists()


@pytest.mark.django_db
def test_a_row_with_more_cells_than_the_header_is_an_error():
    upload = io.BytesIO(csv_bytes(HEADER, [practice_row()]) + b"E85002,X,HUB-A,,,,surprise\r\n")
    assert refused("practices", upload) == ["line 3: file: has 7 cells but the header has 6"]


@pytest.mark.django_db
def test_blank_lines_are_skipped_but_still_counted():
    data = csv_bytes(HEADER, [practice_row()]) + b"\r\n,,,,,\r\nE8500X,A,HUB-A,,,\r\n"
    assert refused("practices", io.BytesIO(data))[0].startswith("line 5: ods_code:")


@pytest.mark.django_db
def test_a_duplicated_natural_key_names_both_lines():
    rows = [practice_row("E85001"), practice_row("E85002"), practice_row("e85001")]
    assert refused("practices", csv_file(HEADER, rows)) == [
        "line 4: ods_code: E85001 is also on line 2"
    ]


@pytest.mark.django_db
def test_each_run_is_recorded_with_who_what_and_the_hubs():
    person = PersonFactory()
    run_import("practices", csv_file(HEADER, [practice_row()], name="practices.csv"), by=person)
    run = ImportRun.objects.get()
    assert (run.kind, run.by, run.file_name, run.succeeded) == (
        "practices",
        person,
        "practices.csv",
        True,
    )
    assert (run.rows, run.created, run.updated) == (1, 1, 0)
    assert list(run.hubs.values_list("code", flat=True)) == ["HUB-A"]


@pytest.mark.django_db
def test_a_refused_run_keeps_its_error_list():
    with pytest.raises(ImportFailed) as failure:
        run_import("practices", csv_file(HEADER, [practice_row(list_size="x")]))
    run = ImportRun.objects.get()
    assert failure.value.run == run
    assert run.succeeded is False
    assert run.errors == ["line 2: list_size: 'x' is not a whole number"]
    assert run.error_count == 1


@pytest.mark.django_db
def test_a_path_can_be_imported(tmp_path):
    path = tmp_path / "practices.csv"
    path.write_bytes(csv_bytes(HEADER, [practice_row()]))
    assert run_import("practices", str(path)).created == 1
    assert ImportRun.objects.get().file_name == "practices.csv"


@pytest.mark.django_db
def test_coordinator_scope_refuses_a_row_of_another_hub_on_its_line():
    hub_a, hub_b = HubFactory(code="HUB-A"), HubFactory(code="HUB-B")
    PracticeFactory(hub=hub_b, ods_code="E85009")
    rows = [
        practice_row("E85001", hub="HUB-A"),
        practice_row("E85002", hub="HUB-B"),
        # Moving another hub's practice into yours touches that hub too.
        practice_row("E85009", hub="HUB-A"),
    ]
    errors = refused("practices", csv_file(HEADER, rows), allowed_hub_ids={hub_a.pk})
    assert errors == [
        "line 3: hub_code: belongs to a hub you do not manage",
        "line 4: hub_code: belongs to a hub you do not manage",
    ]
    assert Practice.objects.filter(hub=hub_a).count() == 0
    run = ImportRun.objects.get()
    assert set(run.hubs.all()) == {hub_a}


@pytest.mark.django_db
def test_coordinator_scope_cannot_create_a_hub():
    hub_a = HubFactory(code="HUB-A")
    errors = refused(
        "practices", csv_file(HEADER, [practice_row(hub="NEW-HUB")]), allowed_hub_ids={hub_a.pk}
    )
    assert errors == ["line 2: hub_code: no hub has this code; ask the service operator to add it"]
