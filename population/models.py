from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone

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


SAFEGUARDING_FLAGS = frozenset({Flag.CHILD_PROTECTION_PLAN, Flag.LOOKED_AFTER})


class ChildQuerySet(models.QuerySet):
    def visible_to(self, user, action="child.view"):
        """The children whose records ``user`` may open: registered at a practice of their hubs."""
        return self.filter(practice__hub_id__in=hub_ids(user, action))

    def registered_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(registered_on__lte=day), Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=day)
        )


class Child(models.Model):
    """A child on a hub practice's register, from the population extract."""

    nhs_number = models.CharField("NHS number", max_length=10, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    postcode = models.CharField(max_length=8, blank=True)
    imd_decile = models.PositiveSmallIntegerField("IMD decile", null=True, blank=True)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="children")
    registered_on = models.DateField()
    deregistered_on = models.DateField(null=True, blank=True)
    conditions = ArrayField(
        models.CharField(max_length=18), default=list, blank=True, help_text="SNOMED CT concept ids"
    )
    flags = ArrayField(
        models.CharField(max_length=30, choices=Flag.choices), default=list, blank=True
    )
    asthma_plan_reviewed_on = models.DateField(null=True, blank=True)
    segment = models.PositiveSmallIntegerField(default=1, db_index=True)
    segment_reasons = ArrayField(models.CharField(max_length=200), default=list, blank=True)

    objects = ChildQuerySet.as_manager()

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

    @property
    def formatted_nhs_number(self):
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}"

    @property
    def hub_id(self):
        return self.practice.hub_id

    def age_on(self, day=None):
        day = day or timezone.localdate()
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def has_safeguarding_flag(self):
        return bool(SAFEGUARDING_FLAGS & set(self.flags))
