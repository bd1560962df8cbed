"""A coordinator imports the practices' population extract as the GP system wrote it: the
template from the upload page, dates day first (31/03/2016, 31-Mar-2016), sex as F/M; a bad
row is named by its line and nothing is written until the file is right."""

import csv
import datetime
import io

import pytest
from playwright.sync_api import expect

from hubs.models import Role
from population.models import Child
from tests.cc4c.csv_files import valid_nhs_number
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import HubFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e


def gp_extract(header, practice, bad_birth_date):
    """Three children as a GP system exports them; the second born on ``bad_birth_date``."""
    values = [
        {"date_of_birth": "31/03/2016", "sex": "F", "registered_on": "01-Apr-2016"},
        {"date_of_birth": bad_birth_date, "sex": "M", "registered_on": "12/09/2019"},
        {"date_of_birth": "4-Jul-2020", "sex": "U", "registered_on": "04/07/2020"},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="")
    writer.writeheader()
    for seed, cells in enumerate(values, start=1):
        writer.writerow(
            {
                "nhs_number": valid_nhs_number(seed),
                "given_name": f"Given{seed}",
                "family_name": f"Family{seed}",
                "practice_ods": practice.ods_code,
                **cells,
            }
        )
    return out.getvalue().encode()


def upload(page, content):
    page.get_by_label("What the file holds").select_option("children")
    page.get_by_label("CSV file (UTF-8)").set_input_files(
        {"name": "extract.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Import").click()


def test_coordinator_imports_a_gp_extract_from_the_template_and_fixes_the_named_bad_row(
    page, tmp_path
):
    hub = HubFactory(code="E2E-IM", name="Importing Hub")
    practice = PracticeFactory(hub=hub, ods_code="E85123", name="Import Street Surgery")
    sign_in(page, member(Role.COORDINATOR, hub, is_staff=True))

    page.goto("/admin/cc4c/importrun/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a CSV file")
    children = page.locator("details#format-children")
    children.locator("summary").click()
    expect(children.get_by_role("cell", name="date_of_birth", exact=True)).to_be_visible()
    expect(children).to_contain_text("31/03/2016 or 31-Mar-2016")
    axe_check(page, "coordinator")
    screenshot(page, "import-upload-formats")

    with page.expect_download() as download:
        children.get_by_role("link", name="Download the template (children.csv)").click()
    template = tmp_path / "children.csv"
    download.value.save_as(template)
    header = next(csv.reader(io.StringIO(template.read_text(encoding="utf-8"))))
    assert header[:5] == ["nhs_number", "given_name", "family_name", "date_of_birth", "sex"]

    upload(page, gp_extract(header, practice, bad_birth_date="31/02/2017"))
    problems = page.locator("#import-errors")
    expect(problems).to_contain_text("The file was not imported: 1 problem")
    expect(problems).to_contain_text(
        "line 3: date_of_birth: '31/02/2017' is not a date: write it as 2016-03-31, "
        "31/03/2016 or 31-Mar-2016 (day before month)"
    )
    axe_check(page, "coordinator")
    screenshot(page, "import-refused-line")
    assert not Child.objects.exists()

    upload(page, gp_extract(header, practice, bad_birth_date="28/02/2017"))
    expect(page.locator(".messagelist")).to_contain_text("3 created")
    axe_check(page, "coordinator")
    born = dict(Child.objects.values_list("nhs_number", "date_of_birth"))
    assert born == {
        valid_nhs_number(1): datetime.date(2016, 3, 31),
        valid_nhs_number(2): datetime.date(2017, 2, 28),
        valid_nhs_number(3): datetime.date(2020, 7, 4),
    }
    assert Child.objects.get(nhs_number=valid_nhs_number(1)).sex == "female"

    # The next month's extract, the same file: nothing to write, and it says so.
    page.goto("/admin/cc4c/importrun/upload/")
    upload(page, gp_extract(header, practice, bad_birth_date="28/02/2017"))
    expect(page.locator(".messagelist")).to_contain_text(
        "3 rows read, 0 created, 0 updated, 3 unchanged"
    )
    axe_check(page, "coordinator")
    screenshot(page, "import-unchanged")
    assert Child.history.count() == 3
