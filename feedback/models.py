"""What families and professionals say about the hub: the Friends and Family Test after a clinic
appointment or an advice answer, and attendees' ratings of each MDT meeting.

A family's answer keeps the hub, the kind of contact and the contact's date, and nothing that
leads back to the child: it has no link to the invitation, the appointment or the request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hubs.access import hub_ids
from hubs.models import Hub


class Experience(models.TextChoices):
    """The national Friends and Family Test answers, best first."""

    VERY_GOOD = "very_good", "Very good"
    GOOD = "good", "Good"
    NEITHER = "neither", "Neither good nor poor"
    POOR = "poor", "Poor"
    VERY_POOR = "very_poor", "Very poor"
    DONT_KNOW = "dont_know", "Don't know"


POSITIVE = (Experience.VERY_GOOD, Experience.GOOD)


class Place(models.TextChoices):
    GP_PRACTICE = "gp_practice", "At our GP practice"
    HOSPITAL = "hospital", "At the hospital"
    NO_PREFERENCE = "no_preference", "No preference"


class Contact(models.TextChoices):
    CLINIC = "clinic", "Outreach clinic appointment"
    ADVICE = "advice", "Advice from the hub's paediatrician"


class CommentStatus(models.TextChoices):
    NONE = "none", "No comment"
    PENDING = "pending", "Waiting for a coordinator"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not shown"


class FamilyInvitation(models.Model):
    """A one-use link to the family feedback form for one appointment or advice request.

    The link's token is an HMAC of ``nonce`` under the site's secret key, so the link can be
    printed again; the database holds only the nonce and a hash of the token.
    """

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="+")
    contact = models.CharField(max_length=10, choices=Contact.choices)
    appointment = models.OneToOneField(
        "clinics.Appointment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback_invitation",
    )
    advice_request = models.OneToOneField(
        "advice.AdviceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback_invitation",
    )
    contact_date = models.DateField(help_text="The appointment's date, or the answer's date.")
    nonce = models.CharField(max_length=32, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField()
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(contact=Contact.CLINIC, appointment__isnull=False, advice_request=None)
                    | Q(contact=Contact.ADVICE, advice_request__isnull=False, appointment=None)
                ),
                name="feedback_invitation_one_contact",
            ),
        ]

    def __str__(self):
        return f"Feedback link {self.pk} ({self.get_contact_display()}, {self.contact_date})"


class FamilyResponseQuerySet(models.QuerySet):
    def visible_to(self, user, action="feedback.view"):
        return self.filter(hub_id__in=hub_ids(user, action))

    def shown_comments(self):
        """Only comments a coordinator approved ever appear on a page or in a report."""
        return self.filter(comment_status=CommentStatus.APPROVED)


class FamilyResponse(models.Model):
    """One family's answer to the Friends and Family Test."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="family_responses")
    contact = models.CharField(max_length=10, choices=Contact.choices)
    contact_date = models.DateField()
    received_on = models.DateField(default=timezone.localdate, db_index=True)
    experience = models.CharField(max_length=10, choices=Experience.choices)
    place = models.CharField(max_length=15, choices=Place.choices, blank=True)
    comment = models.TextField(blank=True, max_length=2000)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = FamilyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["hub", "received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(comment="", comment_status=CommentStatus.NONE)
                | (~Q(comment="") & ~Q(comment_status=CommentStatus.NONE)),
                name="feedback_comment_status_matches",
            ),
        ]

    def __str__(self):
        return f"Family feedback {self.pk} ({self.received_on})"

    @property
    def shown_comment(self):
        return self.comment if self.comment_status == CommentStatus.APPROVED else ""


class ProfessionalFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user, action="feedback.view"):
        return self.filter(meeting__hub_id__in=hub_ids(user, action))


class ProfessionalFeedback(models.Model):
    """An attendee's rating of one finished MDT meeting: once per person per meeting."""

    meeting = models.ForeignKey(
        "mdt.Meeting", on_delete=models.CASCADE, related_name="professional_feedback"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mdt_feedback"
    )
    usefulness = models.PositiveSmallIntegerField()
    learned_something = models.BooleanField()
    learning = models.TextField(blank=True, max_length=2000)
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProfessionalFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "MDT feedback"
        verbose_name_plural = "MDT feedback"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="mdt_feedback_once"),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="mdt_feedback_usefulness_1_to_5",
            ),
        ]

    def __str__(self):
        return f"MDT feedback {self.pk}"
