"""Wrong child selected (hazard H2): a mistyped NHS number is never taken for another child's.

The modulus 11 check digit catches every single wrong digit and every swap of two neighbouring
digits, so a slip of the keyboard is refused rather than matched to someone else.
"""

from hypothesis import assume, given
from hypothesis import strategies as st

from cc4c.validators import check_digit, nhs_number_is_valid, normalise_nhs_number

bodies = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(
    lambda body: check_digit(body) != 10
)


def number(body):
    return body + str(check_digit(body))


@given(bodies, st.integers(0, 9), st.integers(1, 9))
def test_any_one_wrong_digit_is_refused(body, position, shift):
    valid = number(body)
    wrong = valid[:position] + str((int(valid[position]) + shift) % 10) + valid[position + 1 :]
    assert nhs_number_is_valid(valid)
    assert not nhs_number_is_valid(wrong)


@given(bodies, st.integers(0, 7))
def test_any_two_neighbouring_digits_swapped_are_refused(body, position):
    assume(body[position] != body[position + 1])
    valid = number(body)
    swapped = valid[:position] + valid[position + 1] + valid[position] + valid[position + 2 :]
    assert not nhs_number_is_valid(swapped)


@given(bodies)
def test_spaces_are_allowed_but_nothing_else_is(body):
    valid = number(body)
    spaced = f"{valid[:3]} {valid[3:6]} {valid[6:]}"
    assert normalise_nhs_number(spaced) == valid
    assert not nhs_number_is_valid(valid + "0")
    assert not nhs_number_is_valid(valid[:9])
    assert not nhs_number_is_valid(valid[:5] + "-" + valid[5:])
