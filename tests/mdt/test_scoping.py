"""Who sees which meetings and cases (docs/access.md): invited MDT members only their meetings."""

import datetime

from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent, Role
from mdt import queries
from tests.factories import member
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


def test_mdt_member_can_only_find_a_child_by_exact_nhs_number(client, hub, practice, mdt_member):
    from tests.factories import ChildFactory

    child = ChildFactory(practice=practice, family_name="Zephyrine")
    client.force_login(mdt_member)
    body = client.get(reverse("mdt:put_forward"), {"q": "Zephyrine"}).content.decode()
    assert "No child found" in body
    body = client.get(reverse("mdt:put_forward"), {"q": child.nhs_number}).content.decode()
    assert reverse("mdt:put_forward_child", args=[child.pk]) in body
    assert "Zephyrine" not in body


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
