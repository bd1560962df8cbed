from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from evaluation.definitions import HOSPITAL_ACTIVITIES
from hubs import access
from hubs.models import Hub, Practice


class HospitalActivity(models.Model):
    """Aggregate hospital episode counts for one practice's children in one calendar month."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    activity = models.CharField(max_length=30, choices=HOSPITAL_ACTIVITIES)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "hospital activity"
        ordering = ["-month", "practice__name", "activity"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "month", "activity"], name="hospital_activity_natural_key"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="hospital_activity_month_start"),
        ]

    def __str__(self):
        return f"{self.practice.ods_code} {self.month:%Y-%m} {self.activity}: {self.count}"


class Tariff(models.Model):
    """What one hospital activity costs from a date on: the national default (no hub), or a
    hub's own price. The report values activity at the tariff in effect on its last day."""

    activity = models.CharField(max_length=30, choices=HOSPITAL_ACTIVITIES)
    valid_from = models.DateField(help_text="The first day this price applies.")
    price_gbp = models.PositiveIntegerField("price (£)", help_text="Whole pounds per unit.")
    hub = models.ForeignKey(
        Hub,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tariffs",
        help_text="Empty for the national default every hub uses unless it has its own price.",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the price comes from, e.g. a contract."
    )

    class Meta:
        ordering = ["activity", "hub__name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "valid_from"],
                condition=Q(hub__isnull=True),
                name="one_national_tariff_per_day",
            ),
            models.UniqueConstraint(
                fields=["hub", "activity", "valid_from"], name="one_hub_tariff_per_day"
            ),
        ]

    def __str__(self):
        whose = self.hub.code if self.hub_id else "national"
        return f"{self.get_activity_display()} from {self.valid_from}, {whose}: £{self.price_gbp}"


class HubCost(models.Model):
    """What running a hub costs in a financial year: per clinic session and per year."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="running_costs")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts: 2025 means April 2025 to March 2026."
    )
    clinic_session_gbp = models.PositiveIntegerField(
        "cost of an outreach clinic session (£)", null=True, blank=True
    )
    yearly_gbp = models.PositiveIntegerField(
        "other running costs in the year (£)",
        null=True,
        blank=True,
        help_text="Coordination, MDT time, rooms: counted pro rata by whole months.",
    )

    class Meta:
        verbose_name = "hub running cost"
        ordering = ["hub__name", "-financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "financial_year"], name="hub_cost_per_year"),
        ]

    def __str__(self):
        return f"{self.hub.code} {self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class EvaluationReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports all of whose hubs the user may see reports of."""
        allowed = access.hub_ids(user, "report.view")
        return (
            self.exclude(hubs__in=Hub.objects.exclude(id__in=allowed))
            .filter(hubs__in=allowed)
            .distinct()
        )


class EvaluationReport(models.Model):
    """One build of the evaluation measures for some hubs and a period, kept to download again."""

    hubs = models.ManyToManyField(Hub, related_name="evaluation_reports")
    period_from = models.DateField()
    period_to = models.DateField()
    baseline_from = models.DateField()
    baseline_to = models.DateField()
    suppressed = models.BooleanField(
        default=True, help_text="Hide small numbers for everyone who opens this report."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="queued")
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The build now running holds the report until lease_until, and renews that while it
    # computes (evaluation.services.build): a second build leaves the report alone, and a
    # build whose worker died lets its lease run out for the sweep.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    # Set on the scheduled monthly reports so that each is built once.
    schedule_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    objects = EvaluationReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="report_period_order"
            ),
        ]

    def __str__(self):
        return f"Evaluation {self.period_from} to {self.period_to}"

    def suppressed_for(self, user):
        """Unsuppressed only for those who may see identifiable figures of every hub in it."""
        if self.suppressed:
            return True
        hub_ids = {hub.pk for hub in self.hubs.all()}
        return not hub_ids <= access.hub_ids(user, "report.identifiable")
