"""A person's CPD record: the MDT meetings they attended, the outreach clinic sessions they
staffed and the teaching they recorded, each with hours, and the certificate for appraisal."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from clinics.models import ClinicSession, SessionStatus
from learning.queries import own_teaching
from mdt.models import Attendance, MeetingStatus

# An MDT meeting counts from its start to its finish as the chair recorded them; when those
# are missing or implausible (the chair finished it the next day), the usual hour.
STANDARD_MDT_HOURS = Decimal("1")
LONGEST_MDT = datetime.timedelta(hours=4)
QUARTER = Decimal("0.25")


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # "mdt", "clinic" or "teaching"
    activity: str
    hub: str
    hours: Decimal
    teaching_pk: int | None = None  # so the owner can remove an entry they recorded


@dataclass(frozen=True)
class Record:
    date_from: datetime.date
    date_to: datetime.date
    mdt: list
    clinics: list
    teaching: list

    @property
    def entries(self):
        return sorted(self.mdt + self.clinics + self.teaching, key=lambda e: (e.date, e.kind))

    @staticmethod
    def _sum(entries):
        return plain(sum((e.hours for e in entries), Decimal("0")))

    @property
    def mdt_hours(self):
        return self._sum(self.mdt)

    @property
    def clinic_hours(self):
        return self._sum(self.clinics)

    @property
    def teaching_hours(self):
        return self._sum(self.teaching)

    @property
    def total_hours(self):
        return plain(self.mdt_hours + self.clinic_hours + self.teaching_hours)


def plain(hours):
    """Hours as people write them: 2, 1.5, 1.25 (never 1.50 or 1E+1)."""
    return hours.quantize(Decimal(1)) if hours == hours.to_integral() else hours.normalize()


def quarter_hours(delta):
    """A duration in hours, to the nearest quarter hour."""
    hours = Decimal(delta.total_seconds()) / Decimal(3600)
    return plain((hours / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * QUARTER)


def mdt_hours(meeting):
    if meeting.started_at and meeting.finished_at:
        length = meeting.finished_at - meeting.started_at
        if datetime.timedelta(0) < length <= LONGEST_MDT:
            return max(quarter_hours(length), QUARTER)
    return STANDARD_MDT_HOURS


def _clinic_hours(session):
    day = datetime.date(2000, 1, 1)
    return quarter_hours(
        datetime.datetime.combine(day, session.end_time)
        - datetime.datetime.combine(day, session.start_time)
    )


def record(person, date_from, date_to):
    """The person's CPD between two dates (inclusive, London dates), in three queries."""
    today = timezone.localdate()
    attendances = (
        Attendance.objects.filter(
            person_id=person.pk,
            present=True,
            meeting__status__in=(MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED),
            meeting__starts_at__date__gte=date_from,
            meeting__starts_at__date__lte=date_to,
        )
        .select_related("meeting", "meeting__hub")
        .order_by("meeting__starts_at")
    )
    sessions = (
        ClinicSession.objects.filter(
            clinicians=person.pk,
            status=SessionStatus.SCHEDULED,
            date__gte=date_from,
            date__lte=min(date_to, today),
        )
        .select_related("hub", "host_practice")
        .order_by("date", "start_time")
    )
    teaching = (
        own_teaching(person)
        .filter(date__gte=date_from, date__lte=date_to)
        .select_related("hub")
        .order_by("date", "id")
    )
    return Record(
        date_from=date_from,
        date_to=date_to,
        mdt=[
            Entry(
                date=timezone.localtime(a.meeting.starts_at).date(),
                kind="mdt",
                activity="MDT meeting",
                hub=a.meeting.hub.name,
                hours=mdt_hours(a.meeting),
            )
            for a in attendances
        ],
        clinics=[
            Entry(
                date=s.date,
                kind="clinic",
                activity=f"Outreach clinic session at {s.host_practice.name}",
                hub=s.hub.name,
                hours=_clinic_hours(s),
            )
            for s in sessions
        ],
        teaching=[
            Entry(
                date=t.date,
                kind="teaching",
                activity=f"Teaching ({t.get_role_display().lower()}): {t.title}",
                hub=t.hub.name,
                hours=plain(t.hours),
                teaching_pk=t.pk,
            )
            for t in teaching
        ],
    )


def certificate_pdf(person, cpd):
    """The appraisal certificate of ``cpd`` (a Record of ``person``) as PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(
        "learning/certificate.html",
        {"person": person, "record": cpd, "printed_at": timezone.localtime()},
    )
    return HTML(string=html).write_pdf()
