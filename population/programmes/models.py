"""Population health programmes as data (docs/population-framework.md, "Programmes").

A programme is a register (value sets and an age band, or every child of the age band) with
care processes, each due at an interval or after each event of another process. Care events
say a process was done for a child on a day; exclusions take a child off one process's
worklist for a reason until a day. Coordinators edit programmes and processes in the admin.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hubs.models import Practice
from population.models import Child, HospitalEventKind, ValueSet

MAX_CHILD_AGE = 17


class Programme(models.Model):
    """A population health programme: who is on its register and what care each child is due."""

    key = models.SlugField(max_length=40, unique=True, help_text="e.g. asthma, diabetes")
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    value_sets = models.ManyToManyField(
        ValueSet,
        blank=True,
        related_name="programmes",
        help_text="A child matching any of them is on the register.",
    )
    whole_population = models.BooleanField(
        default=False, help_text="Every child of the age band is on the register."
    )
    min_age = models.PositiveSmallIntegerField("from age", default=0)
    max_age = models.PositiveSmallIntegerField("to age", default=MAX_CHILD_AGE)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age"), max_age__lte=MAX_CHILD_AGE),
                name="programme_age_band",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def age_band(self):
        return f"{self.min_age}–{self.max_age}"


class CareProcess(models.Model):
    """One process of care a programme's children are due: at an interval, or within an
    interval after each event of another process (a review after each crisis contact). A
    process with no interval is only recorded (the crisis contact itself), never due."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="processes")
    key = models.SlugField(max_length=40, help_text="e.g. inhaler_technique")
    title = models.CharField(max_length=100, help_text="As clinicians say it")
    interval_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Due this many days after it was last done (or after the event it follows); "
        "empty: recorded only, never due.",
    )
    after = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followed_by",
        help_text="Due after each event of this process instead of at an interval.",
    )
    codes = ArrayField(
        models.CharField(max_length=18),
        default=list,
        blank=True,
        help_text="SNOMED CT concept ids that record this process as done",
    )
    # The children import's asthma_plan_reviewed_on counts as the asthma plan reviewed.
    reads_asthma_plan_date = models.BooleanField(
        default=False,
        help_text="The children import's asthma_plan_reviewed_on counts as done on that day.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme__order", "order", "id"]
        verbose_name_plural = "care processes"
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="care_process_key"),
            models.CheckConstraint(
                condition=Q(after__isnull=True) | Q(interval_days__isnull=False),
                name="care_process_after_has_interval",
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.title}"

    @property
    def full_key(self):
        """How a care-events file names it: ``asthma.inhaler_technique``."""
        return f"{self.programme.key}.{self.key}"

    @property
    def schedule(self):
        if self.interval_days is None:
            return "recorded only"
        if self.after_id:
            return f"within {self.interval_days} days after each {self.after.title.lower()}"
        return f"every {self.interval_days} days"


class CareEventSource(models.TextChoices):
    IMPORT = "import", "care-events import"
    RECORDED = "recorded", "recorded on the worklist"


class CareEvent(models.Model):
    """A care process done for a child on a day."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_events")
    process = models.ForeignKey(CareProcess, on_delete=models.CASCADE, related_name="events")
    done_on = models.DateField()
    code = models.CharField(max_length=18, blank=True, help_text="The SNOMED CT code, if given")
    source = models.CharField(max_length=10, choices=CareEventSource.choices)
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-done_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "process", "done_on"], name="care_event_child_process_day"
            ),
        ]

    def __str__(self):
        return f"{self.process} done {self.done_on} for child {self.child_id}"


class ExclusionReason(models.TextChoices):
    DECLINED = "declined", "Declined"
    NOT_APPROPRIATE = "not_appropriate", "Not clinically appropriate"
    SPECIALIST = "specialist", "Under specialist care"


class Exclusion(models.Model):
    """A child taken off one care process's worklist for a reason, until a day (inclusive)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="exclusions")
    process = models.ForeignKey(CareProcess, on_delete=models.CASCADE, related_name="exclusions")
    reason = models.CharField(max_length=20, choices=ExclusionReason.choices)
    until = models.DateField(help_text="The exclusion ends after this day")
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-until", "-id"]
        indexes = [models.Index(fields=["child", "process", "until"])]

    def __str__(self):
        return f"{self.get_reason_display()} until {self.until}"


# What counts as hospital use for a worklist's risk order and the hub alert.
UNPLANNED = (HospitalEventKind.ED, HospitalEventKind.ADMISSION)


class HospitalEvent(models.Model):
    """One hospital event of a child (from the hospital-events import)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="hospital_events")
    occurred_on = models.DateField()
    kind = models.CharField(max_length=24, choices=HospitalEventKind.choices)
    diagnosis = models.CharField(
        max_length=18, blank=True, help_text="SNOMED CT concept id or ICD-10 code, where given"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "occurred_on", "kind", "diagnosis"], name="hospital_event_key"
            ),
        ]
        indexes = [models.Index(fields=["occurred_on", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_on}"


class ProgrammeSnapshot(models.Model):
    """A care process's coverage at one practice at a month end, kept for the trend."""

    month_end = models.DateField()
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(CareProcess, on_delete=models.CASCADE, related_name="snapshots")
    eligible = models.PositiveIntegerField(help_text="Register children not excluded")
    in_date = models.PositiveIntegerField()
    excluded = models.PositiveIntegerField()

    class Meta:
        ordering = ["-month_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["month_end", "practice", "process"], name="programme_snapshot_key"
            ),
        ]

    def __str__(self):
        return f"{self.process} on {self.month_end}: {self.in_date} of {self.eligible} in date"
