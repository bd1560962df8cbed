"""Importing past MDT cases (docs/import-formats.md, mdt-cases)."""

import datetime

import pytest

from cc4c.imports import ImportFailed, run_import
from mdt.metrics import mdt_measures
from mdt.models import CaseDiscussion, Meeting
from tests.factories import ChildFactory, HubFactory, PracticeFactory

HEADER = "hub_code,meeting_date,nhs_number,referred_on,referrer_role,outcome,named_professional\n"


@pytest.fixture
def setup(db):
    hub = HubFactory(code="IMP-MDT")
    practice = PracticeFactory(hub=hub)
    return hub, ChildFactory.create_batch(3, practice=practice)


def write(tmp_path, lines):
    path = tmp_path / "mdt.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines))
    return path


def test_past_cases_import_once_creating_the_meeting(setup, tmp_path):
    hub, (a, b, c) = setup
    path = write(
        tmp_path,
        [
            f"IMP-MDT,2024-05-14,{a.nhs_number},2024-05-01,gp,primary_care_advice,",
            f"IMP-MDT,2024-05-14,{b.nhs_number},,health_visitor,outreach_clinic,",
            f"IMP-MDT,2024-05-14,{c.nhs_number},,,named_professional,Community dietician",
        ],
    )
    result = run_import("mdt-cases", path)
    assert (result.created, result.updated) == (3, 0)
    meeting = Meeting.objects.get()
    assert meeting.status == "finished"
    assert CaseDiscussion.objects.get(child=c).named_professional == "Community dietician"
    measures = mdt_measures([hub.pk], datetime.date(2024, 5, 1), datetime.date(2024, 5, 31))
    assert (measures["mdt_meetings"], measures["mdt_cases_discussed"]) == (1, 3)

    again = run_import("mdt-cases", path)
    assert (again.created, again.updated) == (0, 0)
    assert CaseDiscussion.objects.count() == 3
    assert Meeting.objects.count() == 1


def test_a_changed_row_updates_the_case_and_keeps_history(setup, tmp_path):
    _hub, (a, _b, _c) = setup
    run_import("mdt-cases", write(tmp_path, [f"IMP-MDT,2024-05-14,{a.nhs_number},,,other,"]))
    result = run_import(
        "mdt-cases",
        write(tmp_path, [f"IMP-MDT,2024-05-14,{a.nhs_number},,,outreach_clinic,"]),
    )
    assert (result.created, result.updated) == (0, 1)
    case = CaseDiscussion.objects.get()
    assert [h.outcome for h in case.history.order_by("history_date")] == [
        "other",
        "outreach_clinic",
    ]


def test_bad_rows_are_named_by_line_and_nothing_is_written(setup, tmp_path):
    _hub, (a, b, _c) = setup
    other_child = ChildFactory()
    path = write(
        tmp_path,
        [
            f"IMP-MDT,2024-05-14,{a.nhs_number},,,primary_care_advice,",
            f"IMP-MDT,2024-05-14,{b.nhs_number},2024-06-01,,primary_care_advice,",
            f"IMP-MDT,2024-05-14,{other_child.nhs_number},,,discharged,",
            f"NOPE,2024-05-14,{a.nhs_number},,,other,",
        ],
    )
    with pytest.raises(ImportFailed) as failed:
        run_import("mdt-cases", path)
    assert failed.value.errors == [
        "line 3: referred_on: is after meeting_date",
        "line 4: outcome: 'discharged' is not one of: primary_care_advice, outreach_clinic, "
        "named_professional, other",
        "line 5: hub_code: no hub has the code NOPE",
    ]
    assert not CaseDiscussion.objects.exists()
    assert not Meeting.objects.exists()
