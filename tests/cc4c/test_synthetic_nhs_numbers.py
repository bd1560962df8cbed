"""Synthetic NHS numbers: valid, never a real person's, one per seed, and a clear refusal when
more children are asked for than the ranges hold (docs/synthetic-data.md)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cc4c.validators import (
    SYNTHETIC_NHS_NUMBERS,
    SYNTHETIC_NHS_RANGES,
    nhs_number_is_valid,
    synthetic_nhs_number,
)
from tests.test_docs import nhs_number_ranges

ROOT = Path(__file__).resolve().parent.parent.parent


def edge_seeds(width=2_000):
    """Seeds at the start and end of every range, where an off-by-one would show."""
    seeds, start = set(), 0
    for _, bodies in SYNTHETIC_NHS_RANGES:
        end = start + bodies // 2
        seeds.update(range(start, start + width))
        seeds.update(range(end - width, end))
        start = end
    return sorted(seeds)


def sample_seeds():
    """The edges, every seed up to 50,000, and a stride through all 50 million."""
    return sorted(
        set(edge_seeds()) | set(range(50_000)) | set(range(0, SYNTHETIC_NHS_NUMBERS, 997))
    )


def test_every_synthetic_number_has_a_valid_check_digit():
    numbers = [synthetic_nhs_number(seed) for seed in sample_seeds()]
    assert [n for n in numbers if not nhs_number_is_valid(n)] == []


def test_a_synthetic_number_is_never_in_a_range_issued_to_people():
    ranges = nhs_number_ranges()
    issued = ranges["yes"] + ranges["may be, later"]
    bodies = [int(synthetic_nhs_number(seed)[:9]) for seed in sample_seeds()]
    assert [b for b in bodies if any(first <= b <= last for first, last in issued)] == []
    assert all(any(first <= b <= last for first, last in ranges["never"]) for b in bodies)


def test_different_seeds_never_share_a_number():
    seeds = sample_seeds()
    assert len({synthetic_nhs_number(seed) for seed in seeds}) == len(seeds)


def test_the_first_500000_seeds_stay_in_the_999_range_reserved_for_tests():
    first, bodies = SYNTHETIC_NHS_RANGES[0]
    assert first == 999_000_000
    assert synthetic_nhs_number(bodies // 2 - 1).startswith("999")
    assert not synthetic_nhs_number(bodies // 2).startswith("999")


def test_england_s_12_million_children_have_numbers():
    assert SYNTHETIC_NHS_NUMBERS >= 12_000_000
    assert nhs_number_is_valid(synthetic_nhs_number(12_000_000))
    assert nhs_number_is_valid(synthetic_nhs_number(SYNTHETIC_NHS_NUMBERS - 1))


@pytest.mark.parametrize("seed", [-1, SYNTHETIC_NHS_NUMBERS])
def test_a_seed_outside_the_ranges_is_refused(seed):
    with pytest.raises(ValueError, match="children at most"):
        synthetic_nhs_number(seed)


def test_generate_synthetic_refuses_more_children_than_the_numbers_hold(tmp_path):
    out = tmp_path / "data"
    with pytest.raises(CommandError) as refusal:
        call_command("generate_synthetic", children=SYNTHETIC_NHS_NUMBERS + 1, out=str(out))
    assert str(refusal.value) == (
        f"Synthetic NHS numbers run to {SYNTHETIC_NHS_NUMBERS:,} children at most; "
        f"{SYNTHETIC_NHS_NUMBERS + 1:,} asked for (docs/synthetic-data.md)."
    )
    assert not out.exists(), "nothing is written before the refusal"


def test_generate_synthetic_s_refusal_is_one_line_without_a_traceback(tmp_path):
    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        [
            sys.executable,
            "manage.py",
            "generate_synthetic",
            f"--children={SYNTHETIC_NHS_NUMBERS + 1}",
            f"--out={tmp_path / 'data'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: Synthetic NHS numbers run to {SYNTHETIC_NHS_NUMBERS:,} children at most; "
        f"{SYNTHETIC_NHS_NUMBERS + 1:,} asked for (docs/synthetic-data.md)."
    ]
