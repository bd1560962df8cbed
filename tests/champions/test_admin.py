import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from champions.models import Activity, Champion
from hubs.models import Role
from tests.champions.access_cases import ADMIN
from tests.champions.factories import ChampionFactory, CheckFactory
from tests.factories import member

pytestmark = pytest.mark.django_db


def admin_url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def test_every_champions_admin_model_has_a_builder():
    registered = {m for m in admin.site._registry if m._meta.app_label == "champions"}
    assert registered == set(ADMIN)


@pytest.mark.parametrize("model", list(ADMIN), ids=lambda m: m.__name__)
def test_coordinator_of_another_hub_gets_404_and_an_empty_list(
    model, client_for, coordinator, other_practice
):
    class W:
        practice_b = other_practice
        extra = {}

    row = ADMIN[model](W)
    client = client_for(coordinator)
    assert client.get(admin_url(model, "change", row.pk)).status_code == 404
    listing = client.get(admin_url(model, "changelist"))
    assert listing.status_code == 200
    assert row.pk not in [obj.pk for obj in listing.context["cl"].result_list]


def test_coordinator_flags_champions_whose_checks_need_attention(client_for, coordinator, practice):
    due = ChampionFactory(practice=practice, given_name="Duesoon")
    CheckFactory(
        champion=due,
        date=timezone.localdate() - datetime.timedelta(days=1000),
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    fine = ChampionFactory(practice=practice, given_name="Allgood")
    CheckFactory(champion=fine)
    client = client_for(coordinator)
    body = client.get(admin_url(Champion, "changelist")).content.decode()
    assert "Expires within 30 days" in body
    flagged = client.get(admin_url(Champion, "changelist"), {"attention": "yes"})
    assert [c.pk for c in flagged.context["cl"].result_list] == [due.pk]


def test_coordinator_records_an_activity_in_the_admin(client_for, coordinator, practice):
    champion = ChampionFactory(practice=practice)
    response = client_for(coordinator).post(
        admin_url(Activity, "add"),
        {
            "champion": champion.pk,
            "date": "2026-01-05",
            "type": "co_design",
            "hours": "3",
            "people_reached": "6",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert champion.activities.get().hours == 3


def test_sign_in_choices_are_champions_of_the_coordinators_hubs(
    client_for, coordinator, hub, other_hub
):
    own = member(Role.CHAMPION, hub, mfa=False)
    other = member(Role.CHAMPION, other_hub, mfa=False)
    gp = member(Role.GP, hub)
    response = client_for(coordinator).get(admin_url(Champion, "add"))
    choices = set(response.context["adminform"].form.fields["person"].queryset)
    assert own in choices and other not in choices and gp not in choices


def test_champion_ref_is_unique_within_a_hub_only(practice, other_practice):
    from django.db import IntegrityError, transaction

    ChampionFactory(practice=practice, champion_ref="CH1")
    ChampionFactory(practice=other_practice, champion_ref="CH1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChampionFactory(practice=practice, champion_ref="CH1")
