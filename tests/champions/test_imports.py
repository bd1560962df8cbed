from decimal import Decimal

import pytest

from cc4c.imports import ImportFailed, run_import
from champions.models import Activity, Champion
from tests.cc4c.csv_files import from_dicts
from tests.champions.factories import ChampionFactory

pytestmark = pytest.mark.django_db


def row(practice, **overrides):
    return {
        "champion_ref": "CH-7",
        "given_name": "Nadia",
        "family_name": "Haddad",
        "practice_ods": practice.ods_code,
        "activity_date": "2025-05-04",
        "activity_type": "peer_support",
        "hours": "2.5",
        "people_reached": "12",
        **overrides,
    }


def refused(rows, **kwargs):
    with pytest.raises(ImportFailed) as failure:
        run_import("champion-activities", from_dicts(rows), **kwargs)
    return failure.value.errors


def test_import_creates_the_champion_and_their_activities(practice):
    result = run_import(
        "champion-activities",
        from_dicts([row(practice), row(practice, activity_date="2025-04-01", people_reached="")]),
    )
    assert (result.created, result.extra["champions_created"]) == (2, 1)
    champion = Champion.objects.get(champion_ref="CH-7")
    assert (champion.name, champion.practice, champion.hub_id) == (
        "Nadia Haddad",
        practice,
        practice.hub_id,
    )
    assert champion.start_date.isoformat() == "2025-04-01"
    assert list(champion.activities.order_by("date").values_list("hours", "people_reached")) == [
        (Decimal("2.50"), None),
        (Decimal("2.50"), 12),
    ]


def test_importing_the_same_file_twice_changes_nothing_and_a_changed_row_updates(practice):
    run_import("champion-activities", from_dicts([row(practice)]))
    again = run_import("champion-activities", from_dicts([row(practice)]))
    assert (again.created, again.updated) == (0, 0)
    changed = run_import("champion-activities", from_dicts([row(practice, hours="3")]))
    assert (changed.created, changed.updated) == (0, 1)
    assert Activity.objects.get().hours == Decimal("3.00")
    assert Champion.objects.count() == 1


def test_an_existing_champion_is_matched_by_reference_within_the_hub(practice, other_practice):
    known = ChampionFactory(practice=practice, champion_ref="CH-7", given_name="Nadia")
    ChampionFactory(practice=other_practice, champion_ref="CH-7")
    run_import("champion-activities", from_dicts([row(practice)]))
    assert Activity.objects.get().champion == known


def test_bad_rows_are_named_and_nothing_is_written(practice):
    errors = refused(
        [
            row(practice),
            row(practice, activity_type="knitting", activity_date="2025-05-05"),
            row(practice, hours="-1", activity_date="2025-05-06"),
            row(practice, practice_ods="Z99999", activity_date="2025-05-07"),
            row(practice, activity_date="2999-01-01"),
            row(practice, given_name="Someone", activity_date="2025-05-08"),
            row(practice, people_reached="many", activity_date="2025-05-09"),
        ]
    )
    assert errors == [
        "line 3: activity_type: 'knitting' is not one of: peer_support, health_education, "
        "co_design, waiting_room, community_event, other",
        "line 4: hours: '-1' is not a number of 0 or more",
        "line 5: practice_ods: no practice has the ODS code Z99999",
        "line 6: activity_date: is in the future",
        "line 7: champion_ref: CH-7 has a different name or practice on line 2",
        "line 8: people_reached: 'many' is not a whole number",
    ]
    assert not Champion.objects.exists() and not Activity.objects.exists()


def test_the_same_activity_twice_in_a_file_is_refused(practice):
    errors = refused([row(practice), row(practice, hours="1")])
    assert errors == [
        "line 3: champion_ref, activity_date, activity_type: "
        "CH-7, 2025-05-04, peer_support is also on line 2"
    ]


def test_a_coordinator_cannot_import_for_another_hub(practice, other_practice):
    errors = refused([row(other_practice)], allowed_hub_ids={practice.hub_id})
    assert errors == ["line 2: practice_ods: belongs to a hub you do not manage"]
