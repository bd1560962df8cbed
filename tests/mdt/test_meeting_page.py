"""The MDT meeting page keeps a fixed number of queries however many cases, attendees and
actions the meeting has, whether the chair is preparing it or it has finished."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hubs.models import Role
from mdt.models import Attendance, MeetingStatus
from tests.factories import member
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# Session, person, roles and MFA (middleware); the meeting; the audit entry; outstanding
# actions; cases; attendance; the action form's owners; this meeting's actions; the
# meetings a case can move to (only while the meeting is open); the session saved.
QUERIES = {MeetingStatus.AGENDA_SENT: 15, MeetingStatus.FINISHED: 14}


def busy_meeting(hub, chair, n, status):
    """A meeting chaired by ``chair`` with ``n`` cases each with an action, ``n`` people
    present, and ``n`` outstanding actions from an earlier meeting."""
    earlier = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(days=28))
    finished = status == MeetingStatus.FINISHED
    meeting = MeetingFactory(
        hub=hub,
        chair=chair,
        status=status,
        starts_at=timezone.now() + datetime.timedelta(days=-1 if finished else 1),
        agenda_sent_at=timezone.now() - datetime.timedelta(days=2),
        finished_at=timezone.now() if finished else None,
    )
    MeetingFactory(hub=hub, starts_at=timezone.now() + datetime.timedelta(days=35))
    people = [member(Role.GP, hub) for _ in range(n)]
    for i, person in enumerate(people):
        earlier_case = CaseFactory(meeting=earlier, put_forward_by=person)
        ActionFactory(
            meeting=earlier, case=earlier_case, owner=person, description=f"Earlier action {i}"
        )
        case = CaseFactory(meeting=meeting, put_forward_by=person)
        ActionFactory(meeting=meeting, case=case, owner=person, description=f"Agreed action {i}")
        Attendance.objects.create(meeting=meeting, person=person, present=True)
    meeting.invitees.set(people)
    return meeting


@pytest.mark.parametrize("status", [MeetingStatus.AGENDA_SENT, MeetingStatus.FINISHED])
@pytest.mark.parametrize("rows", [1, 50])
def test_the_meeting_page_query_count_does_not_grow_with_cases_people_or_actions(
    rows, status, client, hub, paediatrician
):
    meeting = busy_meeting(hub, paediatrician, rows, status)
    client.force_login(paediatrician)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("mdt:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    assert len(queries) == QUERIES[status], [q["sql"][:120] for q in queries]
    body = response.content.decode()
    assert f"Cases ({rows} of" in body
    assert body.count("Earlier action ") == rows
    assert body.count("Agreed action ") == rows
    assert ("Move case 1 to" in body) == (status == MeetingStatus.AGENDA_SENT)
    assert "Add a general action" in body
    assert paediatrician.display_name in body  # the chair
