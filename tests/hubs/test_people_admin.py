import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hubs import services
from hubs.models import Hub, Membership, Person, Role
from tests.factories import MembershipFactory, PersonFactory, PracticeFactory, member
from tests.outbox import sent_mail

pytestmark = pytest.mark.django_db


def invite(client, hub, practice=None, role=Role.GP, email="new.gp@example.nhs.uk"):
    return client.post(
        reverse("admin:hubs_person_add"),
        {
            "email": email,
            "first_name": "Nadia",
            "last_name": "Newcomer",
            "profession": "GP",
            "registration_number": "7654321",
            "hub": hub.pk,
            "role": role,
            "practice": practice.pk if practice else "",
            "start_date": timezone.localdate().isoformat(),
        },
    )


def test_adding_a_person_invites_them_by_email_with_a_link_and_no_identifiers(
    client_for, coordinator, hub, practice, child, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://hubs.example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for(coordinator), hub, practice)
    assert response.status_code == 302
    person = Person.objects.get(email="new.gp@example.nhs.uk")
    assert not person.has_usable_password()
    assert Membership.objects.get(person=person).practice == practice
    assert len(sent_mail()) == 1
    message = mail.outbox[0]
    assert message.to == ["new.gp@example.nhs.uk"]
    for identifier in (child.nhs_number, child.given_name, child.family_name):
        assert identifier not in message.body
    assert "https://hubs.example.nhs.uk/accounts/password/reset/key/" in message.body


def test_the_invitation_link_lets_the_person_choose_a_password_and_sign_in(
    client, coordinator, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = services.invite_person(
            email="invited@example.nhs.uk",
            first_name="Ivy",
            last_name="Invited",
            hub=hub,
            role=Role.CHAMPION,
            by=coordinator,
        )
    link = re.search(r"https?://\S+", sent_mail()[0].body.split("here")[1]).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302  # allauth keeps the key in the session
    response = client.post(
        response["Location"],
        {"password1": "a-Long-fresh-passphrase-9", "password2": "a-Long-fresh-passphrase-9"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-Long-fresh-passphrase-9")
    response = client.post(
        reverse("account_login"),
        {"login": "invited@example.nhs.uk", "password": "a-Long-fresh-passphrase-9"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_new_coordinator_gets_the_admin_door_and_a_gp_does_not(
    client_for, coordinator, hub, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hub, role=Role.COORDINATOR, email="coord2@example.nhs.uk")
        invite(client, hub, role=Role.GP, email="gp2@example.nhs.uk")
    assert Person.objects.get(email="coord2@example.nhs.uk").is_staff
    assert not Person.objects.get(email="gp2@example.nhs.uk").is_staff


def test_giving_and_ending_a_coordinator_membership_opens_and_closes_the_admin_door(
    client_for, coordinator, hub
):
    gp = member(Role.GP, hub)
    client = client_for(coordinator)
    response = client.post(
        reverse("admin:hubs_membership_add"),
        {"person": gp.pk, "hub": hub.pk, "role": Role.COORDINATOR, "start_date": "2024-01-01"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    gp.refresh_from_db()
    assert gp.is_staff
    membership = Membership.objects.get(person=gp, role=Role.COORDINATOR)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("admin:hubs_membership_change", args=[membership.pk]),
        {
            "person": gp.pk,
            "hub": hub.pk,
            "role": Role.COORDINATOR,
            "start_date": "2024-01-01",
            "end_date": yesterday.isoformat(),
        },
    )
    assert response.status_code == 302
    gp.refresh_from_db()
    assert not gp.is_staff


def test_the_invitation_refuses_a_practice_of_another_hub(
    client_for, coordinator, hub, other_practice
):
    response = invite(client_for(coordinator), hub, other_practice)
    assert response.status_code == 200
    assert "practice" in response.context["adminform"].form.errors
    assert not Person.objects.filter(email="new.gp@example.nhs.uk").exists()


def test_a_membership_practice_must_belong_to_its_hub(
    client_for, coordinator, hub, practice, other_hub
):
    second_hub_practice = PracticeFactory(
        hub=MembershipFactory(person=coordinator, hub=other_hub, role=Role.COORDINATOR).hub
    )
    gp = member(Role.GP, hub)
    response = client_for(coordinator).post(
        reverse("admin:hubs_membership_add"),
        {
            "person": gp.pk,
            "hub": hub.pk,
            "role": Role.GP,
            "practice": second_hub_practice.pk,
            "start_date": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["practice"] == [
        "Choose one of this hub's practices."
    ]
    with pytest.raises(services.HubsError, match="practice"):
        services.add_membership(
            person=gp, hub=hub, role=Role.GP, practice=second_hub_practice, by=coordinator
        )
    with pytest.raises(ValidationError):
        Membership(person=gp, hub=hub, role=Role.GP, practice=second_hub_practice).full_clean()


def test_an_address_that_already_has_a_login_is_refused_with_a_message(
    client_for, coordinator, hub, gp
):
    response = invite(client_for(coordinator), hub, email=gp.email.upper())
    assert response.status_code == 200
    assert "already has a login" in str(response.context["adminform"].form.errors["email"])


def test_a_coordinator_edits_their_hubs_settings_but_not_its_code(client_for, coordinator, hub):
    url = reverse("admin:hubs_hub_change", args=[hub.pk])
    response = client_for(coordinator).post(
        url,
        {
            "code": "RENAMED",
            "name": "Hub A renamed",
            "response_target": 48,
            "response_target_unit": "hours",
            "mdt_cadence_weeks": 4,
            "mdt_case_cap": 12,
            "agenda_notice_hours": 24,
            "clinic_wait_target_weeks": 6,
            "advice_email": "",
        },
    )
    assert response.status_code == 302
    hub.refresh_from_db()
    assert (hub.name, hub.response_target, hub.code) == ("Hub A renamed", 48, "HUB-A")


def test_only_the_superuser_adds_or_deletes_a_hub(client, client_for, coordinator, hub):
    coordinator_client = client_for(coordinator)
    assert coordinator_client.get(reverse("admin:hubs_hub_add")).status_code == 403
    url = reverse("admin:hubs_hub_delete", args=[hub.pk])
    assert coordinator_client.post(url, {"post": "yes"}).status_code == 403
    assert Hub.objects.filter(pk=hub.pk).exists()
    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:hubs_hub_add")).status_code == 200


def test_a_coordinator_cannot_make_anyone_a_superuser(client_for, coordinator, hub):
    gp = member(Role.GP, hub)
    url = reverse("admin:hubs_person_change", args=[gp.pk])
    client = client_for(coordinator)
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields and "password" not in form.fields
    client.post(
        url,
        {
            "email": gp.email,
            "first_name": "G",
            "last_name": "P",
            "is_superuser": "on",
            "is_staff": "on",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    gp.refresh_from_db()
    assert not gp.is_superuser and not gp.is_staff


def test_a_coordinator_sees_only_their_hubs_memberships_of_a_shared_person(
    client_for, coordinator, hub, other_hub
):
    paediatrician = member(Role.PAEDIATRICIAN, hub)
    MembershipFactory(person=paediatrician, hub=other_hub, role=Role.PAEDIATRICIAN)
    response = client_for(coordinator).get(
        reverse("admin:hubs_person_change", args=[paediatrician.pk])
    )
    formset = response.context["inline_admin_formsets"][0].formset
    assert [f.instance.hub for f in formset.forms] == [hub]
    # Their login reaches another hub too: its email is not this coordinator's to change.
    assert "email" not in response.context["adminform"].form.fields


def test_a_coordinator_cannot_delete_people(client_for, coordinator, hub):
    gp = member(Role.GP, hub)
    url = reverse("admin:hubs_person_delete", args=[gp.pk])
    assert client_for(coordinator).post(url, {"post": "yes"}).status_code == 403
    assert Person.objects.filter(pk=gp.pk).exists()


def test_superusers_are_not_in_a_coordinators_people(client_for, coordinator, hub):
    operator = member(Role.COORDINATOR, hub, is_superuser=True, is_staff=True)
    url = reverse("admin:hubs_person_change", args=[operator.pk])
    assert client_for(coordinator).get(url).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", ["person", "membership", "practice"])
def test_people_lists_query_count_does_not_grow_with_rows(
    client_for, coordinator, hub, rows, page, django_assert_max_num_queries
):
    practice = PracticeFactory(hub=hub)
    for _ in range(rows):
        member(Role.GP, hub, practice=PracticeFactory(hub=hub) if page == "practice" else practice)
    client = client_for(coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(f"admin:hubs_{page}_changelist"))
    assert response.context["cl"].result_count >= rows


def test_a_coordinator_role_given_on_the_person_page_opens_the_admin_door(
    client_for, coordinator, hub
):
    gp = member(Role.GP, hub)
    existing = Membership.objects.get(person=gp)
    response = client_for(coordinator).post(
        reverse("admin:hubs_person_change", args=[gp.pk]),
        {
            "email": gp.email,
            "first_name": gp.first_name,
            "last_name": gp.last_name,
            "profession": "",
            "registration_number": "",
            "memberships-TOTAL_FORMS": 2,
            "memberships-INITIAL_FORMS": 1,
            "memberships-0-id": existing.pk,
            "memberships-0-person": gp.pk,
            "memberships-0-hub": hub.pk,
            "memberships-0-role": Role.GP,
            "memberships-0-start_date": existing.start_date.isoformat(),
            "memberships-1-person": gp.pk,
            "memberships-1-hub": hub.pk,
            "memberships-1-role": Role.COORDINATOR,
            "memberships-1-start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    gp.refresh_from_db()
    assert gp.is_staff
    assert gp.memberships.count() == 2


def test_a_login_whose_creation_is_rolled_back_leaves_no_invitation_waiting(hub, coordinator):
    from django.db import transaction

    from cc4c.models import OutboxEmail

    with pytest.raises(RuntimeError), transaction.atomic():
        services.invite_person(
            email="rolled.back@example.nhs.uk",
            first_name="Rolled",
            last_name="Back",
            hub=hub,
            role=Role.GP,
            by=coordinator,
        )
        assert OutboxEmail.objects.filter(to=["rolled.back@example.nhs.uk"]).count() == 1
        raise RuntimeError("the admin's save failed after the invitation was written")
    assert not Person.objects.filter(email="rolled.back@example.nhs.uk").exists()
    assert not OutboxEmail.objects.filter(to=["rolled.back@example.nhs.uk"]).exists()
