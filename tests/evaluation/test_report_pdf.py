"""The PDF of a year of one busy hub reads like a board paper: compact, sections flowing on."""

import datetime
import io

import pytest
from pypdf import PdfReader

from cc4c.imports import registered_kinds, run_import
from cc4c.synthetic import generate
from evaluation import render
from evaluation.compose import compute
from evaluation.definitions import SECTIONS
from evaluation.periods import Period
from hubs.models import Hub

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


def test_the_suppressed_pdf_is_as_compact(busy_hub):
    _result, pdf = pdf_of(busy_hub, suppressed=True)
    assert len(pdf.pages) <= MAX_PAGES
