from decimal import Decimal

import pytest

from cc4c.measures import pct, round_1dp
from evaluation.suppression import STAR, suppress, suppress_count


@pytest.mark.parametrize(
    ("count", "shown"), [(0, 0), (1, STAR), (7, STAR), (8, 10), (12, 10), (13, 15), (None, None)]
)
def test_small_counts_are_starred_and_others_rounded_to_the_nearest_five(count, shown):
    assert suppress_count(count) == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (0, 12, Decimal("0.0")),  # 0 stays 0, 12 is not small: the percentage stands
        (1, 12, STAR),  # derived from a numerator of 1
        (7, 13, STAR),
        (8, 13, Decimal("61.5")),
        (12, 13, Decimal("92.3")),
        (0, 0, None),  # zero denominator: empty, not 0
    ],
)
def test_a_percentage_derived_from_a_suppressed_count_is_starred(numerator, denominator, shown):
    values = {
        "mdt_cases_discussed": denominator,
        "_mdt_outcome_other_n": numerator,
        "mdt_outcome_other_pct": pct(numerator, denominator),
    }
    assert suppress(values)["mdt_outcome_other_pct"] == shown


@pytest.mark.parametrize("denominator", [1, 7])
def test_a_percentage_over_a_small_denominator_is_starred(denominator):
    values = {"clinic_not_brought": 0, "clinic_attendances": denominator}
    values["clinic_dna_pct"] = pct(0, denominator)
    shown = suppress(values)
    assert shown["clinic_dna_pct"] == STAR
    assert shown["clinic_attendances"] == STAR
    assert shown["clinic_not_brought"] == 0


def test_hours_money_and_tallies_are_never_suppressed():
    shown = suppress(
        {"champion_hours": Decimal("3.5"), "estimated_net_saving_gbp": 5, "mdt_meetings": 3}
    )
    assert shown == {
        "champion_hours": Decimal("3.5"),
        "estimated_net_saving_gbp": 5,
        "mdt_meetings": 3,
    }


def test_hidden_numerators_are_never_shown():
    assert "_asthma_plan_n" not in suppress({"_asthma_plan_n": 40, "asthma_register": 50})


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Decimal("0.05"), Decimal("0.1")),
        (Decimal("-0.05"), Decimal("-0.1")),
        (2.25, Decimal("2.3")),
    ],
)
def test_rounding_is_half_away_from_zero(value, rounded):
    assert round_1dp(value) == rounded


def test_percentage_rounds_half_away_from_zero():
    assert pct(1, 8) == Decimal("12.5")
    assert pct(1, 16) == Decimal("6.3")  # 6.25
    assert pct(-1, 16) == Decimal("-6.3")
