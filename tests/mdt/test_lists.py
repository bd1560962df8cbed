"""List pages keep a fixed number of queries however many rows they show."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory


def build(hub, person, n):
    meetings = [MeetingFactory(hub=hub, invitees=[person]) for _ in range(n)]
    for m in meetings:
        case = CaseFactory(meeting=m, put_forward_by=person, discussed=True, outcome="other")
        ActionFactory(meeting=m, case=case, owner=person)
    return meetings


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("name", ["mdt:meetings", "mdt:my_cases", "mdt:my_actions", "mdt:hub"])
def test_list_pages_query_count_does_not_grow(
    rows, name, client, hub, paediatrician, django_assert_max_num_queries
):
    build(hub, paediatrician, rows)
    client.force_login(paediatrician)
    url = reverse(name, args=[hub.pk]) if name == "mdt:hub" else reverse(name)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert "No cases yet" not in response.content.decode() or name == "mdt:meetings"


@pytest.mark.parametrize("rows", [1, 15])
def test_meeting_agenda_query_count_does_not_grow(
    rows, client, hub, paediatrician, django_assert_max_num_queries
):
    meeting = MeetingFactory(hub=hub)
    for _ in range(rows):
        case = CaseFactory(meeting=meeting)
        ActionFactory(meeting=meeting, case=case, owner=paediatrician)
    client.force_login(paediatrician)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("mdt:meeting", args=[meeting.pk]))
    assert response.status_code == 200


def test_the_case_history_download_is_audited_with_its_hub_and_every_child_in_it(
    client, hub, paediatrician
):
    from hubs.models import AuditEvent

    meetings = build(hub, paediatrician, 3)
    children = sorted(c.child_id for m in meetings for c in m.cases.all())
    client.force_login(paediatrician)
    response = client.get(reverse("mdt:hub", args=[hub.pk]), {"download": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    entry = AuditEvent.objects.get(action="mdt.case_list.export")
    assert entry.hub == hub and sorted(entry.child_ids) == children and entry.child_count == 3
    assert entry.path.endswith("download=csv")
    # Meeting dates in the house style, as on the page.
    day = timezone.localtime(meetings[0].starts_at).date()
    assert f"{day.day} {day:%b %Y}," in response.content.decode()
