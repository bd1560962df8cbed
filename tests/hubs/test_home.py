import pytest
from django.urls import reverse

from hubs.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "label", "url_name"),
    [
        (Role.GP, "Your hub&#x27;s children", "population:index"),
        (Role.PAEDIATRICIAN, "The advice queue", "advice:queue"),
        (Role.MDT_MEMBER, "Your MDT meetings", "mdt:meetings"),
        (Role.COMMISSIONER, "Evaluation reports", "evaluation:list"),
        (Role.CHAMPION, "Your volunteering", "champions:me"),
    ],
)
def test_home_leads_each_role_to_where_it_works(client_for, hub, role, label, url_name):
    body = client_for(member(role, hub)).get(reverse("home")).content.decode()
    assert f'href="{reverse(url_name)}">{label}</a>' in body


def test_someone_without_a_role_is_told_whom_to_ask(client_for, hub):
    from tests.factories import PersonFactory

    body = client_for(PersonFactory()).get(reverse("home")).content.decode()
    assert "Ask your hub coordinator to add you" in body


def test_the_header_names_the_person_and_their_hubs(client_for, hub, other_hub):
    person = member(Role.PAEDIATRICIAN, hub)
    from tests.factories import MembershipFactory

    MembershipFactory(person=person, hub=other_hub, role=Role.PAEDIATRICIAN)
    body = client_for(person).get(reverse("home")).content.decode()
    assert f'{person.display_name} <span class="hub-codes">(HUB-A, HUB-B)</span>' in body
