"""The children import: the population extract (docs/import-formats.md, ``children``)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cc4c.imports import ImportFailed, run_import
from population.models import Child, Segment, SegmentRule, ValueSet
from tests.cc4c.csv_files import from_dicts, valid_nhs_number
from tests.factories import ChildFactory, HubFactory, PersonFactory, PracticeFactory

NOT_A_DATE = "is not a date: write it as 2016-03-31, 31/03/2016 or 31-Mar-2016 (day before month)"
ASTHMA = "195967001"
ECZEMA = "24079001"


@pytest.fixture
def practice(db):
    return PracticeFactory(hub=HubFactory(code="HUB-A"), ods_code="E85001")


def child_row(seed=1, **changes):
    row = {
        "nhs_number": valid_nhs_number(seed),
        "given_name": f"Given{seed}",
        "family_name": f"Family{seed}",
        "date_of_birth": "2018-05-04",
        "sex": "female",
        "postcode": "w2 1ny",
        "practice_ods": "E85001",
        "registered_on": "2018-06-01",
        "deregistered_on": "",
        "conditions": "",
        "flags": "",
        "asthma_plan_reviewed_on": "",
        "imd_decile": "",
    }
    row.update(changes)
    return row


def refused(rows):
    with pytest.raises(ImportFailed) as failure:
        run_import("children", from_dicts(rows))
    assert not Child.objects.exists()
    return failure.value.errors


def test_a_valid_extract_creates_the_children(practice):
    row = child_row(
        1,
        nhs_number="999 000 0018",
        conditions=f"{ASTHMA}; {ECZEMA}",
        flags="looked_after;young_carer",
        imd_decile="3",
        asthma_plan_reviewed_on="2025-01-10",
        sex="Male",
    )
    result = run_import("children", from_dicts([row, child_row(2)]))
    assert (result.created, result.updated) == (2, 0)
    child = Child.objects.get(nhs_number="9990000018")
    assert child.practice == practice
    assert child.postcode == "W2 1NY"
    assert child.sex == "male"
    assert child.conditions == [ASTHMA, ECZEMA]
    assert child.flags == ["looked_after", "young_carer"]
    assert child.imd_decile == 3
    assert child.asthma_plan_reviewed_on == datetime.date(2025, 1, 10)
    assert child.deregistered_on is None


def test_each_bad_value_is_named_with_its_line(practice):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        child_row(1),
        child_row(2, nhs_number="9990000019"),
        child_row(3, nhs_number="99900"),
        child_row(4, date_of_birth=tomorrow),
        child_row(5, date_of_birth="05/13/2018"),
        child_row(6, sex="boy"),
        child_row(7, practice_ods="E99999"),
        child_row(8, registered_on="2020-01-01", deregistered_on="2019-12-31"),
        child_row(9, conditions=f"{ASTHMA};1959-67001"),
        child_row(10, conditions="195967002"),
        child_row(11, conditions="12345"),
        child_row(12, flags="looked_after;on_holiday"),
        child_row(13, imd_decile="11"),
        child_row(14, postcode="not a postcode"),
        child_row(15, given_name=""),
        child_row(1, given_name="Again"),
    ]
    assert refused(rows) == [
        "line 3: nhs_number: 9990000019 fails the NHS number check digit",
        "line 4: nhs_number: An NHS number is 10 digits",
        "line 5: date_of_birth: is in the future",
        f"line 6: date_of_birth: '05/13/2018' {NOT_A_DATE}",
        "line 7: sex: 'boy' is not one of: female, male, other, unknown (or F, M, U)",
        "line 8: practice_ods: no practice has the ODS code E99999",
        "line 9: deregistered_on: is before registered_on",
        "line 10: conditions: '1959-67001' is not a SNOMED CT id (6 to 18 digits)",
        "line 11: conditions: '195967002' fails the SNOMED CT check digit",
        "line 12: conditions: '12345' is not a SNOMED CT id (6 to 18 digits)",
        "line 13: flags: 'on_holiday' is not one of: "
        + ", ".join(
            [
                "child_protection_plan",
                "child_in_need",
                "looked_after",
                "send_ehcp",
                "young_carer",
                "palliative_care",
                "technology_dependent",
                "acute_illness_recent",
                "acute_severe_recent",
            ]
        ),
        "line 14: imd_decile: 11 is not from 1 to 10",
        "line 15: postcode: 'not a postcode' is not a UK postcode",
        "line 16: given_name: is required",
        f"line 17: nhs_number: {valid_nhs_number(1)} is also on line 2",
    ]


ETHNIC_REFUSAL = "is not an NHS ethnic category code: one of A to H, J to N, P, R, S or Z"


def test_an_ethnic_category_is_one_nhs_code_in_any_case_or_is_refused_on_its_line(practice):
    good = [child_row(1, ethnic_category="n"), child_row(2, ethnic_category="A")]
    good.append(child_row(3, ethnic_category=""))
    run_import("children", from_dicts(good))
    assert dict(Child.objects.values_list("given_name", "ethnic_category")) == {
        "Given1": "N",
        "Given2": "A",
        "Given3": "",
    }
    Child.objects.all().delete()
    bad = ["I", "O", "Q", "AB", "White British", "1"]
    rows = [child_row(1, ethnic_category="z")] + [
        child_row(seed, ethnic_category=code) for seed, code in enumerate(bad, start=2)
    ]
    assert refused(rows) == [
        f"line {line}: ethnic_category: '{code}' {ETHNIC_REFUSAL}"
        for line, code in enumerate(bad, start=3)
    ]


# Dates as GP systems export them, day before month, and sex as F/M/U or in words: the first
# rows take the SQL fast paths (days 1 to 28), the later ones the parsers.
GP_STYLE = [
    ("31/03/2016", datetime.date(2016, 3, 31), "F", "female"),
    ("12/03/2016", datetime.date(2016, 3, 12), "M", "male"),
    ("1/3/2016", datetime.date(2016, 3, 1), "u", "unknown"),
    ("05-Mar-2016", datetime.date(2016, 3, 5), "Female", "female"),
    ("31-Mar-2016", datetime.date(2016, 3, 31), "MALE", "male"),
    ("30-sep-2016", datetime.date(2016, 9, 30), "Unknown", "unknown"),
    ("3 DEC 2016", datetime.date(2016, 12, 3), "other", "other"),
    ("29-February-2016", datetime.date(2016, 2, 29), "m", "male"),
    ("2016-03-31", datetime.date(2016, 3, 31), "f", "female"),
]


def test_dates_and_sex_as_gp_systems_export_them_are_read_day_first(practice):
    rows = [
        child_row(seed, date_of_birth=written, registered_on=written, sex=sex_written)
        for seed, (written, _day, sex_written, _sex) in enumerate(GP_STYLE, start=1)
    ]
    assert run_import("children", from_dicts(rows)).created == len(GP_STYLE)
    for seed, (written, day, sex_written, sex) in enumerate(GP_STYLE, start=1):
        child = Child.objects.get(nhs_number=valid_nhs_number(seed))
        assert (child.date_of_birth, child.registered_on, child.sex) == (day, day, sex), (
            written,
            sex_written,
        )


@pytest.mark.parametrize("written", ["03/31/2016", "31/03/16", "2016/03/31", "31-Mrz-2016"])
def test_a_date_month_first_or_with_a_short_year_is_refused_on_its_line(practice, written):
    rows = [child_row(1), child_row(2, date_of_birth=written)]
    assert refused(rows) == [f"line 3: date_of_birth: '{written}' {NOT_A_DATE}"]


def test_a_snomed_id_that_is_not_a_concept_is_refused(practice):
    # 1234567013 has a valid check digit but partition 01: a description id.
    errors = refused([child_row(1, conditions="1234567013")])
    assert errors == ["line 2: conditions: '1234567013' is a SNOMED CT id but not of a concept"]


def test_one_bad_row_among_ten_thousand_writes_nothing_and_names_the_row(practice):
    rows = [child_row(seed) for seed in range(1, 10_001)]
    rows[7_499]["date_of_birth"] = "2018-02-30"
    assert refused(rows) == [f"line 7501: date_of_birth: '2018-02-30' {NOT_A_DATE}"]


def test_importing_the_same_file_twice_leaves_the_same_database(practice):
    rows = [child_row(seed, conditions=ASTHMA, flags="send_ehcp") for seed in range(1, 6)]
    run_import("children", from_dicts(rows))
    before = list(Child.objects.order_by("nhs_number").values())
    history_before = Child.history.count()
    result = run_import("children", from_dicts(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert list(Child.objects.order_by("nhs_number").values()) == before
    assert Child.history.count() == history_before


def test_a_changed_row_updates_the_child_and_replaces_conditions_and_flags(practice):
    other = PracticeFactory(hub=practice.hub, ods_code="E85002")
    run_import(
        "children",
        from_dicts([child_row(1, conditions=f"{ASTHMA};{ECZEMA}", flags="looked_after")]),
    )
    by = PersonFactory()
    changed = child_row(
        1, family_name="Newname", practice_ods="E85002", conditions=ECZEMA, flags=""
    )
    result = run_import("children", from_dicts([changed]), by=by)
    assert (result.created, result.updated) == (0, 1)
    child = Child.objects.get()
    assert (child.family_name, child.practice, child.conditions, child.flags) == (
        "Newname",
        other,
        [ECZEMA],
        [],
    )
    latest = child.history.latest()
    assert (latest.history_type, latest.history_user, latest.family_name) == ("~", by, "Newname")


def test_an_import_keeps_the_childs_history(practice):
    run_import("children", from_dicts([child_row(1)]))
    assert [h.history_type for h in Child.objects.get().history.all()] == ["+"]


def test_children_are_resegmented_after_an_import(practice):
    segment, _ = Segment.objects.get_or_create(number=3, defaults={"name": "Three"})
    asthma, _ = ValueSet.objects.update_or_create(
        name="asthma", defaults={"title": "Asthma", "kind": "long_term", "codes": [ASTHMA]}
    )
    SegmentRule.objects.create(segment=segment, condition="value_set", value_set=asthma)
    run_import("children", from_dicts([child_row(1, conditions=ASTHMA), child_row(2)]))
    with_asthma = Child.objects.get(nhs_number=valid_nhs_number(1))
    assert with_asthma.segment >= 3
    assert any("Asthma" in reason for reason in with_asthma.segment_reasons)
    assert Child.objects.get(nhs_number=valid_nhs_number(2)).segment == 1


def test_a_coordinator_cannot_move_another_hubs_child_into_their_hub(practice):
    other_practice = PracticeFactory(hub=HubFactory(code="HUB-B"), ods_code="E86001")
    ChildFactory(nhs_number=valid_nhs_number(1), practice=other_practice)
    with pytest.raises(ImportFailed) as failure:
        run_import("children", from_dicts([child_row(1)]), allowed_hub_ids={practice.hub_id})
    assert failure.value.errors == ["line 2: practice_ods: belongs to a hub you do not manage"]
    assert Child.objects.get().practice == other_practice


def test_a_thousand_row_import_takes_a_bounded_number_of_queries(
    practice, django_assert_max_num_queries
):
    rows = [child_row(seed, conditions=ASTHMA) for seed in range(1, 1001)]
    # Five of them keep the lines' digests and set aside those written as they are, one
    # keeps the children's statistics.
    with django_assert_max_num_queries(26):
        result = run_import("children", from_dicts(rows))
    assert result.created == 1000


def planner_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'population_child'::regclass")
        return cursor.fetchone()[0]


def test_a_large_import_leaves_the_childrens_statistics_up_to_date_and_a_small_one_not(
    practice,
):
    # The planner's row count outlives a rolled-back test: start from the table as it is here
    # (the lock this takes keeps autovacuum away until the test ends).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE population_child")
    assert planner_rows() == 0
    rows = [child_row(seed) for seed in range(1, 201)]
    run_import("children", from_dicts(rows))
    assert planner_rows() == 200
    more = rows + [child_row(seed) for seed in range(201, 231)]
    run_import("children", from_dicts(more))  # 30 rows: fewer than 50 and a tenth
    assert planner_rows() == 200
    more += [child_row(seed) for seed in range(231, 331)]
    run_import("children", from_dicts(more))
    assert planner_rows() == 330
