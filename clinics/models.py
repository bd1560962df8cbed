"""Joint outreach clinics: sessions in GP surgeries, their slots, the waiting list,
appointments, and the follow-up every "not brought" appointment needs."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cc4c import formatting
from hubs.access import hub_ids
from hubs.models import Hub, Person, Practice
from population.models import Child


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Priority(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class ReferralSource(models.TextChoices):
    GP = "gp", "GP"
    MDT = "mdt", "MDT outcome"
    ADVICE = "advice", "Advice line answer"


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    CLOSED = "closed", "Closed"


class OffListReason(models.TextChoices):
    """Why a child was taken off the waiting list without an appointment."""

    NOT_NEEDED = "not_needed", "No longer needed: the problem has resolved or is managed"
    SEEN_ELSEWHERE = "seen_elsewhere", "Seen or being seen by another service"
    MOVED = "moved", "Moved away or left the practice"
    DECLINED = "declined", "The family declined an appointment"
    IN_ERROR = "in_error", "Put on the list in error"
    OTHER = "other", "Another reason (say which)"


class AppointmentType(models.TextChoices):
    NEW = "new", "New"
    FOLLOW_UP = "follow_up", "Follow-up"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    NOT_BROUGHT = "not_brought", "Not brought"
    CANCELLED_BY_FAMILY = "cancelled_by_family", "Cancelled by the family"
    CANCELLED_BY_CLINIC = "cancelled_by_clinic", "Cancelled by the clinic"


CANCELLED_STATUSES = (AppointmentStatus.CANCELLED_BY_FAMILY, AppointmentStatus.CANCELLED_BY_CLINIC)


class Outcome(models.TextChoices):
    DISCHARGED = "discharged_to_primary_care", "Discharged to primary care"
    HUB_FOLLOW_UP = "hub_follow_up", "Follow-up in the hub"
    HOSPITAL_REFERRAL = "hospital_referral", "Referred to hospital"


class Decision(models.TextChoices):
    REBOOKED = "rebooked", "Rebooked"
    FAMILY_CONTACTED = "family_contacted", "Family contacted, wants a new appointment"
    SAFEGUARDING_CONCERN_RAISED = "safeguarding_concern_raised", "Safeguarding concern raised"
    DISCHARGED_WITH_REASON = "discharged_with_reason", "Discharged, with the reason recorded"


class ClinicSessionQuerySet(models.QuerySet):
    def visible_to(self, user, action="clinic.view"):
        return self.filter(hub_id__in=hub_ids(user, action))


class ClinicSession(models.Model):
    """One joint clinic in a hub practice: a paediatrician and a GP seeing children together."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="clinic_sessions")
    date = models.DateField()
    host_practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    clinicians = models.ManyToManyField(Person, blank=True, related_name="clinic_sessions")
    start_time = models.TimeField()
    end_time = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField("slot length (minutes)", default=20)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClinicSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = "outreach clinic session"
        indexes = [models.Index(fields=["hub", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="session_slot_length_range",
            ),
        ]

    def __str__(self):
        return f"{formatting.weekday(self.date)} at {self.host_practice.name}"

    def clean(self):
        if self.host_practice_id and self.hub_id and self.host_practice.hub_id != self.hub_id:
            raise ValidationError({"host_practice": "Choose one of this hub's practices."})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The session must end after it starts."})

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED

    @property
    def ends_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))

    def is_over(self, now=None):
        """Has the session ended? No one can be booked into it, and it cannot be cancelled."""
        return (now or timezone.now()) >= self.ends_at

    def attendance_open(self, today=None):
        """Attended and not brought are recorded from the session's day, never before."""
        return self.date <= (today or timezone.localdate())

    @property
    def is_bookable(self):
        return not self.is_cancelled and not self.is_over()

    @property
    def state_label(self):
        """What the session is now: Scheduled, Cancelled, or once over, Held, or Outcomes not
        recorded while any appointment has no attendance recorded. Lists annotate
        ``unrecorded_count``; otherwise it is counted here."""
        if self.is_cancelled:
            return "Cancelled"
        if not self.is_over():
            return "Scheduled"
        unrecorded = getattr(self, "unrecorded_count", None)
        if unrecorded is None:
            unrecorded = Appointment.objects.filter(
                slot__session=self, status=AppointmentStatus.BOOKED
            ).count()
        return "Outcomes not recorded" if unrecorded else "Held"

    def slot_times(self):
        """The start time of every whole slot between start and end."""
        day = datetime.date(2000, 1, 1)
        at = datetime.datetime.combine(day, self.start_time)
        end = datetime.datetime.combine(day, self.end_time)
        step = datetime.timedelta(minutes=self.slot_minutes)
        times = []
        while at + step <= end:
            times.append(at.time())
            at += step
        return times


