"""The care-events and hospital-events imports: each row checked and named by its line,
nothing written when one is bad, and a second import of the same file changing nothing."""

import io

import pytest

from cc4c.imports import ImportFailed, run_import
from population.models import CareEvent, CareProcess, HospitalEvent
from tests.cc4c.csv_files import csv_bytes, valid_nhs_number
from tests.factories import ChildFactory, HubFactory, PracticeFactory
from tests.population.factories import ASTHMA

CARE = ["nhs_number", "practice_ods", "process", "done_on"]
HOSPITAL = ["nhs_number", "occurred_on", "kind", "diagnosis"]


@pytest.fixture
def child(db):
    practice = PracticeFactory(hub=HubFactory(code="HUB-A"), ods_code="E85001")
    PracticeFactory(hub=HubFactory(code="HUB-B"), ods_code="E85002")
    return ChildFactory(practice=practice, nhs_number=valid_nhs_number(1), conditions=[ASTHMA])


def care_file(*rows):
    return io.BytesIO(csv_bytes(CARE, rows))


def hospital_file(*rows):
    return io.BytesIO(csv_bytes(HOSPITAL, rows))


def test_care_events_by_key_and_by_snomed_code_are_imported_once(child):
    rows = [
        [child.nhs_number, "E85001", "asthma.inhaler_technique", "2025-03-04"],
        [child.nhs_number, "E85001", "810901000000102", "2025-03-05"],
    ]
    result = run_import("care-events", care_file(*rows))
    assert (result.created, result.updated) == (2, 0)
    events = {(e.process.key, str(e.done_on), e.code) for e in CareEvent.objects.all()}
    assert events == {
        ("inhaler_technique", "2025-03-04", ""),
        ("management_plan", "2025-03-05", "810901000000102"),
    }
    again = run_import("care-events", care_file(*rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert CareEvent.objects.count() == 2


def test_a_code_several_processes_list_counts_for_each(child):
    CareProcess.objects.filter(key="inhaler_technique").update(codes=["170614009", "43396009"])
    run_import("care-events", care_file([child.nhs_number, "E85001", "43396009", "2025-03-04"]))
    assert sorted(e.process.key for e in CareEvent.objects.all()) == ["hba1c", "inhaler_technique"]


def test_bad_care_event_rows_are_named_by_line_and_nothing_is_written(child):
    other = ChildFactory(nhs_number=valid_nhs_number(2))
    rows = [
        [child.nhs_number, "E85001", "asthma.inhaler_technique", "2025-03-04"],
        [valid_nhs_number(3), "E85001", "asthma.inhaler_technique", "2025-03-04"],
        [child.nhs_number, "E85001", "asthma.nothing", "2025-03-04"],
        [child.nhs_number, "E85001", "asthma.inhaler_technique", "2099-01-01"],
        [other.nhs_number, "E85002", "asthma.inhaler_technique", "2025-03-04"],
        [child.nhs_number, "E85001", "195967009", "2025-03-04"],
        [child.nhs_number, "E85001", "diabetes.hba1c", "1999-01-01"],
    ]
    with pytest.raises(ImportFailed) as failure:
        run_import("care-events", care_file(*rows))
    assert failure.value.errors == [
        "line 3: nhs_number: no child has this NHS number: import children first",
        "line 4: process: no care process has this key or SNOMED CT code",
        "line 5: done_on: is in the future",
        "line 6: practice_ods: the child is not registered at this practice",
        "line 7: process: '195967009' fails the SNOMED CT check digit",
        "line 8: done_on: is before the child's date of birth",
    ]
    assert not CareEvent.objects.exists()


def test_a_coordinator_may_not_import_care_events_of_another_hubs_children(child):
    from hubs.models import Hub

    with pytest.raises(ImportFailed) as failure:
        run_import(
            "care-events",
            care_file([child.nhs_number, "E85001", "asthma.inhaler_technique", "2025-03-04"]),
            allowed_hub_ids=[Hub.objects.get(code="HUB-B").pk],
        )
    assert "practice_ods" in failure.value.errors[0]
    assert not CareEvent.objects.exists()


def test_hospital_events_are_imported_once_with_their_diagnosis(child):
    rows = [
        [child.nhs_number, "2025-03-04", "ed_attendance", "195967001"],
        [child.nhs_number, "2025-03-04", "admission", "J45.9"],
        [child.nhs_number, "2025-04-01", "did_not_attend", ""],
    ]
    result = run_import("hospital-events", hospital_file(*rows))
    assert (result.created, result.updated) == (3, 0)
    stored = {(e.kind, e.diagnosis) for e in HospitalEvent.objects.all()}
    assert stored == {("ed_attendance", "195967001"), ("admission", "J459"), ("did_not_attend", "")}
    again = run_import("hospital-events", hospital_file(*rows))
    assert (again.created, again.updated) == (0, 0)
    assert HospitalEvent.objects.count() == 3


def test_bad_hospital_event_rows_are_named_by_line_and_nothing_is_written(child):
    rows = [
        [child.nhs_number, "2025-03-04", "ed_attendance", ""],
        [child.nhs_number, "2025-03-04", "walk_in", ""],
        [child.nhs_number, "2099-03-04", "admission", ""],
        [valid_nhs_number(3), "2025-03-04", "admission", ""],
        [child.nhs_number, "2025-03-04", "admission", "asthma"],
    ]
    with pytest.raises(ImportFailed) as failure:
        run_import("hospital-events", hospital_file(*rows))
    errors = failure.value.errors
    assert errors[0].startswith("line 3: kind: 'walk_in' is not one of")
    assert errors[1:] == [
        "line 4: occurred_on: is in the future",
        "line 5: nhs_number: no child has this NHS number: import children first",
        "line 6: diagnosis: 'asthma' is not a SNOMED CT id (6 to 18 digits)",
    ]
    assert not HospitalEvent.objects.exists()
