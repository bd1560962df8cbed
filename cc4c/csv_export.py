"""Spreadsheet downloads that cannot run formulas: every CSV (and XLSX text cell) goes through here.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection"): a child's name or a free-text
reason typed as ``=HYPERLINK(...)`` would run on a coordinator's machine. Such text is written
with a leading apostrophe, which spreadsheets show as plain text. Numbers stay numbers.
"""

import csv
import re
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A figure already written as text (a report's "-39.0") is a number, not a formula.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def safe_cell(value):
    """The value as a spreadsheet will show it, never as a formula."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose rows are made safe cell by cell; same ``writerow``/``writerows``."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs):
    """A CSV writer over ``out`` (a file, an HttpResponse, an echo buffer) that neutralises
    formulas; takes the keyword arguments of ``csv.writer``."""
    return SafeWriter(out, **kwargs)
