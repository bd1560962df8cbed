"""How dates, times and NHS numbers read everywhere: pages, emails, letters, charts, exports.

One style (cc4c/formats/en_GB/formats.py): "8 Dec 2026", "Dec 2026", "Tue 8 Dec 2026",
24-hour "14:05". Templates get the same through the filters of cc4c.templatetags.cc4c_format
(``|day``, ``|month``, ``|weekday``, ``|when``, ``|weekday_when``, ``|clock``,
``|nhs_number``), which every
template has without loading them.
"""

import datetime

from django.utils import dateformat, timezone
from django.utils.html import format_html

from cc4c.formats.en_GB import formats

_EMPTY = ""


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value):
    """8 Dec 2026 (a date, or a date-time's day in Europe/London)."""
    return dateformat.format(_local(value), formats.DATE_FORMAT) if value else _EMPTY


def weekday(value):
    """Tue 8 Dec 2026."""
    return dateformat.format(_local(value), formats.WEEKDAY_DATE_FORMAT) if value else _EMPTY


def month(value):
    """Dec 2026."""
    return dateformat.format(_local(value), formats.YEAR_MONTH_FORMAT) if value else _EMPTY


def clock(value):
    """14:05 (a time, or a date-time's time in Europe/London)."""
    if not value:
        return _EMPTY
    if isinstance(value, datetime.datetime):
        value = _local(value)
    return dateformat.time_format(value, formats.TIME_FORMAT)


def when(value):
    """8 Dec 2026 14:05, in Europe/London."""
    return dateformat.format(_local(value), formats.DATETIME_FORMAT) if value else _EMPTY


def weekday_when(value):
    """Tue 8 Dec 2026 14:05, in Europe/London."""
    if not value:
        return _EMPTY
    return dateformat.format(_local(value), formats.WEEKDAY_DATETIME_FORMAT)


def nhs_number(value):
    """999 123 4567: the NHS number in its three groups."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 10:
        return str(value or "")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def nhs_number_html(value):
    """The NHS number in a span that never wraps (class ``nhs-number``)."""
    return format_html('<span class="nhs-number">{}</span>', nhs_number(value))
