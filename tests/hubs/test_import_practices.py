"""The practices import (docs/import-formats.md, ``practices``)."""

import pytest

from cc4c.imports import ImportFailed, run_import
from hubs.models import Hub, Practice
from tests.cc4c.csv_files import csv_file
from tests.factories import HubFactory

HEADER = ["ods_code", "name", "hub_code", "hub_name", "postcode", "list_size"]


def rows_file(*rows):
    return csv_file(HEADER, rows)


@pytest.mark.django_db
def test_a_new_hub_is_created_with_its_name_and_the_postcode_normalised():
    result = run_import(
        "practices",
        rows_file(
            ["e85001", "Church Street Surgery", "north-west", "North West London", "w21ny", "8000"],
            ["E85002", "Canal Side Practice", "NORTH-WEST", "", "", ""],
        ),
    )
    assert (result.created, result.updated, result.extra) == (2, 0, {"hubs_created": 1})
    hub = Hub.objects.get()
    assert (hub.code, hub.name) == ("NORTH-WEST", "North West London")
    first, second = Practice.objects.order_by("ods_code")
    assert (first.ods_code, first.postcode, first.list_size, first.hub) == (
        "E85001",
        "W2 1NY",
        8000,
        hub,
    )
    assert (second.postcode, second.list_size) == ("", None)


@pytest.mark.django_db
def test_an_existing_hub_keeps_its_name():
    HubFactory(code="HUB-A", name="Hub A")
    run_import("practices", rows_file(["E85001", "Surgery", "HUB-A", "Renamed", "", ""]))
    assert Hub.objects.get().name == "Hub A"


@pytest.mark.django_db
def test_bad_values_are_named_with_their_lines():
    with pytest.raises(ImportFailed) as failure:
        run_import(
            "practices",
            rows_file(
                ["E8500", "Surgery", "HUB-A", "", "", ""],
                ["E85002", "Surgery", "hub a!", "", "", ""],
                ["E85003", "Surgery", "HUB-A", "", "XX1", ""],
                ["E85004", "Surgery", "HUB-A", "", "", "-5"],
                ["E85005", "", "HUB-A", "", "", ""],
            ),
        )
    assert failure.value.errors == [
        "line 2: ods_code: 'E8500' is not an ODS code (a letter and five digits, e.g. E85001)",
        "line 3: hub_code: 'hub a!' is not a hub code (2 to 20 capital letters, digits or -)",
        "line 4: postcode: 'XX1' is not a UK postcode",
        "line 5: list_size: -5 is not 0 or more",
        "line 6: name: is required",
    ]
    assert not Practice.objects.exists()
    assert not Hub.objects.exists()


@pytest.mark.django_db
def test_importing_twice_changes_nothing_and_a_changed_row_updates():
    rows = [["E85001", "Surgery", "HUB-A", "Hub A", "W2 1NY", "100"]]
    run_import("practices", rows_file(*rows))
    again = run_import("practices", rows_file(*rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = run_import(
        "practices", rows_file(["E85001", "Surgery", "HUB-B", "Hub B", "W2 1NY", "120"])
    )
    assert (changed.created, changed.updated) == (0, 1)
    practice = Practice.objects.get()
    assert (practice.hub.code, practice.list_size) == ("HUB-B", 120)
    assert set(changed.hub_ids) == set(Hub.objects.values_list("id", flat=True))


@pytest.mark.django_db
def test_the_mesh_mailbox_column_sets_a_mailbox_keeps_it_when_empty_and_names_a_bad_one():
    header = [*HEADER, "mesh_mailbox"]
    run_import(
        "practices",
        csv_file(header, [["E85001", "Surgery", "HUB-A", "", "", "", "e85001ot001"]]),
    )
    assert Practice.objects.get().mesh_mailbox == "E85001OT001"
    # An empty cell keeps the mailbox the practice has; a file without the column too.
    run_import("practices", csv_file(header, [["E85001", "Surgery", "HUB-A", "", "", "", ""]]))
    run_import("practices", rows_file(["E85001", "Renamed Surgery", "HUB-A", "", "", ""]))
    practice = Practice.objects.get()
    assert (practice.name, practice.mesh_mailbox) == ("Renamed Surgery", "E85001OT001")
    with pytest.raises(ImportFailed) as failure:
        run_import(
            "practices",
            csv_file(header, [["E85001", "Surgery", "HUB-A", "", "", "", "not a mailbox!"]]),
        )
    [error] = failure.value.errors
    assert error.startswith("line 2: mesh_mailbox: 'not a mailbox!' is not a MESH mailbox id")
    assert Practice.objects.get().mesh_mailbox == "E85001OT001"
