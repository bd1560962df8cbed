"""Evaluation migration 0003: each hub's unit costs become its own tariffs and running cost,
and the national defaults are shipped."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("evaluation", "0002_monthly_schedule"), ("hubs", "0005_comparison_practices")]
AFTER = [("evaluation", "0003_tariffs_and_hub_costs")]


@pytest.mark.django_db(transaction=True)
def test_a_hubs_unit_costs_become_its_tariffs_and_running_cost():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    hub = old.get_model("hubs", "Hub").objects.create(code="OLD-HUB", name="Old hub")
    old.get_model("evaluation", "UnitCost").objects.create(
        hub=hub,
        financial_year=2024,
        op_new=200,
        op_new_subspecialty=250,
        op_follow_up=120,
        ed_attendance=150,
        admission=1500,
        clinic_session=1000,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Tariff = new.get_model("evaluation", "Tariff")
    own = dict(Tariff.objects.filter(hub_id=hub.pk).values_list("activity", "price_gbp"))
    assert own == {
        "op_new": 200,
        "op_new_subspecialty": 250,
        "op_follow_up": 120,
        "ed_attendance": 150,
        "admission": 1500,
    }
    assert set(Tariff.objects.filter(hub_id=hub.pk).values_list("valid_from", flat=True)) == {
        datetime.date(2024, 4, 1)
    }
    assert Tariff.objects.filter(hub__isnull=True).count() == 5
    cost = new.get_model("evaluation", "HubCost").objects.get(hub_id=hub.pk)
    assert (cost.financial_year, cost.clinic_session_gbp, cost.yearly_gbp) == (2024, 1000, None)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
