"""The PDF of a year of one busy hub reads like a board paper: compact, sections flowing on."""

import datetime
import io

import pytest
from pypdf import PdfReader

from cc4c.imports import registered_kinds, run_import
from cc4c.synthetic import generate
from evaluation import render
from evaluation.compose import compute
from evaluation.definitions import SECTIONS, upper_first
from evaluation.periods import Period
from hubs.models import Hub
from population.metrics import MEASURED_PROGRAMMES

pytestmark = pytest.mark.django_db

MAX_PAGES = 8
# Any page but the summary's and the last holds at least this much text: none is near empty.
FULL_PAGE_CHARACTERS = 1200


@pytest.fixture
def busy_hub(tmp_path):
    """A year (and the baseline year) of every kind of activity of one synthetic hub, and a
    comparison practice."""
    generate(tmp_path, children=900, hubs=1, seed=7, comparison=1)
    for kind in registered_kinds():
        # The synthetic data has no carers: families' contacts are no evaluation activity.
        if (tmp_path / f"{kind}.csv").exists():
            run_import(kind, tmp_path / f"{kind}.csv")
    return Hub.objects.get()


def pdf_of(hub, **kwargs):
    result = compute([hub], Period.of(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)))
    return result, PdfReader(io.BytesIO(render.to_pdf(result, **kwargs)))


def test_a_one_hub_year_is_at_most_eight_pages_with_no_near_empty_page(busy_hub):
    result, pdf = pdf_of(busy_hub, suppressed=False)
    assert result["comparison_practices"] == 1
    assert len(pdf.pages) <= MAX_PAGES
    texts = [page.extract_text() for page in pdf.pages]
    for number, text in enumerate(texts[1:-1], start=2):
        assert len(text) >= FULL_PAGE_CHARACTERS, f"page {number} is near empty"
    # The summary is the first page; every section follows, in order.
    assert "Summary" in texts[0]
    everything = "\n".join(texts)
    positions = [everything.index(f"\n{title}\n") for _key, title in SECTIONS]
    assert positions == sorted(positions)
    assert_programmes_in_one_table(result, texts, suppressed=False)


def assert_programmes_in_one_table(result, texts, *, suppressed):
    """Every programme's register on the row of its first care process, and the two rates."""
    shown = render.shown_rows(result, suppressed)[busy_hub_code(result)]
    words = " ".join(" ".join(text.split()) for text in texts)
    assert shown["programme_oral_health_register"] not in (0, None)  # the children aged 1-10
    for key, title, processes in MEASURED_PROGRAMMES:
        first = upper_first(processes[0][1])
        assert f"{title} {render.text(shown[f'programme_{key}_register'])} {first}" in words
    for name in ("Emergency department attendances", "Admissions"):
        assert f"{name} per 1,000 registered children" in words


def busy_hub_code(result):
    (hub,) = result["hubs"]
    return hub["code"]


def test_the_suppressed_pdf_is_as_compact(busy_hub):
    result, pdf = pdf_of(busy_hub, suppressed=True)
    assert len(pdf.pages) <= MAX_PAGES
    assert_programmes_in_one_table(
        result, [page.extract_text() for page in pdf.pages], suppressed=True
    )
