"""Comparison practices are no hub's: never a hub, never in a hub's lists, pickers or
population, never in anyone's scope (docs/import-formats.md, "Comparison practices")."""

import pytest
from django.urls import reverse

from evaluation.forms import BuildReportForm
from hubs.models import Practice
from population.models import Child
from tests.factories import ChildFactory, PersonFactory, PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison(db):
    practice = PracticeFactory(comparison_practice=True, name="Elsewhere Surgery")
    ChildFactory(practice=practice, family_name="Comparisonchild")
    return practice


@pytest.fixture
def operator(db):
    return PersonFactory(is_staff=True, is_superuser=True)


def test_a_practice_is_in_a_hub_unless_it_is_a_comparison_practice(hub):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.create(ods_code="E80001", name="No hub", hub=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.create(ods_code="E80002", name="Both", hub=hub, comparison=True)


def test_no_one_can_see_a_comparison_practices_children(comparison, coordinator, operator):
    assert not Child.objects.visible_to(coordinator).filter(practice=comparison).exists()
    assert not Child.objects.visible_to(operator).filter(practice=comparison).exists()


def test_the_operator_lists_comparison_practices_but_no_picker_offers_one(
    client, operator, comparison, practice
):
    client.force_login(operator)
    listing = client.get(reverse("admin:hubs_practice_changelist"))
    assert "Elsewhere Surgery" in listing.text
    for url in (
        reverse("admin:hubs_membership_add"),
        reverse("admin:clinics_clinicsession_add"),
        reverse("admin:champions_champion_add"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Elsewhere Surgery" not in page.text, url
    filtered = client.get(reverse("admin:population_child_changelist"))
    assert filtered.status_code == 200


def test_a_coordinator_neither_sees_nor_makes_a_comparison_practice(
    client_for, coordinator, comparison, hub
):
    client = client_for(coordinator)
    listing = client.get(reverse("admin:hubs_practice_changelist"))
    assert "Elsewhere Surgery" not in listing.text
    assert (
        client.get(reverse("admin:hubs_practice_change", args=[comparison.pk])).status_code == 404
    )
    client.post(
        reverse("admin:hubs_practice_add"),
        {"ods_code": "E80003", "name": "Sneaked", "hub": "", "comparison": "on"},
    )
    assert not Practice.objects.filter(ods_code="E80003").exists()


def test_report_hub_pickers_offer_hubs_only(coordinator, comparison, hub):
    form = BuildReportForm(user=coordinator)
    assert list(form.fields["hubs"].queryset) == [hub]


def test_a_comparison_practices_child_is_put_forward_to_no_mdt_and_referred_to_no_clinic(
    comparison, operator
):
    from clinics.services import ClinicError, refer
    from mdt.services import MdtError, put_forward

    child = Child.objects.get(practice=comparison)
    with pytest.raises(MdtError):
        put_forward(by=operator, child=child, clinical_question="Q", consent_recorded=True)
    with pytest.raises(ClinicError, match="in no hub"):
        refer(child=child, reason="Reason", by=operator)
