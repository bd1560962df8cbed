"""Cell parsers shared by the import formats: each returns a clean value or raises
ValueError(reason), which the engine reports as ``line N: column: reason``.

Each parser says what it accepts in ``shape`` (set with ``shaped``), for the upload page and
the documentation of the formats: "a date, e.g. 2016-03-31".
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from cc4c.validators import ODS_RE, nhs_number_is_valid, normalise_nhs_number, normalise_postcode

# Dates as GP systems and spreadsheets write them, always day before month: ISO 2016-03-31,
# 31/03/2016 (or 1/3/2016) and 31-Mar-2016 (or 31 Mar 2016, 31-March-2016).
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASHED_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_NAMED_DATE = re.compile(r"([0-9]{1,2})([- ])([A-Za-z]{3,9})\2([0-9]{4})")
MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS = {name[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name: number for number, name in enumerate(MONTH_NAMES, start=1)})
_MONTHS["sept"] = 9


def shaped(shape):
    """Decorator: what the parser accepts, in a few words a coordinator reads."""

    def mark(parse):
        parse.shape = shape
        return parse

    return mark


def shape_of(parse):
    return getattr(parse, "shape", "text")


def text(max_length):
    @shaped(f"text, at most {max_length} characters")
    def parse(value):
        if len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return value

    return parse


def _day_month_year(value):
    """(year, month, day) of a date written in one of the accepted forms, or None."""
    if match := _ISO_DATE.fullmatch(value):
        return tuple(map(int, match.groups()))
    if match := _SLASHED_DATE.fullmatch(value):
        day, month, year = map(int, match.groups())
        return year, month, day
    if (match := _NAMED_DATE.fullmatch(value)) and match[3].lower() in _MONTHS:
        return int(match[4]), _MONTHS[match[3].lower()], int(match[1])
    return None


@shaped("a date, day before month: 2016-03-31, 31/03/2016 or 31-Mar-2016")
def parse_date(value):
    parts = _day_month_year(value)
    try:
        if parts is not None:
            return datetime.date(*parts)
    except ValueError:
        pass
    raise ValueError(
        f"'{value}' is not a date: write it as 2016-03-31, 31/03/2016 or 31-Mar-2016 "
        "(day before month)"
    )


@shaped("a date and time with its offset from UTC, e.g. 2025-03-04T09:15:00+00:00")
def parse_datetime(value):
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value:
        raise ValueError(
            f"'{value}' is not a date-time with an offset, e.g. 2025-03-04T09:15:00+00:00"
        )
    return parsed


@shaped("a month, e.g. 2025-03")
def parse_month(value):
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", value) or not 1 <= int(value[5:]) <= 12:
        raise ValueError(f"'{value}' is not a month in the form YYYY-MM")
    return datetime.date(int(value[:4]), int(value[5:]), 1)


@shaped("a time of day, 24-hour, e.g. 09:15")
def parse_time(value):
    if not re.fullmatch(r"[0-9]{2}:[0-9]{2}", value):
        raise ValueError(f"'{value}' is not a time in the form HH:MM")
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a time in the form HH:MM") from None


def int_between(low=0, high=None):
    span = f"from {low} to {high}" if high is not None else f"{low} or more"

    @shaped(f"a whole number {span}" if high is not None else f"a whole number, {low} or more")
    def parse(value):
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ValueError(f"'{value}' is not a whole number")
        number = int(value)
        if number < low or (high is not None and number > high):
            raise ValueError(f"{number} is not {span}")
        return number

    return parse


non_negative_int = int_between(0)


@shaped("a number, 0 or more")
def non_negative_decimal(value):
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"'{value}' is not a number of 0 or more")
    return number


def one_of(choices):
    """A parser accepting the given values (case-insensitive), returned in lower case."""
    allowed = frozenset(choices)
    listed = ", ".join(choices)

    @shaped(f"one of: {listed}")
    def parse(value):
        lowered = value.lower()
        if lowered not in allowed:
            raise ValueError(f"'{value}' is not one of: {listed}")
        return lowered

    return parse


@shaped("an ODS code: a letter and five digits, e.g. E85001")
def ods_code(value):
    code = value.upper()
    if not ODS_RE.match(code):
        raise ValueError(f"'{value}' is not an ODS code (a letter and five digits, e.g. E85001)")
    return code


@shaped("an NHS number: 10 digits, spaces allowed, e.g. 943 476 5919")
def nhs_number(value):
    digits = value.replace(" ", "")
    # The common case checked once; anything else gets the validator's own explanation.
    return digits if nhs_number_is_valid(digits) else normalise_nhs_number(value)


@shaped("a UK postcode, e.g. W2 1NY")
def postcode(value):
    return normalise_postcode(value)