class Slot(models.Model):
    session = models.ForeignKey(ClinicSession, on_delete=models.CASCADE, related_name="slots")
    start_time = models.TimeField()

    class Meta:
        ordering = ["session", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start_time"], name="slot_unique_time"),
        ]

    def __str__(self):
        return f"{formatting.clock(self.start_time)}, {self.session}"

    @property
    def starts_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.session.date, self.start_time))


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user, action="clinic.view"):
        return self.filter(hub_id__in=hub_ids(user, action))


class Referral(models.Model):
    """A child on the hub clinic's waiting list."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="clinic_referrals")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="clinic_referrals")
    referral_date = models.DateField(default=timezone.localdate)
    reason = models.TextField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    source = models.CharField(
        max_length=10, choices=ReferralSource.choices, default=ReferralSource.GP
    )
    referred_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    off_list_reason = models.CharField(
        "reason taken off the list", max_length=20, choices=OffListReason.choices, blank=True
    )
    off_list_note = models.TextField("note", blank=True)
    off_list_at = models.DateTimeField("taken off the list", null=True, blank=True)
    off_list_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["referral_date", "id"]
        indexes = [models.Index(fields=["hub", "status", "referral_date"])]

    def __str__(self):
        return f"Referral {self.pk} of {formatting.day(self.referral_date)}"

    def waiting_weeks(self, on=None):
        return ((on or timezone.localdate()) - self.referral_date).days // 7


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user, action="clinic.view"):
        return self.filter(slot__session__hub_id__in=hub_ids(user, action))

    def live(self):
        return self.exclude(status__in=CANCELLED_STATUSES)


class Appointment(models.Model):
    """A child in a slot. A slot holds at most one live (not cancelled) appointment."""

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="clinic_appointments")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    type = models.CharField(
        max_length=10, choices=AppointmentType.choices, default=AppointmentType.NEW
    )
    referral_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was cancelled or moved."
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    plan = models.TextField(
        blank=True, db_default="", help_text="The plan agreed, for the letter to the GP."
    )
    follows_up = models.CharField(
        "who follows up",
        max_length=200,
        blank=True,
        db_default="",
        help_text="Who sees the child next; empty, the letter says it from the outcome.",
    )
    booked_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["slot__session__date", "slot__start_time"]
        indexes = [models.Index(fields=["child", "status"])]
        constraints = [
            # Two coordinators booking one slot at once: the database lets only one win.
            models.UniqueConstraint(
                fields=["slot"],
                condition=~Q(status__in=CANCELLED_STATUSES),
                name="appointment_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status=AppointmentStatus.ATTENDED),
                name="appointment_outcome_only_when_attended",
            ),
        ]

    def __str__(self):
        return f"Appointment {self.pk}"

    @property
    def is_live(self):
        return self.status not in CANCELLED_STATUSES

    @property
    def session(self):
        return self.slot.session


class NextStep(models.TextChoices):
    BOOKED = "booked", "Booked into a slot"
    WAITING_LIST = "waiting_list", "Back on the waiting list at the original referral date"


# Decisions after which the child must be somewhere: booked, or back on the waiting list.
NEEDS_NEXT_PLACE = (Decision.REBOOKED, Decision.FAMILY_CONTACTED)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class NotBroughtFollowUpQuerySet(models.QuerySet):
    def visible_to(self, user, action="clinic.view"):
        return self.filter(appointment__slot__session__hub_id__in=hub_ids(user, action))

    def unresolved(self):
        return self.filter(status=FollowUpStatus.OPEN)


class NotBroughtFollowUp(models.Model):
    """Every not-brought appointment needs a recorded decision: a missed appointment for a
    child is a safeguarding signal, not an administrative one."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="follow_up"
    )
    assigned_to = models.ManyToManyField(Person, blank=True, related_name="clinic_follow_ups")
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    opened_at = models.DateTimeField(default=timezone.now)
    escalated = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=200, blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    next_step = models.CharField(max_length=20, choices=NextStep.choices, blank=True)
    next_appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NotBroughtFollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["opened_at"]
        verbose_name = "not-brought follow-up"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.OPEN)
                | (~Q(decision="") & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="follow_up_closed_only_with_decision",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.DISCHARGED_WITH_REASON) | ~Q(decision_note=""),
                name="follow_up_discharge_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(escalated=False) | Q(escalated_at__isnull=False),
                name="follow_up_escalation_has_time",
            ),
        ]

    def __str__(self):
        return f"Not-brought follow-up {self.pk}"

    @property
    def is_open(self):
        return self.status == FollowUpStatus.OPEN


class FollowUpReminder(models.Model):
    """A reminder that was sent: claimed before sending, so each is sent once."""

    follow_up = models.ForeignKey(
        NotBroughtFollowUp, on_delete=models.CASCADE, related_name="reminders"
    )
    number = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["follow_up", "number"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "number"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return f"Reminder {self.number} for follow-up {self.follow_up_id}"
