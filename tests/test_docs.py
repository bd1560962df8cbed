"""The documentation in docs/ says what the code does: its tables are checked against the code."""

import datetime
import re
from pathlib import Path

import pytest

from cc4c.imports import get_format, registered_kinds, template_csv
from cc4c.validators import SYNTHETIC_NHS_RANGES
from evaluation import compose, definitions
from evaluation.periods import Period
from hubs import access
from tests.factories import ChildFactory, HubFactory, PracticeFactory

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Folders that hold no code of the project's own.
SKIPPED = {".venv", "node_modules", "var", "staticfiles", ".git", "docs"}


def read(name):
    return (DOCS / name).read_text(encoding="utf-8")


def sections(text):
    """{heading: body} for the ``## heading`` sections of a document."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {heading.strip(): body for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def table_rows(body, header):
    """The rows (lists of cells) of the first table in ``body`` whose header row is ``header``."""
    lines = body.splitlines()
    for start, line in enumerate(lines):
        if [c.strip() for c in line.strip().strip("|").split("|")] == header:
            rows = []
            for row in lines[start + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return rows
    raise AssertionError(f"no table with the columns {header}")


def code_name(cell):
    """The name written in backticks in a cell: `child.view` -> child.view."""
    names = re.findall(r"`([^`]+)`", cell)
    assert len(names) == 1, f"one `name` expected in {cell!r}"
    return names[0]


# Access ---------------------------------------------------------------------------------------


def test_the_actions_table_of_access_md_is_hubs_access_actions():
    rows = table_rows(sections(read("access.md"))["Actions"], ["action", "roles"])
    documented = {code_name(action): set(re.findall(r"`([^`]+)`", roles)) for action, roles in rows}
    assert len(documented) == len(rows), "an action is documented twice"
    assert documented == {action: set(roles) for action, roles in access.ACTIONS.items()}


# Import formats -------------------------------------------------------------------------------


def format_sections():
    return {
        kind: body for kind, body in sections(read("import-formats.md")).items() if kind in KINDS
    }


KINDS = registered_kinds()


@pytest.mark.parametrize("kind", KINDS)
def test_every_import_column_is_documented_with_its_required_flag(kind):
    body = format_sections()[kind]
    rows = table_rows(body, ["column", "required", "meaning"])
    documented = [(code_name(column), required.split(",")[0]) for column, required, _ in rows]
    declared = [
        (column.name, "yes" if column.required else "no") for column in get_format(kind).columns
    ]
    assert documented == declared


def test_every_documented_import_format_is_registered():
    documented = [h for h in sections(read("import-formats.md")) if re.fullmatch(r"[a-z-]+", h)]
    assert documented == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_links_its_template_which_is_the_declared_header(kind):
    link = f"import-templates/{kind}.csv"
    assert f"]({link})" in format_sections()[kind]
    assert (DOCS / link).read_text(encoding="utf-8") == template_csv(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_each_documented_natural_key_is_the_declared_one(kind):
    fmt = get_format(kind)
    body = format_sections()[kind]
    if len(fmt.natural_key) == 1:
        (name,) = fmt.natural_key
        assert re.search(rf"\| `{name}` \|[^\n]*natural key", body), f"{name} is the natural key"
    else:
        shown = ", ".join(f"`{name}`" for name in fmt.natural_key)
        assert f"Natural key: ({shown})" in body


# Evaluation measures --------------------------------------------------------------------------


def documented_measures():
    built, not_built = set(), set()
    for heading, body in sections(read("evaluation-measures.md")).items():
        keys = set(re.findall(r"^\| `([a-z0-9_]+)` \|", body, flags=re.MULTILINE))
        (not_built if heading == "Not yet built" else built).update(keys)
    return built, not_built


@pytest.mark.django_db
def test_the_keys_the_metrics_return_are_the_documented_keys():
    hub = HubFactory()
    ChildFactory(practice=PracticeFactory(hub=hub))
    period = Period.of(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    result = compose.compute([hub], period)
    built, not_built = documented_measures()
    for code, values in result["rows"].items():
        returned = {key for key in values if not key.startswith("_")}
        assert returned == built, code
    assert built & not_built == set()


@pytest.mark.django_db
def test_the_documented_default_tariffs_are_the_shipped_ones():
    from evaluation.models import Tariff

    body = sections(read("evaluation-measures.md"))["Cost model"]
    rows = table_rows(body, ["hospital activity", "default tariff (£)"])
    documented = {code_name(activity): int(price) for activity, price in rows}
    shipped = dict(Tariff.objects.filter(hub__isnull=True).values_list("activity", "price_gbp"))
    assert documented == shipped


def test_the_documented_keys_are_the_declared_measures():
    built, _ = documented_measures()
    assert built == {measure.key for measure in definitions.MEASURES}


# Citations ------------------------------------------------------------------------------------


# Synthetic data -------------------------------------------------------------------------------


def body_range(cell):
    """`999 000 000` – `999 999 999` -> (999000000, 999999999)."""
    first, last = (int(b.replace(" ", "")) for b in re.findall(r"`([0-9 ]+)`", cell))
    return first, last


def nhs_number_ranges():
    """{issued to people: [(first body, last body)]} of docs/synthetic-data.md's Every range."""
    rows = table_rows(read("synthetic-data.md"), ["bodies", "used for", "issued to people"])
    ranges = {}
    for bodies, _, issued in rows:
        ranges.setdefault(issued, []).append(body_range(bodies))
    return ranges


