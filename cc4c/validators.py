"""Validators of the identifiers the service uses (ODS codes, postcodes, NHS numbers): each
returns a clean value or explains what is wrong."""

import re

from django.core.exceptions import ValidationError

ODS_RE = re.compile(r"^[A-Z][0-9]{5}$")
# The UK postcode shape: outward code (area, district) and inward code (sector, unit).
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# A MESH mailbox id as NHS England issues them (e.g. E85001OT001, X26ABC1): capitals and digits.
MESH_MAILBOX_RE = r"^[A-Z0-9]{5,20}$"


def validate_ods_code(value):
    if not ODS_RE.match(value or ""):
        raise ValidationError("An ODS code is a letter followed by five digits, e.g. E85001.")


def validate_mesh_mailbox(value):
    if value and not re.match(MESH_MAILBOX_RE, value):
        raise ValidationError(
            "A MESH mailbox id is 5 to 20 capital letters and digits, e.g. E85001OT001."
        )


def normalise_postcode(value):
    """Return the postcode in its standard form (``W2 1NY``), or raise ValueError."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if not POSTCODE_RE.match(compact):
        raise ValueError(f"'{value}' is not a UK postcode.")
    return f"{compact[:-3]} {compact[-3:]}"


def check_digit(body):
    """The modulus 11 check digit of an NHS number's first nine digits; 10 means none exists."""
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11


def nhs_number_is_valid(value):
    """True when the value is ten digits (spaces allowed) with a valid modulus 11 check digit."""
    digits = re.sub(r"\s+", "", value or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    check = check_digit(digits[:9])
    return check != 10 and check == int(digits[9])


def normalise_nhs_number(value):
    """Return the ten digits of a valid NHS number, or raise ValueError."""
    digits = re.sub(r"\s+", "", value or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValueError("An NHS number is 10 digits.")
    if not nhs_number_is_valid(digits):
        raise ValueError(f"{value} fails the NHS number check digit.")
    return digits


# The nine-digit bodies synthetic NHS numbers are drawn from, in order: (first body, bodies).
# No number in them is ever issued to a person (docs/synthetic-data.md, which names the ranges
# each UK and Irish numbering system issues and its sources): first the 999 range, reserved for
# test use; then the rest of the 9 range, set aside for test systems and the synthetic patients
# of the Personal Demographics Service's test environments.
SYNTHETIC_NHS_RANGES = (
    (999_000_000, 1_000_000),
    (900_000_000, 99_000_000),
)
# Each seed takes one of two consecutive bodies, so a range of b bodies holds b // 2 seeds.
SYNTHETIC_NHS_NUMBERS = sum(bodies // 2 for _, bodies in SYNTHETIC_NHS_RANGES)


def synthetic_nhs_number(seed):
    """A valid NHS number that is never issued to anyone, one per seed.

    Seed s of a range uses its body 2s, or 2s + 1 when 2s has no check digit (two consecutive
    bodies never both lack one: the last digit's weight is 2, so their sums differ mod 11);
    the ranges do not overlap, so different seeds below SYNTHETIC_NHS_NUMBERS never share a
    number. Seeds below 500,000 keep the 999 range's numbers.
    """
    if not 0 <= seed < SYNTHETIC_NHS_NUMBERS:
        raise ValueError(
            f"Synthetic NHS numbers run to {SYNTHETIC_NHS_NUMBERS:,} children at most "
            f"(seed {seed:,} asked for)."
        )
    ranges = iter(SYNTHETIC_NHS_RANGES)
    first, bodies = next(ranges)
    while seed >= bodies // 2:
        seed -= bodies // 2
        first, bodies = next(ranges)
    for n in (first + 2 * seed, first + 2 * seed + 1):
        body = f"{n:09d}"
        check = check_digit(body)
        if check != 10:
            return body + str(check)
    raise AssertionError("one of two consecutive bodies has a check digit")
