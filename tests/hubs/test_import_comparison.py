"""Comparison practices (docs/import-formats.md, ``practices``: ``comparison``): outside every
hub, imported with their children and hospital activity by the service operator only."""

import datetime

import pytest

from cc4c.imports import ImportFailed, run_import
from evaluation.models import HospitalActivity
from hubs.models import Practice
from population.models import Child
from tests.cc4c.csv_files import csv_file, from_dicts
from tests.factories import HubFactory, PracticeFactory
from tests.population.test_import_children import child_row

pytestmark = pytest.mark.django_db

HEADER = ["ods_code", "name", "hub_code", "hub_name", "postcode", "list_size", "comparison"]
FOR_OPERATOR = (
    "is a comparison practice (outside every hub): only the service operator imports its rows"
)


def practices(*rows, **kwargs):
    return run_import("practices", csv_file(HEADER, rows), **kwargs)


def refused(kind, upload, **kwargs):
    with pytest.raises(ImportFailed) as failure:
        run_import(kind, upload, **kwargs)
    return failure.value.errors


def test_the_operator_imports_a_comparison_practice_in_no_hub():
    HubFactory(code="HUB-A")
    practices(
        ["E85001", "Elsewhere Surgery", "", "", "W2 1NY", "9000", "yes"],
        ["E85002", "Hub Surgery", "HUB-A", "", "", "", "no"],
        ["E85003", "Other Hub Surgery", "HUB-A", "", "", "", ""],
    )
    comparison = Practice.objects.get(ods_code="E85001")
    assert comparison.comparison and comparison.hub is None
    assert str(comparison) == "Elsewhere Surgery (E85001, comparison)"
    assert list(Practice.objects.in_hubs().values_list("ods_code", flat=True)) == [
        "E85002",
        "E85003",
    ]


def test_a_comparison_practice_names_no_hub_and_a_hub_practice_names_one():
    errors = refused(
        "practices",
        csv_file(
            HEADER,
            [
                ["E85001", "Surgery", "HUB-A", "Hub A", "", "", "yes"],
                ["E85002", "Surgery", "", "", "", "", "no"],
                ["E85003", "Surgery", "", "", "", "", "maybe"],
            ],
        ),
    )
    assert errors == [
        "line 2: hub_code: must be empty for a comparison practice, which belongs to no hub",
        "line 2: hub_name: must be empty for a comparison practice, which belongs to no hub",
        "line 3: hub_code: is required unless comparison is yes",
        "line 4: comparison: 'maybe' is not yes or no",
    ]
    assert not Practice.objects.exists()


def test_a_coordinator_may_not_import_a_comparison_practice_nor_take_one_into_a_hub():
    hub = HubFactory(code="HUB-A")
    PracticeFactory(ods_code="E85009", comparison_practice=True)
    errors = refused(
        "practices",
        csv_file(
            HEADER,
            [
                ["E85001", "Surgery", "", "", "", "", "yes"],
                ["E85009", "Surgery", "HUB-A", "", "", "", ""],
            ],
        ),
        allowed_hub_ids={hub.pk},
    )
    assert errors == [
        "line 2: comparison: only the service operator imports comparison practices",
        f"line 3: ods_code: {FOR_OPERATOR}",
    ]


def test_a_comparison_practice_joins_a_hub_but_a_hub_practice_never_leaves_for_comparison():
    hub = HubFactory(code="HUB-A")
    PracticeFactory(ods_code="E85009", comparison_practice=True)
    PracticeFactory(ods_code="E85008", hub=hub)
    practices(["E85009", "Joined", "HUB-A", "", "", "", ""])
    assert Practice.objects.get(ods_code="E85009").hub == hub
    errors = refused("practices", csv_file(HEADER, [["E85008", "Left", "", "", "", "", "yes"]]))
    assert errors == ["line 2: comparison: is yes for a practice of a hub, which stays in its hub"]
    assert Practice.objects.get(ods_code="E85008").hub == hub


def test_the_operator_imports_a_comparison_practices_children_and_hospital_activity():
    PracticeFactory(ods_code="E85001", comparison_practice=True)
    run_import("children", from_dicts([child_row(1), child_row(2)]))
    assert Child.objects.filter(practice__comparison=True).count() == 2
    run_import(
        "hospital-activity",
        csv_file(
            ["practice_ods", "month", "activity", "count"], [["E85001", "2025-04", "op_new", "7"]]
        ),
    )
    activity = HospitalActivity.objects.get()
    assert (activity.month, activity.count) == (datetime.date(2025, 4, 1), 7)


def test_a_coordinator_may_not_import_a_comparison_practices_children_or_activity():
    hub = HubFactory(code="HUB-A")
    PracticeFactory(ods_code="E85001", comparison_practice=True)
    errors = refused("children", from_dicts([child_row(1)]), allowed_hub_ids={hub.pk})
    assert errors == [f"line 2: practice_ods: {FOR_OPERATOR}"]
    assert not Child.objects.exists()
    errors = refused(
        "hospital-activity",
        csv_file(
            ["practice_ods", "month", "activity", "count"], [["E85001", "2025-04", "op_new", "7"]]
        ),
        allowed_hub_ids={hub.pk},
    )
    assert errors == [f"line 2: practice_ods: {FOR_OPERATOR}"]


def test_a_comparison_practice_has_no_champions():
    PracticeFactory(ods_code="E85001", comparison_practice=True)
    errors = refused(
        "champion-activities",
        from_dicts(
            [
                {
                    "champion_ref": "CH-1",
                    "given_name": "Amina",
                    "family_name": "Ali",
                    "practice_ods": "E85001",
                    "activity_date": "2025-05-01",
                    "activity_type": "peer_support",
                    "hours": "2",
                    "people_reached": "",
                }
            ]
        ),
    )
    assert errors == [
        "line 2: practice_ods: is a comparison practice (outside every hub): it has no such records"
    ]


def test_a_comparison_practices_child_has_no_carers():
    PracticeFactory(ods_code="E85001", comparison_practice=True)
    run_import("children", from_dicts([child_row(1)]))
    child = Child.objects.get()
    row = {
        "nhs_number": child.nhs_number,
        "name": "Sam Parent",
        "relationship": "parent",
        "mobile": "07700 900123",
        "email": "",
        "preferred_channel": "sms",
        "language_need": "",
        "consent_to_messages": "yes",
        "consent_given_on": "2025-05-01",
    }
    errors = refused("carers", from_dicts([row]))
    assert errors == [
        "line 2: nhs_number: is a child of a comparison practice (outside every hub): such "
        "children have no contacts here"
    ]
