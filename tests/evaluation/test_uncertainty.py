"""Every percentage of a report has its 95% interval (docs/evaluation-measures.md,
"Uncertainty"), computed from the counts behind it."""

from decimal import Decimal

from evaluation import uncertainty
from evaluation.definitions import BY_KEY, MEASURES


def test_every_percentage_change_and_difference_declares_what_its_interval_comes_from():
    for measure in MEASURES:
        if measure.kind == "pct":
            assert measure.proportion, measure.key
        if measure.kind == "change":
            assert measure.ratio, measure.key
        if measure.kind == "points":
            assert all(BY_KEY[key].kind == "change" for key in measure.difference_of)


def test_a_percentage_gets_wilsons_interval_from_its_counts():
    values = {"clinic_dna_pct": Decimal("16.7"), "clinic_not_brought": 1, "clinic_attendances": 5}
    assert uncertainty.interval("clinic_dna_pct", values) == (Decimal("3.0"), Decimal("56.4"))


def test_no_interval_for_an_empty_or_hidden_figure_or_a_zero_denominator():
    values = {"clinic_dna_pct": None, "clinic_not_brought": 0, "clinic_attendances": 0}
    assert uncertainty.interval("clinic_dna_pct", values) is None
    hidden = {"clinic_dna_pct": Decimal("16.7"), "clinic_not_brought": 1, "clinic_attendances": 5}
    assert uncertainty.interval("clinic_dna_pct", hidden, shown="*") is None
    assert uncertainty.interval("children_registered", {"children_registered": 10}) is None


def test_a_change_without_baseline_events_has_no_interval():
    values = {
        "hospital_admission_change_pct": None,
        "hospital_admission_baseline": 0,
        "hospital_admission_period": 4,
    }
    assert uncertainty.interval("hospital_admission_change_pct", values) is None


def test_a_count_change_interval_holds_the_change():
    values = {
        "hospital_op_new_change_pct": Decimal("-39.0"),
        "hospital_op_new_baseline": 100,
        "hospital_op_new_period": 61,
    }
    low, high = uncertainty.interval("hospital_op_new_change_pct", values)
    assert low < Decimal("-39.0") < high < 0
