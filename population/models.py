from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cc4c import formatting
from hubs.access import hub_ids
from hubs.models import Practice


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Flag(models.TextChoices):
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    LOOKED_AFTER = "looked_after", "Looked after"
    SEND_EHCP = "send_ehcp", "SEND / EHCP"
    YOUNG_CARER = "young_carer", "Young carer"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    TECHNOLOGY_DEPENDENT = "technology_dependent", "Technology dependent"
    ACUTE_ILLNESS_RECENT = "acute_illness_recent", "Mild or moderate acute illness (90 days)"
    ACUTE_SEVERE_RECENT = "acute_severe_recent", "Severe acute illness or admission (90 days)"


class EthnicCategory(models.TextChoices):
    """The NHS ethnic category codes (NHS Data Dictionary, ETHNIC CATEGORY)."""

    WHITE_BRITISH = "A", "White: British"
    WHITE_IRISH = "B", "White: Irish"
    WHITE_OTHER = "C", "White: any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "D", "Mixed: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "E", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "F", "Mixed: White and Asian"
    MIXED_OTHER = "G", "Mixed: any other mixed background"
    INDIAN = "H", "Asian or Asian British: Indian"
    PAKISTANI = "J", "Asian or Asian British: Pakistani"
    BANGLADESHI = "K", "Asian or Asian British: Bangladeshi"
    ASIAN_OTHER = "L", "Asian or Asian British: any other Asian background"
    CARIBBEAN = "M", "Black or Black British: Caribbean"
    AFRICAN = "N", "Black or Black British: African"
    BLACK_OTHER = "P", "Black or Black British: any other Black background"
    CHINESE = "R", "Other ethnic groups: Chinese"
    OTHER = "S", "Other ethnic groups: any other ethnic group"
    NOT_STATED = "Z", "Not stated"


# The five groups of the categories (and "not stated"), as equity breakdowns show them.
ETHNIC_GROUPS = [
    ("White", "ABC"),
    ("Mixed", "DEFG"),
    ("Asian or Asian British", "HJKL"),
    ("Black or Black British", "MNP"),
    ("Other ethnic groups", "RS"),
    ("Not stated", "Z"),
]

SAFEGUARDING_FLAGS = frozenset({Flag.CHILD_PROTECTION_PLAN, Flag.LOOKED_AFTER})
NHS_NUMBER_LENGTH = 10


class ChildQuerySet(models.QuerySet):
    def visible_to(self, user, action="child.view"):
        """The children whose records ``user`` may open: registered at a practice of their hubs."""
        return self.filter(practice__hub_id__in=hub_ids(user, action))

    def registered_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(registered_on__lte=day), Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=day)
        )

    def search(self, text, *, browse=True):
        """The children a search finds; every child search of the service uses this one rule.

        Digits (spaces allowed, as in ``943 476 5919``) are an NHS number, whole or its first
        digits; anything else is parts of a name, each in the given or family name (any case).
        ``browse=False`` is for people who may not look through the children: only a whole NHS
        number finds one. An empty search keeps every child.
        """
        text = (text or "").strip()
        if not text:
            return self
        digits = "".join(text.split())
        if digits.isascii() and digits.isdigit():
            if len(digits) == NHS_NUMBER_LENGTH:
                return self.filter(nhs_number=digits)
            return self.filter(nhs_number__startswith=digits) if browse else self.none()
        if not browse:
            return self.none()
        found = self
        for part in text.split():
            found = found.filter(Q(given_name__icontains=part) | Q(family_name__icontains=part))
        return found


