"""The cost model: tariffs as data, the hub's running cost, and the sum shown beside the figure
(docs/evaluation-measures.md, "Cost model")."""

import datetime

import pytest
from django.urls import reverse

from evaluation import render
from evaluation.compose import compute
from evaluation.models import HospitalActivity, HubCost, Tariff
from evaluation.periods import Period
from tests.evaluation.conftest import built_report

pytestmark = pytest.mark.django_db

PERIOD = Period.of(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
DEFAULTS = {
    "op_new": 225,
    "op_new_subspecialty": 260,
    "op_follow_up": 130,
    "ed_attendance": 160,
    "admission": 1600,
}


@pytest.fixture
def activity(practice):
    """Ten fewer ED attendances and one more admission in the period than in the baseline."""
    for month, ed, admissions in (
        (datetime.date(2024, 5, 1), 30, 2),
        (datetime.date(2025, 5, 1), 20, 3),
    ):
        HospitalActivity.objects.create(
            practice=practice, month=month, activity="ed_attendance", count=ed
        )
        HospitalActivity.objects.create(
            practice=practice, month=month, activity="admission", count=admissions
        )


def test_the_national_defaults_are_shipped_and_value_the_activity_avoided(hub, activity):
    shipped = dict(Tariff.objects.filter(hub__isnull=True).values_list("activity", "price_gbp"))
    assert shipped == DEFAULTS
    values = compute([hub], PERIOD)["rows"][hub.code]
    assert values["estimated_gross_saving_gbp"] == 10 * 160 - 1 * 1600  # 0
    assert values["hub_running_cost_gbp"] == 0
    assert values["estimated_net_saving_gbp"] == 0


def test_a_hubs_own_tariff_in_effect_on_the_last_day_replaces_the_default(hub, other_hub, activity):
    Tariff.objects.create(
        hub=hub, activity="ed_attendance", valid_from=datetime.date(2024, 4, 1), price_gbp=180
    )
    Tariff.objects.create(
        hub=hub, activity="ed_attendance", valid_from=datetime.date(2026, 3, 31), price_gbp=200
    )
    Tariff.objects.create(  # not yet in effect on the period's last day
        hub=hub, activity="ed_attendance", valid_from=datetime.date(2026, 4, 1), price_gbp=999
    )
    Tariff.objects.create(  # another hub's price is never this hub's
        hub=other_hub, activity="admission", valid_from=datetime.date(2024, 4, 1), price_gbp=1
    )
    result = compute([hub], PERIOD)
    assert result["rows"][hub.code]["estimated_gross_saving_gbp"] == 10 * 200 - 1600
    ed = next(
        line for line in result["costs"][hub.code]["lines"] if line["activity"] == "ed_attendance"
    )
    assert (ed["avoided"], ed["prices"], ed["saving"]) == (10, [200], 2000)


def test_the_running_cost_is_sessions_times_their_cost_plus_the_years_share(hub, activity):
    HubCost.objects.create(hub=hub, financial_year=2025, clinic_session_gbp=900, yearly_gbp=6000)
    HubCost.objects.create(hub=hub, financial_year=2024, clinic_session_gbp=1, yearly_gbp=1)
    values = compute([hub], Period.of(datetime.date(2025, 4, 1), datetime.date(2025, 9, 30)))
    calculation = values["costs"][hub.code]
    # No sessions in the data; six whole months of a £6,000 year.
    assert calculation["running"] == 3000
    assert values["rows"][hub.code]["hub_running_cost_gbp"] == 3000


def test_a_negative_saving_explains_itself_on_the_page(client_for, coordinator, hub, activity):
    HubCost.objects.create(hub=hub, financial_year=2025, yearly_gbp=12000)
    report = built_report([hub])
    body = client_for(coordinator).get(reverse("evaluation:detail", args=[report.pk])).text
    assert 'data-measure="estimated_net_saving_gbp">-12000<' in body
    assert "How the estimated net saving is calculated" in body
    assert "12 months × £12,000 / 12" in body
    assert "The net figure is negative" in body
    assert "−£12,000" in body


def test_without_a_running_cost_the_report_says_it_was_not_entered(hub, activity):
    result = compute([hub], PERIOD)
    assert render.cost_rows(result, hub.code)["running_how"] == (
        "not entered for this financial year"
    )


def test_all_hubs_add_up_each_hub_at_its_own_tariff(hub, other_hub, practice, other_practice):
    for p in (practice, other_practice):
        HospitalActivity.objects.create(
            practice=p, month=datetime.date(2024, 5, 1), activity="op_new", count=10
        )
    Tariff.objects.create(
        hub=hub, activity="op_new", valid_from=datetime.date(2020, 4, 1), price_gbp=100
    )
    result = compute([hub, other_hub], PERIOD)
    assert result["rows"][hub.code]["estimated_gross_saving_gbp"] == 1000
    assert result["rows"][other_hub.code]["estimated_gross_saving_gbp"] == 2250
    assert result["rows"]["ALL"]["estimated_gross_saving_gbp"] == 3250
    line = render.cost_rows(result, "ALL")["lines"][0]
    assert line["price"] == "£100 to £225 (by hub)"


def test_a_coordinator_reads_the_national_tariffs_but_keeps_only_their_hubs(
    client_for, coordinator, hub
):
    national = Tariff.objects.get(hub__isnull=True, activity="op_new")
    client = client_for(coordinator)
    listing = client.get(reverse("admin:evaluation_tariff_changelist"))
    assert listing.status_code == 200
    assert "Indicative national default" in listing.text
    change_url = reverse("admin:evaluation_tariff_change", args=[national.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="price_gbp"' not in page.text  # read only
    client.post(change_url, {"activity": "op_new", "valid_from": "2015-04-01", "price_gbp": "1"})
    national.refresh_from_db()
    assert national.price_gbp == 225
    added = client.post(
        reverse("admin:evaluation_tariff_add"),
        {"activity": "op_new", "valid_from": "2025-04-01", "price_gbp": "240", "hub": hub.pk},
    )
    assert added.status_code == 302
    assert Tariff.objects.get(hub=hub).price_gbp == 240
    no_hub = client.post(
        reverse("admin:evaluation_tariff_add"),
        {"activity": "op_new", "valid_from": "2025-05-01", "price_gbp": "1", "hub": ""},
    )
    assert no_hub.status_code == 200  # the form again: a coordinator's tariff names a hub
    assert not Tariff.objects.filter(valid_from=datetime.date(2025, 5, 1)).exists()
