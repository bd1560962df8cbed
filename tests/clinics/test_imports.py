import datetime

import pytest

from cc4c.imports import ImportFailed, run_import
from clinics.models import Appointment, ClinicSession
from tests.clinics.factories import ClinicSessionFactory
from tests.factories import ChildFactory, PracticeFactory

HEADER = (
    "hub_code,session_date,host_practice_ods,start_time,nhs_number,appointment_type,"
    "referral_date,status,outcome\n"
)


@pytest.fixture
def hub_setup(db):
    practice = PracticeFactory(ods_code="E90001")
    children = ChildFactory.create_batch(3, practice=practice)
    return practice, children


def csv_file(tmp_path, lines):
    path = tmp_path / "clinic.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines))
    return path


def test_past_appointments_import_once_creating_the_session(hub_setup, tmp_path):
    practice, (a, b, c) = hub_setup
    code = practice.hub.code
    path = csv_file(
        tmp_path,
        [
            f"{code},2024-03-04,E90001,09:00,{a.nhs_number},new,2024-02-01,attended,hub_follow_up",
            f"{code},2024-03-04,E90001,09:20,{b.nhs_number},new,2024-02-10,not_brought,",
            f"{code},2024-03-04,E90001,09:40,{c.nhs_number},follow_up,,cancelled_by_family,",
        ],
    )
    result = run_import("clinic-appointments", path)
    assert (result.created, result.updated) == (3, 0)
    session = ClinicSession.objects.get()
    assert (session.date, session.start_time, session.end_time) == (
        datetime.date(2024, 3, 4),
        datetime.time(9, 0),
        datetime.time(10, 0),
    )
    assert Appointment.objects.get(child=a).outcome == "hub_follow_up"

    again = run_import("clinic-appointments", path)
    assert (again.created, again.updated) == (0, 0)
    assert Appointment.objects.count() == 3
    assert ClinicSession.objects.count() == 1


def test_a_changed_row_updates_the_appointment_in_that_slot(hub_setup, tmp_path):
    practice, (a, _b, _c) = hub_setup
    code = practice.hub.code
    row = f"{code},2024-03-04,E90001,09:00,{a.nhs_number},new,2024-02-01,attended,"
    run_import("clinic-appointments", csv_file(tmp_path, [row]))
    result = run_import(
        "clinic-appointments", csv_file(tmp_path, [row + "discharged_to_primary_care"])
    )
    assert (result.created, result.updated) == (0, 1)
    appointment = Appointment.objects.get()
    assert appointment.outcome == "discharged_to_primary_care"
    assert appointment.history.count() == 2


def test_a_bad_file_names_each_line_and_writes_nothing(hub_setup, tmp_path):
    practice, (a, b, _c) = hub_setup
    code = practice.hub.code
    other = PracticeFactory(ods_code="E90009")
    path = csv_file(
        tmp_path,
        [
            f"{code},2024-03-04,E90001,09:00,{a.nhs_number},new,2024-02-01,attended,",
            f"{code},2024-03-04,E90001,09:00,{b.nhs_number},new,2024-02-01,attended,",
            f"{code},2024-03-05,E90009,09:00,{a.nhs_number},new,2024-03-09,booked,hub_follow_up",
        ],
    )
    with pytest.raises(ImportFailed) as failure:
        run_import("clinic-appointments", path)
    errors = failure.value.errors
    assert any(e.startswith("line 3: hub_code, session_date, start_time:") for e in errors)
    assert f"line 4: host_practice_ods: is not a practice of hub {code}" in errors
    assert "line 4: referral_date: is after session_date" in errors
    assert "line 4: outcome: is only for attended appointments" in errors
    assert not Appointment.objects.exists() and not ClinicSession.objects.exists()
    assert other.pk


def test_a_slot_already_holding_another_child_is_refused(hub_setup, tmp_path):
    practice, (a, b, _c) = hub_setup
    session = ClinicSessionFactory(host_practice=practice, date=datetime.date(2024, 3, 4))
    Appointment.objects.create(slot=session.slots.get(start_time=datetime.time(9)), child=b)
    path = csv_file(
        tmp_path,
        [f"{practice.hub.code},2024-03-04,{practice.ods_code},09:00,{a.nhs_number},new,,attended,"],
    )
    with pytest.raises(ImportFailed) as failure:
        run_import("clinic-appointments", path)
    assert failure.value.errors == [
        "line 2: start_time: another child is already booked in this slot"
    ]
