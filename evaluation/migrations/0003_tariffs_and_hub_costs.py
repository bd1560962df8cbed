# Tariffs become data: dated prices per hospital activity, national defaults (shipped here,
# docs/evaluation-measures.md) and a hub's own; a hub's running costs per financial year. Each
# hub's unit costs become its own tariffs from the start of their financial year, and its
# clinic session cost its running cost per session.

import django.db.models.deletion
import datetime

from django.db import migrations, models

# Indicative national defaults: replace them (a newer row) with the prices of the contract.
DEFAULT_FROM = datetime.date(2015, 4, 1)
DEFAULT_SOURCE = "Indicative national default shipped with the service: replace with your contract's price"
DEFAULT_TARIFFS = {
    "op_new": 225,
    "op_new_subspecialty": 260,
    "op_follow_up": 130,
    "ed_attendance": 160,
    "admission": 1600,
}
ACTIVITIES = list(DEFAULT_TARIFFS)


def default_tariffs(apps, schema_editor):
    Tariff = apps.get_model("evaluation", "Tariff")
    Tariff.objects.bulk_create(
        [
            Tariff(activity=activity, valid_from=DEFAULT_FROM, price_gbp=price, source=DEFAULT_SOURCE)
            for activity, price in DEFAULT_TARIFFS.items()
        ],
        ignore_conflicts=True,
    )


def tariffs_from_unit_costs(apps, schema_editor):
    Tariff = apps.get_model("evaluation", "Tariff")
    HubCost = apps.get_model("evaluation", "HubCost")
    try:
        UnitCost = apps.get_model("evaluation", "UnitCost")
    except LookupError:  # run again over today's models (tests' reference data): none to move
        return
    for cost in UnitCost.objects.all():
        start = datetime.date(cost.financial_year, 4, 1)
        for activity in ACTIVITIES:
            Tariff.objects.update_or_create(
                hub_id=cost.hub_id,
                activity=activity,
                valid_from=start,
                defaults={
                    "price_gbp": getattr(cost, activity),
                    "source": f"The hub's unit cost for {cost.financial_year}/{(cost.financial_year + 1) % 100:02d}",
                },
            )
        HubCost.objects.update_or_create(
            hub_id=cost.hub_id,
            financial_year=cost.financial_year,
            defaults={"clinic_session_gbp": cost.clinic_session},
        )


def unit_costs_from_tariffs(apps, schema_editor):
    Tariff = apps.get_model("evaluation", "Tariff")
    HubCost = apps.get_model("evaluation", "HubCost")
    UnitCost = apps.get_model("evaluation", "UnitCost")
    for cost in HubCost.objects.all():
        start = datetime.date(cost.financial_year, 4, 1)
        prices = {
            t.activity: t.price_gbp
            for t in Tariff.objects.filter(hub_id=cost.hub_id, valid_from=start)
        }
        if set(prices) == set(ACTIVITIES) and cost.clinic_session_gbp is not None:
            UnitCost.objects.create(
                hub_id=cost.hub_id,
                financial_year=cost.financial_year,
                clinic_session=cost.clinic_session_gbp,
                **prices,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0002_monthly_schedule'),
        ('hubs', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='HubCost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='The year the financial year starts: 2025 means April 2025 to March 2026.')),
                ('clinic_session_gbp', models.PositiveIntegerField(blank=True, null=True, verbose_name='cost of an outreach clinic session (£)')),
                ('yearly_gbp', models.PositiveIntegerField(blank=True, help_text='Coordination, MDT time, rooms: counted pro rata by whole months.', null=True, verbose_name='other running costs in the year (£)')),
                ('hub', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='running_costs', to='hubs.hub')),
            ],
            options={
                'verbose_name': 'hub running cost',
                'ordering': ['hub__name', '-financial_year'],
            },
        ),
        migrations.CreateModel(
            name='Tariff',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('activity', models.CharField(choices=[('op_new', 'new general paediatric outpatient appointments'), ('op_new_subspecialty', 'new subspecialty outpatient appointments'), ('op_follow_up', 'outpatient follow-up appointments'), ('ed_attendance', 'emergency department attendances'), ('admission', 'admissions')], max_length=30)),
                ('valid_from', models.DateField(help_text='The first day this price applies.')),
                ('price_gbp', models.PositiveIntegerField(help_text='Whole pounds per unit.', verbose_name='price (£)')),
                ('source', models.CharField(blank=True, help_text='Where the price comes from, e.g. a contract.', max_length=200)),
                ('hub', models.ForeignKey(blank=True, help_text='Empty for the national default every hub uses unless it has its own price.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='tariffs', to='hubs.hub')),
            ],
            options={
                'ordering': ['activity', 'hub__name', '-valid_from'],
            },
        ),
        migrations.AddConstraint(
            model_name='hubcost',
            constraint=models.UniqueConstraint(fields=('hub', 'financial_year'), name='hub_cost_per_year'),
        ),
        migrations.AddConstraint(
            model_name='tariff',
            constraint=models.UniqueConstraint(condition=models.Q(('hub__isnull', True)), fields=('activity', 'valid_from'), name='one_national_tariff_per_day'),
        ),
        migrations.AddConstraint(
            model_name='tariff',
            constraint=models.UniqueConstraint(fields=('hub', 'activity', 'valid_from'), name='one_hub_tariff_per_day'),
        ),
        migrations.RunPython(default_tariffs, migrations.RunPython.noop),
        migrations.RunPython(tariffs_from_unit_costs, unit_costs_from_tariffs),
        migrations.DeleteModel(
            name='UnitCost',
        ),
    ]
