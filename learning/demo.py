"""Demo learning library and CPD: published lessons from each hub's finished MDT meetings, one
waiting for the chair, and teaching recorded by the hub's paediatricians and GPs."""

import datetime
from decimal import Decimal

from django.utils import timezone

from hubs.models import Membership, Role
from learning.models import LearningPoint, PointStatus, TeachingRole, TeachingSession, Topic
from mdt.models import Meeting, MeetingStatus
from population.models import Segment

LESSONS = [
    (
        "Check inhaler technique before stepping up",
        Topic.ASTHMA,
        4,
        "Half the children put forward for uncontrolled wheeze were using a spacer wrongly. "
        "A practice nurse review of technique often settles symptoms without a new medicine.",
    ),
    (
        "Macrogol needs enough dose for long enough",
        Topic.CONSTIPATION,
        None,
        "Constipation that seems not to respond has usually had too low a dose or stopped too "
        "soon. Titrate to effect and continue for months after regular soft stools return.",
    ),
    (
        "Emollients in large amounts, steroids in short bursts",
        Topic.SKIN,
        3,
        "Families are often afraid of topical steroids. Explain the fingertip unit and give a "
        "written plan; prescribe 250 to 500 g of emollient a week for a young child.",
    ),
    (
        "Frequent attenders may need a named contact, not more tests",
        Topic.FAMILY_SUPPORT,
        5,
        "Repeated emergency visits for minor fever often reflect worry rather than illness. A "
        "named practice contact and a safety-netting leaflet reduced visits in our hub.",
    ),
    (
        "Ask the health visitor early about faltering growth",
        Topic.FEEDING,
        2,
        "Health visitors already hold weight records and know the family. Asking them before "
        "ordering tests saves weeks and often answers the question.",
    ),
    (
        "Share the MDT summary with school nursing",
        Topic.WORKING_TOGETHER,
        None,
        "Plans for children with long-term conditions work better when the school nurse has "
        "the summary: agree who sends it at the meeting itself.",
    ),
]
TEACHING = [
    ("Wheeze and asthma in under-fives: hub teaching session", TeachingRole.DELIVERED, "1.5"),
    ("Eczema and skin care update for practice nurses", TeachingRole.ATTENDED, "1"),
]


def load(ctx):
    today = timezone.localdate()
    segments = {s.number: s for s in Segment.objects.all()}
    for index, entry in enumerate(ctx.get("hubs", [])):
        hub = entry["hub"]
        if LearningPoint.objects.filter(meeting__hub=hub).exists():
            continue  # already loaded
        meetings = list(
            Meeting.objects.filter(hub=hub, status=MeetingStatus.FINISHED)
            .select_related("chair")
            .order_by("-starts_at")[:4]
        )
        for k, meeting in enumerate(meetings):
            title, topic, segment, text = LESSONS[(index + k) % len(LESSONS)]
            waiting = k == 0 and index == 0  # one for the demo chair to approve
            LearningPoint.objects.create(
                meeting=meeting,
                title=title,
                topic=topic,
                segment=segments.get(segment),
                text=text,
                recorded_by=meeting.chair,
                recorded_at=meeting.finished_at or meeting.starts_at,
                status=PointStatus.AWAITING if waiting else PointStatus.PUBLISHED,
                reviewed_by=None if waiting else meeting.chair,
                reviewed_at=None if waiting else (meeting.finished_at or meeting.starts_at),
            )
        people = (
            Membership.objects.active()
            .filter(hub=hub, role__in=[Role.PAEDIATRICIAN, Role.GP])
            .select_related("person")
            .order_by("id")
        )
        for m in people:
            if TeachingSession.objects.filter(person=m.person, hub=hub).exists():
                continue
            title, role, hours = TEACHING[0 if m.role == Role.PAEDIATRICIAN else 1]
            TeachingSession.objects.create(
                person=m.person,
                hub=hub,
                date=today - datetime.timedelta(days=30 + 7 * index),
                title=title,
                role=role,
                hours=Decimal(hours),
            )
