"""The programmes in the evaluation report: registers, care processes in date overall and for
IMD quintile 1, ED attendances and admissions per 1,000 children, counted by hand."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluation import render
from evaluation.definitions import measures_in
from tests.evaluation.conftest import PROGRAMME_EXPECTED, built_report

pytestmark = pytest.mark.django_db

PROGRAMME_KEYS = {m.key for m in measures_in("programmes")}


def test_a_built_report_counts_the_programmes_by_hand(hub, programme_data):
    report = built_report([hub])
    for code in (hub.code, "ALL"):
        values = report.result["rows"][code]
        for key, expected in PROGRAMME_EXPECTED.items():
            # The stored report keeps a percentage as its text: "50.0".
            kept = str(expected) if isinstance(expected, Decimal) else expected
            assert values[key] == kept, (code, key)
        assert set(values) >= PROGRAMME_KEYS
    # Quintile 1 of the management plan: A1 in date of A1, A3 and A4.
    assert values["_programme_asthma_management_plan_core20_n"] == 1
    assert values["_programme_asthma_management_plan_core20_d"] == 3


def test_the_programmes_are_in_the_csv_and_xlsx_with_their_intervals(hub, programme_data):
    result = built_report([hub]).result
    rows = csv.DictReader(io.StringIO(render.to_csv(result, suppressed=False)))
    mine = {r["measure"]: r["value"] for r in rows if r["hub_code"] == hub.code}
    assert set(mine) >= PROGRAMME_KEYS
    assert not any(key.startswith("_") for key in mine)
    for key, expected in PROGRAMME_EXPECTED.items():
        assert mine[key] == ("" if expected is None else str(expected)), key
    book = load_workbook(io.BytesIO(render.to_xlsx(result, suppressed=False)))
    sheet = {row[0]: row[2:5] for row in book["Population health programmes"].values}
    assert set(sheet) - {"measure"} == PROGRAMME_KEYS
    # 8 of 10 children with a dental check in date: Wilson 49.0% to 94.3%.
    assert sheet["programme_oral_health_dental_check_pct"] == pytest.approx((80.0, 49.0, 94.3))
    assert sheet["programme_asthma_register"][1:] == (None, None)
    assert sheet["hospital_events_ed_attendances_per_1000"][0] == 200.0


def test_a_commissioner_sees_small_programme_numbers_hidden(
    client_for, commissioner, hub, programme_data
):
    report = built_report([hub], suppressed=True)
    body = client_for(commissioner).get(reverse("evaluation:detail", args=[report.pk])).text
    rows = csv.DictReader(io.StringIO(render.to_csv(report.result, suppressed=True)))
    mine = {r["measure"]: r["value"] for r in rows if r["hub_code"] == hub.code}
    hidden = {
        "programme_asthma_register": "*",  # 4 children
        "programme_asthma_management_plan_pct": "*",  # 2 of 4
        "programme_asthma_inhaler_technique_core20_pct": "*",  # 1 of 2
        "programme_oral_health_dental_check_core20_pct": "*",  # 1 of 3
        "programme_oral_health_register": "10",  # 10 is not small: rounded to 5
        "programme_oral_health_dental_check_pct": "80.0",  # 8 of 10
        "programme_diabetes_register": "0",  # zero stays 0
        "hospital_events_ed_attendances_per_1000": "200.0",  # rates are never suppressed
    }
    for key, shown in hidden.items():
        assert mine[key] == shown, key
        assert f'data-measure="{key}">{shown}<' in body, key
    # A hidden figure's interval would give it away; a shown one keeps its interval.
    assert 'data-measure="programme_asthma_management_plan_pct">*</td>' in body
    assert 'data-measure="programme_oral_health_dental_check_pct">80.0<br>' in body
    assert "_programme_" not in body


def test_the_pdf_shows_the_programmes_as_one_table_of_care_processes(hub, programme_data):
    result = built_report([hub]).result
    pdf = PdfReader(io.BytesIO(render.to_pdf(result, suppressed=False)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert (
        "Programme Children on the register Care process In date (%) "
        "In date, IMD quintile 1 (%)" in text
    )
    # The register once, beside its first care process; each % with its interval.
    assert (
        "Asthma 4 Management plan reviewed 50.0 95% CI 15.0% to 85.0% "
        "33.3 95% CI 6.1% to 79.2% Inhaler technique checked 66.7" in text
    )
    assert "Oral health 10 Dental check 80.0 95% CI 49.0% to 94.3% 33.3" in text
    assert "Emergency department attendances per 1,000 registered children 200.0" in text
    assert "Admissions per 1,000 registered children 100.0" in text
    # Defined once for every programme and care process.
    assert text.count("Each care process, in date (%)") == 1
    assert "Asthma: management plan reviewed, in date (%)" not in text


def test_a_report_of_two_hubs_has_the_programme_table_of_each_hub_and_of_both(
    hub, other_hub, programme_data
):
    result = built_report([hub, other_hub]).result
    pdf = PdfReader(io.BytesIO(render.to_pdf(result, suppressed=False)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    # Hub B's one asthma child (no IMD decile, no plan) and hub A's four.
    for name, register in (("Hub A", 4), ("Hub B", 1), ("All hubs", 5)):
        caption = f"{name}: registers and care processes in date"
        assert f"{caption} Programme Children on the register" in text, name
        table = text[text.index(caption) :][:400]
        assert f"Asthma {register} Management plan" in table, name
    assert "Asthma 1 Management plan reviewed 0.0 95% CI 0.0% to 79.3% – " in text
