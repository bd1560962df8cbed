"""Learning points agreed at MDT meetings, published to a library every hub can read once the
meeting's chair approves them, and the teaching people record for their CPD."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cc4c import formatting
from hubs.models import Hub
from mdt.models import CaseDiscussion, Meeting
from population.models import Segment


class Topic(models.TextChoices):
    ASTHMA = "asthma", "Asthma and wheeze"
    ALLERGY = "allergy", "Allergy"
    CONSTIPATION = "constipation", "Constipation and continence"
    SKIN = "skin", "Eczema and skin"
    FEEDING = "feeding", "Feeding, nutrition and growth"
    FEVER = "fever", "Fever and acute illness"
    MENTAL_HEALTH = "mental_health", "Mental health and behaviour"
    DEVELOPMENT = "development", "Development and learning"
    NEUROLOGY = "neurology", "Epilepsy, headache and neurology"
    LONG_TERM = "long_term", "Other long-term conditions"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    FAMILY_SUPPORT = "family_support", "Family support and services"
    PRESCRIBING = "prescribing", "Prescribing"
    WORKING_TOGETHER = "working_together", "Working together and the MDT"
    OTHER = "other", "Other"


class PointStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for the chair's approval"
    PUBLISHED = "published", "Published to the library"
    DECLINED = "declined", "Not published"


class LearningPointQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PointStatus.PUBLISHED)


class LearningPoint(models.Model):
    """A lesson from an MDT meeting, free of anything that identifies a child."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="learning_points")
    # Set when the point was typed on a case during the meeting: one draft per case, kept up to
    # date with the case until the chair reviews it. Never shown in the library.
    case = models.OneToOneField(
        CaseDiscussion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learning_point",
    )
    title = models.CharField(max_length=150)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The segment of need the lesson is most about, if any.",
    )
    text = models.TextField("learning point")
    status = models.CharField(
        max_length=20, choices=PointStatus.choices, default=PointStatus.AWAITING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)

    objects = LearningPointQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["status", "topic"]), models.Index(fields=["meeting"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PointStatus.values), name="learning_point_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(topic__in=Topic.values), name="learning_point_topic_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=PointStatus.AWAITING) | Q(reviewed_at__isnull=False),
                name="learning_point_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(text=""), name="learning_point_has_words"
            ),
        ]

    def __str__(self):
        return self.title


class TeachingRole(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    ATTENDED = "attended", "Attended"


class TeachingSession(models.Model):
    """Teaching a person gave or received, recorded by them for their CPD."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teaching_sessions"
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="teaching_sessions")
    date = models.DateField()
    title = models.CharField(max_length=200)
    role = models.CharField("delivered or attended", max_length=20, choices=TeachingRole.choices)
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("12"))],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.25"), hours__lte=Decimal("12")),
                name="teaching_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeachingRole.values), name="teaching_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({formatting.day(self.date)})"
