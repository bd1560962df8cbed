"""One child search: every place that finds a child by NHS number or name uses the same rule."""

import pytest
from django.urls import reverse

from hubs.models import Role
from population.models import Child
from tests.clinics.factories import ReferralFactory
from tests.factories import ChildFactory, member


@pytest.fixture
def amara(practice):
    return ChildFactory(practice=practice, given_name="Amara", family_name="Okafor")


@pytest.fixture
def bella(practice):
    return ChildFactory(practice=practice, given_name="Bella", family_name="Stone-Okafor")


def found(text, **kwargs):
    return set(Child.objects.search(text, **kwargs))


def test_a_whole_nhs_number_finds_the_child_with_or_without_spaces(amara, bella):
    assert found(amara.nhs_number) == {amara}
    assert found(amara.formatted_nhs_number) == {amara}
    assert found(f"  {amara.nhs_number[:3]}  {amara.nhs_number[3:]} ") == {amara}


def test_the_first_digits_of_an_nhs_number_find_every_child_whose_number_starts_so(amara, bella):
    for length in (3, 6, 9):
        start = amara.nhs_number[:length]
        expected = {c for c in (amara, bella) if c.nhs_number.startswith(start)}
        assert found(start) == expected
        assert found(f"{start[:3]} {start[3:]}") == expected


def test_digits_that_are_no_childs_number_find_nobody(amara):
    assert found(amara.nhs_number + "1") == set()
    assert found("000 000 0000") == set()


def test_name_parts_match_given_or_family_name_in_any_order_and_case(amara, bella):
    assert found("okafor") == {amara, bella}
    assert found("Amara Okafor") == {amara}
    assert found("OKAFOR amara") == {amara}
    assert found("bel stone") == {bella}
    assert found("Amara Stone") == set()


def test_an_empty_search_keeps_every_child(amara, bella):
    assert found("") == found("   ") == found(None) == {amara, bella}


def test_without_browsing_only_a_whole_nhs_number_finds_a_child(amara, bella):
    assert found(amara.formatted_nhs_number, browse=False) == {amara}
    assert found(amara.nhs_number[:6], browse=False) == set()
    assert found("Okafor", browse=False) == set()


def _searches(hub, practice):
    """Each child search of the service, as a function of the text: the children it lists."""
    gp = member(Role.GP, hub, practice=practice)
    coordinator = member(Role.COORDINATOR, hub, is_staff=True)

    def segment_list(client, text):
        client.force_login(gp)
        url = reverse("population:segment", args=[hub.pk, 1])
        return set(client.get(url, {"q": text}).context["page"].object_list)

    def advice_ask(client, text):
        client.force_login(gp)
        return set(client.get(reverse("advice:ask"), {"q": text}).context["results"])

    def put_forward(client, text):
        client.force_login(gp)
        return set(client.get(reverse("mdt:put_forward"), {"q": text}).context["results"])

    def waiting_list(client, text):
        client.force_login(gp)
        page = client.get(reverse("clinics:waiting_list"), {"q": text}).context["page"]
        return {referral.child for referral in page.object_list}

    def child_admin(client, text):
        client.force_login(coordinator)
        response = client.get(reverse("admin:population_child_changelist"), {"q": text})
        return set(response.context["cl"].result_list)

    return [segment_list, advice_ask, put_forward, waiting_list, child_admin]


def test_every_child_search_finds_the_same_children(client, hub, practice, amara, bella):
    for child in (amara, bella):
        ReferralFactory(child=child)
    texts = [
        amara.nhs_number,
        amara.formatted_nhs_number,
        amara.nhs_number[:5],
        "okafor",
        "Amara OKAFOR",
        "bel sto",
        "nobody",
    ]
    for search in _searches(hub, practice):
        for text in texts:
            assert search(client, text) == found(text), (search.__name__, text)
