"""A GP works a programme worklist: opens the asthma programme from the programmes page,
narrows it to the most deprived, marks an inhaler check done, excludes a child with a reason
(after being told what is missing), downloads the worklist; then puts forward a child from
the hub's hospital alert."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hubs.models import Role
from population.models import CareEvent, Exclusion, HospitalEvent
from tests.e2e.conftest import axe_check, screenshot, sign_in
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.population.factories import ASTHMA

pytestmark = pytest.mark.e2e


@pytest.fixture
def asthma_hub(transactional_db):
    hub = HubFactory(code="E2E-PROG", name="Programmes Hub")
    practice = PracticeFactory(hub=hub, name="Harrow Road Surgery")
    gp = member(Role.GP, hub, practice=practice)
    deprived = ChildFactory(
        practice=practice, given_name="Dara", family_name="Mensah", conditions=[ASTHMA],
        imd_decile=1, segment=4, segment_reasons=["Asthma (long-term condition)"],
    )  # fmt: skip
    affluent = ChildFactory(
        practice=practice, given_name="Eli", family_name="Wood", conditions=[ASTHMA],
        imd_decile=10, segment=3, asthma_plan_reviewed_on=timezone.localdate(),
    )  # fmt: skip
    complex_ = ChildFactory(
        practice=practice, given_name="Femi", family_name="Bello", segment=7,
        segment_reasons=["Type 1 diabetes (complex health need)"],
    )  # fmt: skip
    HospitalEvent.objects.create(
        child=complex_,
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        kind="ed_attendance",
    )
    return {"gp": gp, "deprived": deprived, "affluent": affluent, "complex": complex_, "hub": hub}


def test_a_gp_works_the_asthma_worklist_and_puts_forward_from_the_hospital_alert(page, asthma_hub):
    gp, dara = asthma_hub["gp"], asthma_hub["deprived"]
    hub = asthma_hub["hub"]
    sign_in(page, gp)
    page.goto(f"/population/hub/{hub.pk}/programmes/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programmes")
    axe_check(page, "gp")
    screenshot(page, "programmes")
    page.get_by_role("link", name="Open the asthma worklist").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Asthma worklist")
    axe_check(page, "gp")
    screenshot(page, "programme-worklist")

    # The most deprived: Dara's two processes; Eli's plan is in date but his check is not.
    page.get_by_label("Deprivation (IMD quintile)").select_option("1")
    page.get_by_role("button", name="Show children").click()
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Mensah, Dara")
    expect(rows.first).to_contain_text("never done")

    # Done today for the inhaler check: it leaves the list, the filter kept.
    page.get_by_role(
        "button", name=re.compile("Done today.*Inhaler technique checked for Dara")
    ).click()
    expect(page.get_by_text("Inhaler technique checked recorded as done today")).to_be_visible()
    expect(rows).to_have_count(1)
    assert CareEvent.objects.filter(child=dara, process__key="inhaler_technique").exists()

    # Exclude the plan review: first without a reason, then declined until a day.
    page.get_by_role("link", name=re.compile("Exclude.*Dara Mensah from Asthma management")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exclude Dara Mensah")
    axe_check(page, "gp")
    page.get_by_role("button", name="Exclude").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Select why the child is excluded").first).to_be_visible()
    axe_check(page, "gp")
    screenshot(page, "programme-exclude-error")
    page.get_by_label("Declined").check()
    until = timezone.localdate() + datetime.timedelta(days=180)
    page.get_by_label("Excluded until").fill(until.isoformat())
    page.get_by_role("button", name="Exclude").click()
    expect(page.get_by_text("is excluded from asthma management plan reviewed")).to_be_visible()
    expect(page.get_by_text("No children match these filters")).to_be_visible()
    assert Exclusion.objects.get(child=dara).reason == "declined"

    # Back to the whole worklist; download it.
    page.get_by_role("link", name="Show the whole worklist").click()
    expect(rows).to_have_count(1)  # Eli's inhaler check
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this worklist as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    found = list(csv.reader(io.StringIO(text)))
    assert [r[1] for r in found[1:]] == ["Wood"]

    # The hospital alert: Femi (segment 7) after an emergency attendance; put forward.
    page.goto(f"/mdt/hubs/{hub.pk}/hospital-alert/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hospital alert")
    axe_check(page, "gp")
    screenshot(page, "hospital-alert")
    page.get_by_role("link", name=re.compile("Put forward.*Femi Bello")).click()
    expect(page).to_have_url(re.compile(rf"/mdt/put-forward/{asthma_hub['complex'].pk}/$"))
    axe_check(page, "gp")
