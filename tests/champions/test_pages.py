import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from champions.models import Activity, ActivityType, Status
from hubs.models import Role
from tests.champions.factories import (
    ActivityFactory,
    ChampionFactory,
    CheckFactory,
    TrainingFactory,
)
from tests.factories import MembershipFactory, PracticeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_gp_sees_the_hubs_active_champions_and_monthly_hours(client_for, gp, practice):
    active = ChampionFactory(practice=practice, given_name="Amara", family_name="Odu")
    ChampionFactory(practice=practice, given_name="Gone", family_name="Away", status=Status.LEFT)
    ActivityFactory(
        champion=active, date=TODAY().replace(day=1), hours=Decimal("2.5"), people_reached=12
    )

    response = client_for(gp).get(reverse("champions:hub", args=[practice.hub_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Amara Odu" in body and "Gone Away" not in body
    assert "<svg" in body and "Volunteer hours by month" in body
    month = response.context["months"][-1]
    assert (month["activities"], month["hours"], month["people"]) == (1, Decimal("2.5"), 12)
    assert len(response.context["months"]) == 12


def test_practice_page_shows_only_that_practices_champions(client_for, gp, practice, hub):
    ChampionFactory(practice=practice, given_name="Here")
    ChampionFactory(practice=PracticeFactory(hub=hub), given_name="Elsewhere")
    response = client_for(gp).get(reverse("champions:practice", args=[practice.pk]))
    body = response.content.decode()
    assert "Here" in body and "Elsewhere" not in body


def test_coordinator_sees_expired_checks_flagged_on_the_hub_page(client_for, coordinator, practice):
    champion = ChampionFactory(practice=practice)
    CheckFactory(
        champion=champion,
        date=TODAY() - datetime.timedelta(days=1200),
        expires_on=TODAY() - datetime.timedelta(days=1),
    )
    body = client_for(coordinator).get(reverse("champions:hub", args=[practice.hub_id])).content
    assert b"Expired" in body


def test_gp_does_not_see_check_status(client_for, gp, practice):
    CheckFactory(
        champion=ChampionFactory(practice=practice),
        date=TODAY() - datetime.timedelta(days=1200),
        expires_on=TODAY(),
    )
    body = client_for(gp).get(reverse("champions:hub", args=[practice.hub_id])).content
    assert b"Checks and training" not in body


def test_champions_index_takes_a_one_hub_person_straight_to_their_hub(client_for, gp, hub):
    response = client_for(gp).get(reverse("champions:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("champions:hub", args=[hub.pk])


def test_champions_index_lists_the_hubs_of_a_person_in_two(client_for, paediatrician, other_hub):
    MembershipFactory(person=paediatrician, hub=other_hub, role=Role.PAEDIATRICIAN)
    response = client_for(paediatrician).get(reverse("champions:index"))
    assert response.status_code == 200
    assert other_hub.name in response.content.decode()


def test_hub_page_search_finds_a_champion_by_name(client_for, gp, practice):
    ChampionFactory(practice=practice, given_name="Findme")
    ChampionFactory(practice=practice, given_name="Notme")
    body = (
        client_for(gp)
        .get(reverse("champions:hub", args=[practice.hub_id]), {"q": "findme"})
        .content.decode()
    )
    assert "Findme" in body and "Notme" not in body


@pytest.mark.parametrize("rows", [1, 50])
def test_hub_page_query_count_does_not_grow_with_champions(
    rows, client_for, coordinator, practice, django_assert_max_num_queries
):
    for champion in ChampionFactory.create_batch(rows, practice=practice):
        ActivityFactory(champion=champion)
        CheckFactory(champion=champion)
        TrainingFactory(champion=champion)
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("champions:hub", args=[practice.hub_id]))
    assert len(response.context["page"].object_list) == rows


# The champion's own page.


def test_champion_sees_their_own_activities_and_check_status(client_for, champion, practice):
    ActivityFactory(champion=champion, notes="Coffee morning for new parents")
    ActivityFactory(champion=ChampionFactory(practice=practice), notes="Someone else's session")
    CheckFactory(champion=champion, date=TODAY() - datetime.timedelta(days=3 * 365 - 10))

    response = client_for(champion.person).get(reverse("champions:me"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Coffee morning for new parents" in body
    assert "Someone else" not in body
    assert "DBS check" in body and "Expires soon" in body


def test_champion_records_an_activity(client_for, champion):
    client = client_for(champion.person)
    response = client.post(
        reverse("champions:add_activity"),
        {
            "date": TODAY().isoformat(),
            "type": "waiting_room",
            "hours": "1.5",
            "people_reached": "8",
            "notes": "Talked about fevers",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(champion=champion)
    assert (activity.type, activity.hours, activity.people_reached) == (
        ActivityType.WAITING_ROOM,
        Decimal("1.5"),
        8,
    )
    assert "Thank you" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours": "-1"}, "Hours volunteered"),
        ({"hours": "30"}, "at most 24 hours"),
        ({"date": "2999-01-01"}, "cannot be in the future"),
        ({"type": "juggling"}, "Type of activity"),
        ({"people_reached": "-3"}, "People reached"),
    ],
)
def test_bad_activity_is_refused_naming_the_field(client_for, champion, data, message):
    form = {"date": TODAY().isoformat(), "type": "other", "hours": "1", **data}
    response = client_for(champion.person).post(reverse("champions:add_activity"), form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not Activity.objects.exists()


def test_the_same_activity_twice_on_one_day_is_refused(client_for, champion):
    ActivityFactory(champion=champion, date=TODAY(), type=ActivityType.OTHER)
    response = client_for(champion.person).post(
        reverse("champions:add_activity"),
        {"date": TODAY().isoformat(), "type": "other", "hours": "1"},
    )
    assert "already recorded on that date" in response.content.decode()
    assert Activity.objects.count() == 1


def test_champion_without_a_linked_record_is_told_to_ask_the_coordinator(
    client_for, champion_person
):
    response = client_for(champion_person).get(reverse("champions:me"))
    assert "not linked to a champion record" in response.content.decode()
    assert client_for(champion_person).get(reverse("champions:add_activity")).status_code == 404


def test_champion_sign_in_reaches_no_hub_page_and_no_child(client_for, champion, child, hub):
    client = client_for(champion.person)
    assert client.get(reverse("champions:hub", args=[hub.pk])).status_code == 404
    assert client.get(reverse("champions:index")).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert child.family_name not in home
    assert "My volunteering" in home


def test_a_champion_whose_membership_ended_no_longer_reaches_their_page(client_for, champion):
    champion.person.memberships.update(end_date=TODAY() - datetime.timedelta(days=1))
    response = client_for(champion.person).get(reverse("champions:me"))
    assert response.status_code == 404


def test_gp_has_no_champions_own_page(client_for, gp):
    assert client_for(gp).get(reverse("champions:me")).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_own_page_query_count_does_not_grow_with_activities(
    rows, client_for, champion, django_assert_max_num_queries
):
    ActivityFactory.create_batch(rows, champion=champion, type=ActivityType.OTHER)
    CheckFactory(champion=champion)
    client = client_for(champion.person)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("champions:me"))
    assert len(response.context["page"].object_list) == rows
