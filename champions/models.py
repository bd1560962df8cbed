from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cc4c import formatting
from hubs.access import hub_ids
from hubs.models import Practice


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class ActivityType(models.TextChoices):
    PEER_SUPPORT = "peer_support", "Peer support"
    HEALTH_EDUCATION = "health_education", "Health education"
    CO_DESIGN = "co_design", "Co-design"
    WAITING_ROOM = "waiting_room", "Waiting room session"
    COMMUNITY_EVENT = "community_event", "Community event"
    OTHER = "other", "Other"


class CheckKind(models.TextChoices):
    DBS = "dbs", "DBS check"
    OTHER = "other", "Other check"


# Days before expiry that the hub coordinator is first told.
EXPIRY_NOTICE_DAYS = 30


class ChampionQuerySet(models.QuerySet):
    def visible_to(self, user, action="champions.view"):
        """Champions of the practices of the hubs where ``user`` may do ``action``."""
        return self.filter(practice__hub_id__in=hub_ids(user, action))

    def active(self):
        return self.filter(status=Status.ACTIVE)


class Champion(models.Model):
    """A parent or carer who volunteers at one of the hub's practices."""

    champion_ref = models.CharField(
        "champion reference", max_length=40, help_text="The hub's own reference for the champion."
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="champions")
    # Denormalised from the practice so that champion_ref can be unique per hub in the database.
    hub = models.ForeignKey(
        "hubs.Hub", on_delete=models.PROTECT, related_name="champions", editable=False
    )
    start_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    consent_to_contact = models.BooleanField(
        "consents to be contacted",
        default=False,
        help_text="The champion agreed that the hub may contact them about volunteering.",
    )
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="champion",
        help_text="The champion's own sign-in, if they log their activities themselves.",
    )

    objects = ChampionQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "champion_ref"], name="champion_ref_per_hub"),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name} ({self.champion_ref})"

    def save(self, *args, **kwargs):
        if self.practice_id:
            self.hub_id = Practice.objects.values_list("hub_id", flat=True).get(pk=self.practice_id)
        super().save(*args, **kwargs)

    @property
    def name(self):
        return f"{self.given_name} {self.family_name}"


class Expiring(models.Model):
    """A record with an expiry date: a check or a training course."""

    date = models.DateField("date done")
    expires_on = models.DateField(
        null=True, blank=True, help_text="Leave empty if it never expires."
    )

    class Meta:
        abstract = True

    def state(self, today=None):
        """'expired', 'due' (within the notice period), 'ok' or 'no_expiry'."""
        today = today or timezone.localdate()
        if self.expires_on is None:
            return "no_expiry"
        if self.expires_on <= today:
            return "expired"
        if (self.expires_on - today).days <= EXPIRY_NOTICE_DAYS:
            return "due"
        return "ok"


class Check(Expiring):
    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=10, choices=CheckKind.choices, default=CheckKind.DBS)
    description = models.CharField(max_length=200, blank=True, help_text="For other checks.")

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("date")),
                name="check_expires_after_date",
            ),
        ]

    def __str__(self):
        return self.description or self.get_kind_display()


class Training(Expiring):
    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(max_length=200)

    class Meta:
        ordering = ["-date"]
        verbose_name = "training"
        verbose_name_plural = "training"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("date")),
                name="training_expires_after_date",
            ),
        ]

    def __str__(self):
        return self.course


class Activity(models.Model):
    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField()
    type = models.CharField(max_length=20, choices=ActivityType.choices)
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    people_reached = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # Who wrote it down: the champion on their own page (who may then correct it), or empty for
    # an activity brought in by the hub's import or admin.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["champion", "date", "type"], name="one_activity_of_a_type_a_day"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="activity_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.get_type_display()} on {formatting.day(self.date)}"


class AlertKind(models.TextChoices):
    DUE_30_DAYS = "due_30_days", "Expires within 30 days"
    EXPIRED = "expired", "Expired"


class ExpiryAlert(models.Model):
    """One email to the hub coordinators about a check or training; the row makes it once."""

    check_record = models.ForeignKey(
        Check, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    training = models.ForeignKey(
        Training, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    # The expiry date alerted about: a renewed record (new date) is alerted again.
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_record__isnull=True, training__isnull=False)
                | Q(check_record__isnull=False, training__isnull=True),
                name="alert_names_one_record",
            ),
            models.UniqueConstraint(
                fields=["check_record", "kind", "expires_on"],
                condition=Q(check_record__isnull=False),
                name="one_alert_per_check_expiry",
            ),
            models.UniqueConstraint(
                fields=["training", "kind", "expires_on"],
                condition=Q(training__isnull=False),
                name="one_alert_per_training_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.check_record or self.training}"