class Child(models.Model):
    """A child on a hub practice's register, from the population extract."""

    nhs_number = models.CharField("NHS number", max_length=10, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    postcode = models.CharField(max_length=8, blank=True)
    imd_decile = models.PositiveSmallIntegerField("IMD decile", null=True, blank=True)
    ethnic_category = models.CharField(
        max_length=1, choices=EthnicCategory.choices, blank=True, help_text="Where recorded"
    )
    # Looked up by practice through the (practice, segment) index: no index of its own.
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="children", db_index=False
    )
    registered_on = models.DateField()
    deregistered_on = models.DateField(null=True, blank=True)
    conditions = ArrayField(
        models.CharField(max_length=18), default=list, blank=True, help_text="SNOMED CT concept ids"
    )
    flags = ArrayField(
        models.CharField(max_length=30, choices=Flag.choices), default=list, blank=True
    )
    asthma_plan_reviewed_on = models.DateField(null=True, blank=True)
    segment = models.PositiveSmallIntegerField(default=1)
    segment_reasons = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # The digest of the children import's line this record was last written from, so that an
    # unchanged line is set aside unread (cc4c.imports.sql.set_aside_unchanged). A trigger
    # (migration 0011) clears it whenever anything else changes a field the file gives, or
    # the code of the child's practice.
    import_digest = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = ChildQuerySet.as_manager()
    # History is read per child (its id is indexed); indexes on its other columns would only
    # slow every bulk import down.
    history = HistoricalRecords(
        excluded_fields=["segment", "segment_reasons", "import_digest"],
        no_db_index=["nhs_number", "practice"],
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["practice", "segment"]),
            models.Index(fields=["family_name", "given_name"]),
            GinIndex(fields=["conditions"], name="child_conditions_gin"),
            GinIndex(fields=["flags"], name="child_flags_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nhs_number__regex=r"^[0-9]{10}$"), name="child_nhs_number_digits"
            ),
            models.CheckConstraint(
                condition=Q(deregistered_on__isnull=True)
                | Q(deregistered_on__gte=models.F("registered_on")),
                name="child_deregistered_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__gte=1, imd_decile__lte=10),
                name="child_imd_decile_range",
            ),
            models.CheckConstraint(condition=Q(segment__gte=1), name="child_segment_positive"),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    def get_absolute_url(self):
        return reverse("population:child", args=[self.pk])

    @property
    def formatted_nhs_number(self):
        return formatting.nhs_number(self.nhs_number)

    @property
    def hub_id(self):
        return self.practice.hub_id

    def age_on(self, day=None):
        day = day or timezone.localdate()
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    def age_text(self, day=None):
        """The age as a clinician says it: weeks under a month, months under two, then years."""
        day = day or timezone.localdate()
        months = (day.year - self.date_of_birth.year) * 12 + day.month - self.date_of_birth.month
        if day.day < self.date_of_birth.day:
            months -= 1
        if months < 1:
            weeks = max(0, (day - self.date_of_birth).days // 7)
            return f"{weeks} week{'' if weeks == 1 else 's'}"
        if months < 24:
            return f"{months} month{'' if months == 1 else 's'}"
        return f"{self.age_on(day)} years"

    @property
    def has_safeguarding_flag(self):
        return bool(SAFEGUARDING_FLAGS & set(self.flags))


# Segmentation as data (docs/population-framework.md): coordinators edit segments, value sets and
# rules in the admin site; population.segmentation turns them into each child's segment.

SEGMENT_COUNT = 8


class Segment(models.Model):
    """One of the eight segments of need. Names are for staff, never for families."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=SEGMENT_COUNT), name="segment_number_1_to_8"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ValueSetKind(models.TextChoices):
    LONG_TERM = "long_term", "long-term condition"
    COMPLEX = "complex", "complex health need"
    # A programme's register only: segmentation does not count it.
    REGISTER = "register", "programme register"


class ValueSet(models.Model):
    """A named list of SNOMED CT concept ids; a child matches it when any condition is listed."""

    name = models.SlugField(max_length=50, unique=True, help_text="e.g. asthma, type_1_diabetes")
    title = models.CharField(max_length=100, help_text="As staff read it, e.g. Asthma")
    kind = models.CharField(max_length=20, choices=ValueSetKind.choices)
    codes = ArrayField(
        models.CharField(max_length=18), help_text="SNOMED CT concept ids, comma separated"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(codes=[]), name="value_set_has_codes"),
        ]

    def __str__(self):
        return self.title

    @property
    def reason(self):
        """How a match reads as a reason for a segment: "Asthma (long-term condition)"."""
        return f"{self.title} ({self.get_kind_display()})"


class HospitalEventKind(models.TextChoices):
    ED = "ed_attendance", "Emergency department attendance"
    ADMISSION = "admission", "Admission"
    OUTPATIENT_NEW = "outpatient_new", "Outpatient appointment (new)"
    OUTPATIENT_FOLLOW_UP = "outpatient_follow_up", "Outpatient appointment (follow-up)"
    NOT_BROUGHT = "did_not_attend", "Outpatient appointment not attended"


# How a segment reason counts them: "2 or more emergency department attendances".
HOSPITAL_EVENTS_PLURAL = {
    HospitalEventKind.ED: "emergency department attendances",
    HospitalEventKind.ADMISSION: "admissions",
    HospitalEventKind.OUTPATIENT_NEW: "new outpatient appointments",
    HospitalEventKind.OUTPATIENT_FOLLOW_UP: "outpatient follow-up appointments",
    HospitalEventKind.NOT_BROUGHT: "outpatient appointments not attended",
}


class RuleCondition(models.TextChoices):
    VALUE_SET = "value_set", "matches value set"
    FLAG = "flag", "has flag"
    EXACTLY_LONG_TERM = "exactly_long_term", "matches exactly K long-term value sets"
    AT_LEAST_LONG_TERM = "at_least_long_term", "matches at least K long-term value sets"
    HOSPITAL_EVENTS = (
        "hospital_events",
        "has at least K hospital events of a kind in N days (with a diagnosis in a value set)",
    )


COUNT_CONDITIONS = (RuleCondition.EXACTLY_LONG_TERM, RuleCondition.AT_LEAST_LONG_TERM)


class SegmentRule(models.Model):
    """A child who meets this rule's one condition is at least in its segment."""

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="rules")
    condition = models.CharField(max_length=30, choices=RuleCondition.choices)
    value_set = models.ForeignKey(
        ValueSet, null=True, blank=True, on_delete=models.PROTECT, related_name="rules"
    )
    flag = models.CharField(max_length=30, choices=Flag.choices, blank=True)
    count = models.PositiveSmallIntegerField(
        "K",
        null=True,
        blank=True,
        help_text="For the long-term value set counts, and the number of hospital events.",
    )
    hospital_kind = models.CharField(
        "hospital event", max_length=24, choices=HospitalEventKind.choices, blank=True
    )
    within_days = models.PositiveSmallIntegerField(
        "N days",
        null=True,
        blank=True,
        help_text="For hospital events: in the last N days (365 for a year).",
    )

    class Meta:
        ordering = ["-segment__number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(condition="value_set", value_set__isnull=False, flag="", count__isnull=True)
                    | Q(condition="flag", value_set__isnull=True, count__isnull=True) & ~Q(flag="")
                    | Q(
                        condition__in=["exactly_long_term", "at_least_long_term"],
                        value_set__isnull=True,
                        flag="",
                        count__isnull=False,
                    )
                    | Q(
                        condition="hospital_events",
                        flag="",
                        count__gte=1,
                        within_days__gte=1,
                    )
                    & ~Q(hospital_kind="")
                ),
                name="segment_rule_one_condition",
            ),
        ]

    def __str__(self):
        return f"Segment {self.segment.number}: {self.describe()}"

    def describe(self):
        if self.condition == RuleCondition.VALUE_SET:
            return f"matches value set {self.value_set}"
        if self.condition == RuleCondition.FLAG:
            return f"has flag {Flag(self.flag).label}"
        if self.condition == RuleCondition.EXACTLY_LONG_TERM:
            return f"matches exactly {self.count} long-term value sets"
        if self.condition == RuleCondition.HOSPITAL_EVENTS:
            return f"has {self.hospital_reason()}"
        return f"matches at least {self.count} long-term value sets"

    def hospital_reason(self):
        """ "2 or more admissions with Asthma in 365 days", as segmentation writes it."""
        events = HOSPITAL_EVENTS_PLURAL.get(self.hospital_kind, self.hospital_kind)
        with_diagnosis = f" with {self.value_set.title}" if self.value_set_id else ""
        return f"{self.count} or more {events}{with_diagnosis} in {self.within_days} days"

    def clean(self):
        errors = {}
        if self.condition == RuleCondition.VALUE_SET and not self.value_set_id:
            errors["value_set"] = "Choose the value set this rule matches."
        if self.condition == RuleCondition.FLAG and not self.flag:
            errors["flag"] = "Choose the flag this rule matches."
        if self.condition in COUNT_CONDITIONS and self.count is None:
            errors["count"] = "Give K, the number of long-term value sets."
        if self.condition == RuleCondition.HOSPITAL_EVENTS:
            if not self.hospital_kind:
                errors["hospital_kind"] = "Choose the kind of hospital event this rule counts."
            if not self.count:
                errors["count"] = "Give K, the number of hospital events (1 or more)."
            if not self.within_days:
                errors["within_days"] = "Give N, the number of days back (365 for a year)."
        if errors:
            raise ValidationError(errors)
        # Keep only the fields the chosen condition uses.
        if self.condition != RuleCondition.HOSPITAL_EVENTS:
            self.hospital_kind = ""
            self.within_days = None
        if self.condition not in (RuleCondition.VALUE_SET, RuleCondition.HOSPITAL_EVENTS):
            self.value_set = None
        if self.condition != RuleCondition.FLAG:
            self.flag = ""
        if self.condition not in (
            RuleCondition.EXACTLY_LONG_TERM,
            RuleCondition.AT_LEAST_LONG_TERM,
            RuleCondition.HOSPITAL_EVENTS,
        ):
            self.count = None


class SegmentSnapshot(models.Model):
    """A child's segment at a month end, kept so a hub sees movement between segments."""

    month_end = models.DateField()
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="snapshots")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    segment = models.PositiveSmallIntegerField()
    on_asthma_register = models.BooleanField(default=False)
    asthma_plan_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-month_end"]
        constraints = [
            models.UniqueConstraint(fields=["child", "month_end"], name="snapshot_child_month"),
        ]
        indexes = [models.Index(fields=["month_end", "practice"])]

    def __str__(self):
        return f"{formatting.day(self.month_end)}: child {self.child_id} in segment {self.segment}"


# Programmes, care events, exclusions and hospital events (population/programmes/models.py).
from population.programmes.models import (  # noqa: E402, F401
    CareEvent,
    CareProcess,
    Exclusion,
    HospitalEvent,
    Programme,
    ProgrammeSnapshot,
)
