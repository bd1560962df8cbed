import datetime

import pytest
from django.utils import timezone

from hubs.models import Role
from tests.factories import member
from tests.mdt.factories import CaseFactory, MeetingFactory


@pytest.fixture
def chair(hub):
    return member(Role.PAEDIATRICIAN, hub, first_name="Priya", last_name="Chair")


@pytest.fixture
def finished_meeting(hub, chair, gp):
    """A finished MDT meeting of the hub, chaired, with the GP invited and one case discussed."""
    starts = timezone.now() - datetime.timedelta(days=3)
    meeting = MeetingFactory(
        hub=hub,
        chair=chair,
        starts_at=starts,
        status="finished",
        started_at=starts,
        finished_at=starts + datetime.timedelta(minutes=75),
        invitees=[gp],
    )
    return meeting


@pytest.fixture
def discussed(finished_meeting, child):
    return CaseFactory(
        meeting=finished_meeting, child=child, discussed=True, outcome="primary_care_advice"
    )
