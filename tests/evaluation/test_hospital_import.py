import io

import pytest

from cc4c.imports import ImportFailed, run_import
from evaluation.models import HospitalActivity

pytestmark = pytest.mark.django_db


def csv_file(text):
    return io.BytesIO(text.encode())


def test_hospital_activity_imports_and_reimports_to_the_same_rows(practice):
    text = (
        "practice_ods,month,activity,count\n"
        f"{practice.ods_code},2025-04,op_new,12\n"
        f"{practice.ods_code},2025-04,admission,3\n"
    )
    first = run_import("hospital-activity", csv_file(text))
    second = run_import("hospital-activity", csv_file(text))
    assert (first.created, second.created, second.updated) == (2, 0, 0)
    assert HospitalActivity.objects.get(activity="op_new").count == 12


def test_a_changed_count_updates_the_month(practice):
    row = f"{practice.ods_code},2025-04,op_new,"
    run_import("hospital-activity", csv_file(f"practice_ods,month,activity,count\n{row}12\n"))
    result = run_import(
        "hospital-activity", csv_file(f"practice_ods,month,activity,count\n{row}9\n")
    )
    assert result.updated == 1
    assert HospitalActivity.objects.get().count == 9


def test_bad_rows_are_named_by_line_and_nothing_is_written(practice):
    text = (
        "practice_ods,month,activity,count\n"
        f"{practice.ods_code},2025-04,op_new,12\n"
        f"{practice.ods_code},2025-13,op_new,1\n"
        "Z99999,2025-04,op_new,1\n"
        f"{practice.ods_code},2025-05,surgery,1\n"
        f"{practice.ods_code},2025-06,admission,-2\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run_import("hospital-activity", csv_file(text))
    errors = failure.value.errors
    assert any(e.startswith("line 3: month:") for e in errors)
    assert any(e.startswith("line 4: practice_ods:") for e in errors)
    assert any(e.startswith("line 5: activity:") for e in errors)
    assert any(e.startswith("line 6: count:") for e in errors)
    assert not HospitalActivity.objects.exists()


def test_a_coordinator_cannot_import_another_hubs_practice(practice, other_practice):
    text = f"practice_ods,month,activity,count\n{other_practice.ods_code},2025-04,op_new,1\n"
    with pytest.raises(ImportFailed) as failure:
        run_import("hospital-activity", csv_file(text), allowed_hub_ids={practice.hub_id})
    assert failure.value.errors[0].startswith("line 2: practice_ods:")
    assert not HospitalActivity.objects.exists()
