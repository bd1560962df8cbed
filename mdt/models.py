"""MDT meetings, the cases discussed at them, who attended, and the actions agreed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cc4c import formatting
from hubs.models import Hub
from population.models import Child


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    AGENDA_SENT = "agenda_sent", "Agenda sent"
    IN_PROGRESS = "in_progress", "In progress"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


# Meetings that can still take cases.
OPEN_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_SENT)


class Outcome(models.TextChoices):
    PRIMARY_CARE_ADVICE = "primary_care_advice", "Advice given, care stays in primary care"
    OUTREACH_CLINIC = "outreach_clinic", "Outreach clinic appointment"
    NAMED_PROFESSIONAL = "named_professional", "Referral to a named professional or service"
    OTHER = "other", "Other"


class ReferrerRole(models.TextChoices):
    GP = "gp", "GP"
    PRACTICE_NURSE = "practice_nurse", "Practice nurse"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PAEDIATRICIAN = "paediatrician", "Paediatrician"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    APP = "app", "Put forward in this service"
    IMPORT = "import", "Imported from a past case list"


class Meeting(models.Model):
    """One MDT meeting of a hub: its agenda of cases, attendance and actions."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="mdt_meetings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_mdt_meetings",
    )
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mdt_invitations"
    )
    agenda_sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["hub", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="mdt_meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.AGENDA_SENT) | Q(agenda_sent_at__isnull=False),
                name="mdt_meeting_agenda_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.FINISHED) | Q(finished_at__isnull=False),
                name="mdt_meeting_finished_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="mdt_meeting_cancelled_has_time",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"MDT meeting {formatting.when(local)}, {self.hub.code}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self):
        return self.status == MeetingStatus.FINISHED

    @property
    def where(self):
        return self.place or ("Video call" if self.video_link else "Not set")


class CaseDiscussion(models.Model):
    """A child put forward to an MDT meeting, and what the meeting decided."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="cases")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="mdt_cases")
    put_forward_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mdt_cases_put_forward",
    )
    referrer_role = models.CharField(max_length=20, choices=ReferrerRole.choices, blank=True)
    referred_on = models.DateField(default=timezone.localdate)
    clinical_question = models.TextField(
        blank=True, help_text="What do you want the meeting to answer?"
    )
    background = models.TextField(blank=True)
    tried = models.TextField("what has been tried", blank=True)
    involved = models.TextField("who is involved", blank=True)
    consent_recorded = models.BooleanField("consent to discussion recorded", default=False)
    agenda_order = models.PositiveSmallIntegerField(default=0)
    discussed = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    named_professional = models.CharField(
        max_length=200, blank=True, help_text="Who or which service, for a named referral."
    )
    plan = models.TextField(blank=True)
    learning_points = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.APP)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__starts_at", "agenda_order", "id"]
        indexes = [models.Index(fields=["meeting", "agenda_order"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "child"], name="mdt_case_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                name="mdt_case_outcome_valid",
            ),
            # A case is discussed exactly when it has an outcome.
            models.CheckConstraint(
                condition=Q(discussed=False, outcome="") | (Q(discussed=True) & ~Q(outcome="")),
                name="mdt_case_discussed_has_outcome",
            ),
            # Imported history may lack these; cases put forward here may not.
            models.CheckConstraint(
                condition=Q(source=Source.IMPORT) | ~Q(clinical_question=""),
                name="mdt_case_has_clinical_question",
            ),
            models.CheckConstraint(
                condition=Q(source=Source.IMPORT) | Q(consent_recorded=True),
                name="mdt_case_has_consent",
            ),
            models.CheckConstraint(
                condition=Q(source=Source.IMPORT)
                | ~Q(outcome=Outcome.NAMED_PROFESSIONAL)
                | ~Q(named_professional=""),
                name="mdt_case_named_referral_names_someone",
            ),
        ]

    def __str__(self):
        return f"Case {self.pk} at {self.meeting}"


class Attendance(models.Model):
    """Who was at a meeting: a person with a login, or a guest named in free text."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mdt_attendances",
    )
    name = models.CharField(max_length=200, blank=True)
    profession = models.CharField(max_length=100, blank=True)
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="mdt_attendance_names_someone",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="mdt_attendance_person_once",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.person.display_name if self.person_id else self.name


class Action(models.Model):
    """Something a named person agreed to do at a meeting, by a date, about a case or not."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    case = models.ForeignKey(
        CaseDiscussion, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mdt_actions"
    )
    description = models.TextField()
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at"]), models.Index(fields=["due_on"])]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="mdt_action_described"),
        ]

    def __str__(self):
        return f"Action {self.pk} due {formatting.day(self.due_on)}"

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_on < timezone.localdate()


class ActionReminder(models.Model):
    """An overdue action's reminder, claimed before it is sent so it goes out once."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Reminder for action {self.action_id}"
