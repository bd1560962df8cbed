"""The advice-requests import: the hub's earlier advice log, all or nothing, idempotent."""

import datetime

import pytest

from advice.metrics import advice_measures
from advice.models import AdviceRequest
from cc4c.imports import ImportFailed, run_import
from tests.cc4c.csv_files import from_dicts


def row(hub, practice, child, **changes):
    values = {
        "reference": "ADV-1",
        "hub_code": hub.code,
        "received_at": "2025-03-07T15:00:00+00:00",
        "channel": "email",
        "practice_ods": practice.ods_code,
        "nhs_number": child.nhs_number,
        "first_response_at": "2025-03-08T10:00:00+00:00",
        "outcome": "primary_care_advice",
    }
    values.update(changes)
    return values


def test_an_advice_log_imports_once_and_a_changed_row_updates_it(hub, practice, child):
    rows = [
        row(hub, practice, child),
        row(hub, practice, child, reference="ADV-2", first_response_at="", outcome=""),
    ]
    first = run_import("advice-requests", from_dicts(rows))
    again = run_import("advice-requests", from_dicts(rows))
    assert (first.created, again.created, again.updated) == (2, 0, 0)
    imported = AdviceRequest.objects.get(reference="ADV-1")
    assert (imported.hub, imported.child, imported.practice) == (hub, child, practice)
    assert imported.status == "closed" and imported.history.count() == 1
    assert AdviceRequest.objects.get(reference="ADV-2").status == "closed"  # never in the queue
    changed = [row(hub, practice, child, outcome="hospital_referral")]
    assert run_import("advice-requests", from_dicts(changed)).updated == 1
    assert AdviceRequest.objects.get(reference="ADV-1").outcome == "hospital_referral"

    measures = advice_measures([hub.pk], datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert measures["advice_requests"] == 2


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_written(
    hub, practice, child, other_child
):
    rows = [
        row(hub, practice, child),
        row(hub, practice, child, reference="ADV-2", channel="fax"),
        row(hub, practice, other_child, reference="ADV-3"),
        row(hub, practice, child, reference="ADV-4", first_response_at="2025-03-01T09:00:00+00:00"),
    ]
    with pytest.raises(ImportFailed) as failed:
        run_import("advice-requests", from_dicts(rows))
    errors = failed.value.errors
    assert any(e.startswith("line 3: channel:") for e in errors)
    assert any(e.startswith("line 4: nhs_number:") for e in errors)
    assert any(e.startswith("line 5: first_response_at: is before received_at") for e in errors)
    assert not AdviceRequest.objects.exists()


def test_a_coordinator_cannot_import_into_another_hub(hub, other_hub, other_practice, other_child):
    with pytest.raises(ImportFailed) as failed:
        run_import(
            "advice-requests",
            from_dicts([row(other_hub, other_practice, other_child)]),
            allowed_hub_ids={hub.pk},
        )
    assert "hub you do not manage" in failed.value.errors[0]


def test_an_outcome_without_a_first_response_is_valid_and_counted_as_unanswered(
    hub, practice, child
):
    rows = [
        row(hub, practice, child),
        row(hub, practice, child, reference="ADV-2", first_response_at="", outcome="other"),
    ]
    assert run_import("advice-requests", from_dicts(rows)).created == 2
    imported = AdviceRequest.objects.get(reference="ADV-2")
    assert (imported.status, imported.outcome, imported.first_response_at) == (
        "closed",
        "other",
        None,
    )
    measures = advice_measures([hub.pk], datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert (measures["advice_requests"], measures["advice_answered"]) == (2, 1)
    # Its target passed long ago: missed, so one of the two requests was answered in time.
    assert measures["advice_within_target_pct"] == 50
    assert measures["advice_outcome_other_pct"] == 50
