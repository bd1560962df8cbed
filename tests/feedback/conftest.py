import datetime

import pytest
from django.utils import timezone

from clinics.models import AppointmentStatus
from mdt.models import Attendance, MeetingStatus
from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot
from tests.mdt.factories import MeetingFactory


@pytest.fixture(autouse=True)
def _empty_throttle():
    # The rate limit counts in the cache, which outlives a test's transaction.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def attended_appointment(practice, child, *, days_ago=1, status=AppointmentStatus.ATTENDED):
    session = ClinicSessionFactory(
        host_practice=practice, date=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return AppointmentFactory(slot=free_slot(session), child=child, status=status)


@pytest.fixture
def appointment(practice, child):
    return attended_appointment(practice, child)


def finished_meeting(hub, *attendees, days_ago=3, apologies=()):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = MeetingFactory(
        hub=hub, starts_at=when, status=MeetingStatus.FINISHED, finished_at=when
    )
    for person in attendees:
        Attendance.objects.create(meeting=meeting, person=person, present=True)
    for person in apologies:
        Attendance.objects.create(meeting=meeting, person=person, present=False)
    return meeting
