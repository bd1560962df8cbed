"""Who sees which meetings and cases (docs/access.md): invited MDT members only their meetings."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent, Role
from mdt import queries
from mdt.models import CaseDiscussion
from tests.access import child_identifiers, make_world
from tests.factories import member, one_use_token
from tests.mdt import access_cases
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory


def test_mdt_member_sees_only_meetings_they_are_invited_to(hub, mdt_member):
    invited = MeetingFactory(hub=hub, invitees=[mdt_member])
    other = MeetingFactory(hub=hub)
    assert list(queries.meetings_visible_to(mdt_member)) == [invited]
    case = CaseFactory(meeting=invited)
    CaseFactory(meeting=other)
    assert list(queries.cases_visible_to(mdt_member)) == [case]
    assert other.pk not in queries.meetings_visible_to(mdt_member).values_list("pk", flat=True)


def test_mdt_member_not_invited_gets_404_for_the_meeting_and_its_cases(client, hub, mdt_member):
    meeting = MeetingFactory(hub=hub)
    case = CaseFactory(meeting=meeting)
    client.force_login(mdt_member)
    for url in [
        reverse("mdt:meeting", args=[meeting.pk]),
        reverse("mdt:case", args=[case.pk]),
        reverse("mdt:case_letter", args=[case.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert case.child.family_name not in response.content.decode()


def test_invited_mdt_member_sees_the_childs_summary_and_the_look_is_audited(
    client, hub, mdt_member
):
    meeting = MeetingFactory(hub=hub, invitees=[mdt_member])
    case = CaseFactory(meeting=meeting)
    client.force_login(mdt_member)
    body = client.get(reverse("mdt:case", args=[case.pk])).content.decode()
    assert case.child.formatted_nhs_number in body
    assert case.child.family_name in body
    assert case.clinical_question in body
    event = AuditEvent.objects.get(action="mdt.case.view")
    assert (event.person, event.child_id, event.hub_id) == (mdt_member, case.child_id, hub.pk)


def test_gp_paediatrician_and_coordinator_of_the_hub_see_all_its_meetings(
    hub, gp, paediatrician, coordinator, commissioner
):
    meeting = MeetingFactory(hub=hub)
    for person in (gp, paediatrician, coordinator):
        assert list(queries.meetings_visible_to(person)) == [meeting]
    assert not queries.meetings_visible_to(commissioner).exists()


def test_paediatrician_from_another_hub_gets_404(client, hub, other_paediatrician):
    case = CaseFactory(meeting=MeetingFactory(hub=hub))
    client.force_login(other_paediatrician)
    assert client.get(reverse("mdt:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("mdt:hub", args=[hub.pk])).status_code == 404


def test_an_ended_membership_sees_nothing(hub):
    person = member(Role.GP, hub)
    MeetingFactory(hub=hub)
    person.memberships.update(
        end_date=datetime.date(2020, 1, 1), start_date=datetime.date(2019, 1, 1)
    )
    assert not queries.meetings_visible_to(person).exists()


def test_my_actions_lists_only_the_persons_own(client, hub, mdt_member, gp):
    meeting = MeetingFactory(hub=hub)
    mine = ActionFactory(meeting=meeting, owner=mdt_member, description="Visit the family")
    ActionFactory(meeting=meeting, owner=gp, description="Phone the school")
    client.force_login(mdt_member)
    body = client.get(reverse("mdt:my_actions")).content.decode()
    assert mine.description in body
    assert "Phone the school" not in body


def test_mdt_member_finds_and_opens_only_children_on_agendas_they_are_invited_to(
    client, hub, practice, mdt_member
):
    from tests.factories import ChildFactory

    invited = CaseFactory(
        meeting=MeetingFactory(hub=hub, invitees=[mdt_member]),
        child=ChildFactory(practice=practice, family_name="Zephyrine"),
    )
    elsewhere = CaseFactory(
        meeting=MeetingFactory(hub=hub),
        child=ChildFactory(practice=practice, family_name="Zephyrine"),
    )
    nowhere = ChildFactory(practice=practice, family_name="Zephyrine")
    client.force_login(mdt_member)

    body = client.get(reverse("mdt:put_forward"), {"q": "Zephyrine"}).content.decode()
    assert reverse("mdt:put_forward_child", args=[invited.child_id]) in body
    for child in (elsewhere.child, nowhere):
        body = client.get(reverse("mdt:put_forward"), {"q": child.nhs_number}).content.decode()
        assert "No child found" in body
        assert reverse("mdt:put_forward_child", args=[child.pk]) not in body
        for method in (client.get, client.post):
            response = method(reverse("mdt:put_forward_child", args=[child.pk]))
            assert response.status_code == 404
            assert child.formatted_nhs_number not in response.content.decode()
            assert child.practice.name not in response.content.decode()
    assert not AuditEvent.objects.filter(child_id__in=[elsewhere.child_id, nowhere.pk]).exists()

    response = client.get(reverse("mdt:put_forward_child", args=[invited.child_id]))
    assert response.status_code == 200
    assert invited.child.formatted_nhs_number in response.content.decode()
    look = AuditEvent.objects.get(action="mdt.put_forward.view")
    assert (look.person, look.child_id, look.hub_id) == (mdt_member, invited.child_id, hub.pk)
    assert AuditEvent.objects.filter(
        action="mdt.put_forward.search", child_id=invited.child_id
    ).exists()
    assert CaseDiscussion.objects.count() == 2


def test_an_mdt_member_puts_a_case_forward_only_to_a_meeting_they_are_invited_to(
    client, hub, mdt_member
):
    invited = MeetingFactory(hub=hub, invitees=[mdt_member])
    later_invited = MeetingFactory(
        hub=hub, invitees=[mdt_member], starts_at=invited.starts_at + datetime.timedelta(weeks=4)
    )
    other = MeetingFactory(hub=hub, starts_at=invited.starts_at + datetime.timedelta(weeks=2))
    case = CaseFactory(meeting=invited)
    client.force_login(mdt_member)
    url = reverse("mdt:put_forward_child", args=[case.child_id])
    body = client.get(url).content.decode()
    assert f'value="{later_invited.pk}"' in body
    assert f'value="{other.pk}"' not in body
    data = {"clinical_question": "Bring back", "referrer_role": "health_visitor"}
    data.update(consent_recorded="on", **one_use_token())
    response = client.post(url, {**data, "meeting": other.pk})
    assert "That meeting is no longer taking cases: choose another" in response.content.decode()
    assert not other.invitees.filter(pk=mdt_member.pk).exists()
    assert client.post(url, {**data, "meeting": later_invited.pk}).status_code == 302
    assert later_invited.cases.filter(child=case.child).exists()


def test_gp_finds_any_child_of_the_hubs_practices_by_name_or_number(client, gp, child):
    client.force_login(gp)
    for q in (child.family_name, child.nhs_number):
        body = client.get(reverse("mdt:put_forward"), {"q": q}).content.decode()
        assert reverse("mdt:put_forward_child", args=[child.pk]) in body


def test_the_childs_page_lists_their_mdt_discussions(client, hub, gp, paediatrician):
    meeting = MeetingFactory(hub=hub)
    case = CaseFactory(
        meeting=meeting, discussed=True, outcome="named_professional", named_professional="CAMHS"
    )
    client.force_login(gp)
    body = client.get(reverse("population:child", args=[case.child_id])).content.decode()
    assert "MDT discussions" in body
    assert reverse("mdt:case", args=[case.pk]) in body
    assert "CAMHS" in body


def test_an_invited_member_sees_no_actions_of_meetings_they_were_not_invited_to(
    client, hub, mdt_member, gp
):
    earlier = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(days=30))
    ActionFactory(meeting=earlier, owner=gp, description="Chase the safeguarding referral")
    meeting = MeetingFactory(hub=hub, invitees=[mdt_member])
    client.force_login(mdt_member)
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Chase the safeguarding referral" not in body
    client.force_login(gp)
    body = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "Chase the safeguarding referral" in body


@pytest.mark.parametrize("case", access_cases.URLS, ids=lambda c: c.name)
def test_an_mdt_member_not_invited_reaches_no_child_or_case_of_their_own_hub(case, db):
    """The access matrix's MDT URLs, tried by an MDT member of the records' own hub who is
    invited to no meeting: 404, or (a list) a page without the child."""
    world = make_world()
    url = reverse(case.name, kwargs=case.build(world))
    data = case.data(world) if case.data else {}
    outsider = member(Role.MDT_MEMBER, world.hub_b, profession="Social worker")
    client = Client()
    client.force_login(outsider)
    response = getattr(client, case.method)(url, data)
    body = response.content.decode(errors="replace")
    if not case.scoped_list:
        assert response.status_code == 404
    assert not [i for i in child_identifiers(world.child_b) if i in body]