def test_the_synthetic_ranges_of_synthetic_data_md_are_the_code_s():
    rows = table_rows(read("synthetic-data.md"), ["bodies", "children"])
    documented = [
        (*body_range(bodies), int(children.replace(",", ""))) for bodies, children in rows
    ]
    assert documented == [(f, f + b - 1, b // 2) for f, b in SYNTHETIC_NHS_RANGES]


def test_no_synthetic_range_overlaps_a_range_issued_or_to_be_issued():
    ranges = nhs_number_ranges()
    assert set(ranges) == {"yes", "may be, later", "never"}
    issued = ranges["yes"] + ranges["may be, later"]
    for first, bodies in SYNTHETIC_NHS_RANGES:
        last = first + bodies - 1
        assert not [r for r in issued if r[0] <= last and first <= r[1]], (first, last)
        assert any(f <= first and last <= t for f, t in ranges["never"]), (first, last)


def project_files():
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if path.suffix in {".py", ".html", ".txt"} and not parts & SKIPPED:
            yield path


def test_every_document_the_code_cites_is_in_docs():
    missing, bare = [], []
    for path in project_files():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        for cited in re.findall(r"\bdocs/[\w/-]+\.md\b", text):
            if not (ROOT / cited).is_file():
                missing.append(f"{rel}: {cited}")
        # A document named without its folder, outside a quoted file name ("hazard-log.md").
        for match in re.finditer(r"(?<![\w/.\"-])([\w-]+\.md)\b(?!\")", text):
            if match.group(1) != "README.md":
                bare.append(f"{rel}: {match.group(1)}")
    assert missing == []
    assert bare == [], "cite documents by their path, e.g. docs/access.md"


def test_every_link_between_documents_leads_somewhere():
    broken = []
    for path in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


# Population framework -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_programmes_table_is_the_shipped_programmes():
    from population.models import CareProcess

    header = ["programme", "register", "ages", "care process (key)", "due", ""]
    header[-1] = "SNOMED CT codes that record it done"
    rows = table_rows(sections(read("population-framework.md"))["Programmes"], header)
    documented, programme = [], None
    for cells in rows:
        programme = code_name(cells[0]) if cells[0] else programme
        key = re.search(r"\(`([a-z0-9_]+)`\)", cells[3]).group(1)
        codes = sorted(re.findall(r"\b[0-9]{6,18}\b", cells[5]))
        documented.append((programme, key, codes))
    shipped = [
        (p.programme.key, p.key, sorted(p.codes))
        for p in CareProcess.objects.select_related("programme")
    ]
    assert documented == shipped
