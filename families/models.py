"""Families in the loop: who to contact about a child (their carers, or a young person of 16 or
over themself), the texts and emails sent to them through GOV.UK Notify, the one-use links in
those messages and what families answered, and the coordinator's tasks when a contact is wrong.
"""

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cc4c.models import OutboxNotification
from hubs.access import hub_ids
from hubs.models import Hub
from population.models import Child

# A young person of this age or over may be their own contact (and consent for themself).
OWN_CONTACT_AGE = 16
UK_MOBILE_RE = re.compile(r"^07[0-9]{9}$")


def normalise_mobile(value):
    """A UK mobile number as 07xxxxxxxxx, from 07..., +447... or 00447..., spaces and dashes
    allowed; ValueError naming what is wrong otherwise."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not UK_MOBILE_RE.fullmatch(digits):
        raise ValueError(
            f"'{value}' is not a UK mobile number: 11 digits starting 07 (or +44 7...)"
        )
    return digits


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    GRANDPARENT = "grandparent", "Grandparent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    GUARDIAN = "guardian", "Guardian"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other carer"
    SELF = "self", "The young person (16 or over)"


class Channel(models.TextChoices):
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"


class FamilySettings(models.Model):
    """A hub's settings for messages to families."""

    hub = models.OneToOneField(Hub, on_delete=models.CASCADE, related_name="family_settings")
    phone = models.CharField(
        "phone number families call",
        max_length=20,
        blank=True,
        help_text="The hub's phone number, given in every message to families.",
    )
    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        help_text="Days before an appointment that a reminder goes, comma separated (7,1). "
        "Empty: 7 and 1.",
    )
    waiting_check_weeks = models.PositiveSmallIntegerField(
        "waiting-list check (weeks)",
        default=6,
        help_text="Every this many weeks on the waiting list a family is asked whether they "
        "still need the appointment; 0: never.",
    )

    class Meta:
        verbose_name = "messages to families settings"
        verbose_name_plural = "messages to families settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(waiting_check_weeks__lte=52), name="family_waiting_check_weeks_range"
            ),
        ]

    def __str__(self):
        return f"Messages to families, {self.hub.code}"

    DEFAULT_REMINDER_DAYS = (7, 1)

    @property
    def reminders(self):
        """The reminder days, furthest first."""
        return sorted(set(self.reminder_days or self.DEFAULT_REMINDER_DAYS), reverse=True)

    def clean(self):
        if any(d < 1 or d > 28 for d in self.reminder_days or ()):
            raise ValidationError({"reminder_days": "Give days from 1 to 28, e.g. 7,1."})

    @classmethod
    def for_hub(cls, hub):
        """The hub's settings, or the defaults when the coordinator has set none."""
        try:
            return hub.family_settings
        except cls.DoesNotExist:
            return cls(hub=hub)


class CarerQuerySet(models.QuerySet):
    def visible_to(self, user, action="child.view"):
        return self.filter(child__practice__hub_id__in=hub_ids(user, action))

    def current(self):
        return self.filter(removed_at__isnull=True)

    def reachable(self):
        """Current contacts who consented to messages: the only ones anything is sent to."""
        return self.current().filter(consent_to_messages=True)


class Carer(models.Model):
    """Someone to contact about a child: a parent or carer, or the young person themself."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    mobile = models.CharField("mobile number", max_length=11, blank=True)
    email = models.EmailField(blank=True)
    preferred_channel = models.CharField(
        "how they would like messages", max_length=5, choices=Channel.choices
    )
    language_need = models.CharField(
        "language or communication need",
        max_length=200,
        blank=True,
        help_text="e.g. Bengali, an interpreter needed; large print. Messages are in English: "
        "the hub phones a family whose need a text does not meet.",
    )
    consent_to_messages = models.BooleanField(
        "agreed to texts or emails about appointments", default=False
    )
    consent_given_on = models.DateField("date they agreed", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = CarerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "created_at", "id"]
        verbose_name = "carer or contact"
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_to_messages=False) | Q(consent_given_on__isnull=False),
                name="carer_consent_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(mobile="") | ~Q(email=""), name="carer_has_mobile_or_email"
            ),
            models.CheckConstraint(
                condition=~Q(preferred_channel="sms") | ~Q(mobile=""),
                name="carer_sms_has_mobile",
            ),
            models.CheckConstraint(
                condition=~Q(preferred_channel="email") | ~Q(email=""),
                name="carer_email_has_email",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display().lower()})"

    @property
    def is_self(self):
        return self.relationship == Relationship.SELF

    def address(self):
        """(channel, mobile number or email address) messages go to."""
        if self.preferred_channel == Channel.SMS:
            return Channel.SMS, self.mobile
        return Channel.EMAIL, self.email


class Purpose(models.TextChoices):
    APPOINTMENT = "appointment", "Confirm, can't come or another time"
    WAITING_CHECK = "waiting_check", "Still need the appointment?"
    REBOOK = "rebook", "Rebook after not brought"


class Answer(models.TextChoices):
    CONFIRMED = "confirmed", "We will come"
    CANT_COME = "cant_come", "We can't come"
    ANOTHER_TIME = "another_time", "Asked for another time"
    STILL_NEEDED = "still_needed", "Still need the appointment"
    NOT_NEEDED = "not_needed", "No longer need the appointment"
    REBOOK = "rebook", "Would like another appointment"
    NO_REBOOK = "no_rebook", "Do not want another appointment"


ANSWERS = {
    Purpose.APPOINTMENT: (Answer.CONFIRMED, Answer.CANT_COME, Answer.ANOTHER_TIME),
    Purpose.WAITING_CHECK: (Answer.STILL_NEEDED, Answer.NOT_NEEDED),
    Purpose.REBOOK: (Answer.REBOOK, Answer.NO_REBOOK),
}
# Answers a coordinator acts on; each shows on the family replies page until marked done.
NEEDS_ACTION = (Answer.ANOTHER_TIME, Answer.NOT_NEEDED, Answer.REBOOK)


class FamilyLinkQuerySet(models.QuerySet):
    def visible_to(self, user, action="child.view"):
        return self.filter(hub_id__in=hub_ids(user, action))


class FamilyLink(models.Model):
    """A one-use link in a message to a family: the answer it takes, once. The token is an
    HMAC of ``nonce`` (cc4c.tokens), so a reminder can carry the same link again; the database
    keeps only the nonce and a hash of the token."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    appointment = models.ForeignKey(
        "clinics.Appointment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="family_links",
    )
    slot = models.ForeignKey(
        "clinics.Slot",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The slot the appointment was in when the link was made.",
    )
    referral = models.ForeignKey(
        "clinics.Referral",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="family_links",
    )
    follow_up = models.ForeignKey(
        "clinics.NotBroughtFollowUp",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="family_links",
    )
    nonce = models.CharField(max_length=32, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(
        null=True, blank=True, help_text="When a coordinator marked the answer as dealt with."
    )

    objects = FamilyLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["hub", "answer", "done_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(purpose="appointment", appointment__isnull=False, slot__isnull=False)
                    | Q(purpose="waiting_check", referral__isnull=False)
                    | Q(purpose="rebook", follow_up__isnull=False)
                ),
                name="family_link_names_its_record",
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answered_at__isnull=False),
                name="family_link_answer_has_time",
            ),
        ]

    def __str__(self):
        return f"Family link {self.pk} ({self.get_purpose_display()})"

    @property
    def is_answered(self):
        return bool(self.answer)


class Kind(models.TextChoices):
    BOOKED = "booked", "Appointment booked"
    MOVED = "moved", "Appointment moved"
    REMINDER = "reminder", "Appointment reminder"
    WAITING_CHECK = "waiting_check", "Do you still need this appointment?"
    REBOOK = "rebook", "Invitation to rebook"
    FEEDBACK = "feedback", "Friends and Family Test invitation"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user, action="child.view"):
        return self.filter(hub_id__in=hub_ids(user, action))


class Message(models.Model):
    """One text or email to one contact about one child, and the outbox row that sends it.
    ``key`` is unique: an event (a booking, the 7-day reminder of an appointment in its slot)
    makes at most one message to each contact, however often it is handled."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="family_messages")
    carer = models.ForeignKey(Carer, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True)
    appointment = models.ForeignKey(
        "clinics.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_messages",
    )
    slot = models.ForeignKey(
        "clinics.Slot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "clinics.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_messages",
    )
    follow_up = models.ForeignKey(
        "clinics.NotBroughtFollowUp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_messages",
    )
    advice_request = models.ForeignKey(
        "advice.AdviceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_messages",
    )
    link = models.ForeignKey(
        FamilyLink, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    reminder_days = models.PositiveSmallIntegerField(null=True, blank=True)
    outbox = models.OneToOneField(
        OutboxNotification, on_delete=models.PROTECT, related_name="family_message"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["hub", "-created_at"]),
            models.Index(fields=["appointment", "kind"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.pk})"


class TaskReason(models.TextChoices):
    WRONG_CONTACT = "wrong_contact", "The number or address is wrong"
    NOT_REACHED = "not_reached", "Messages did not reach them"


class ContactTaskQuerySet(models.QuerySet):
    def visible_to(self, user, action="family.messages"):
        return self.filter(carer__child__practice__hub_id__in=hub_ids(user, action))

    def open(self):
        return self.filter(closed_at__isnull=True)


class ContactTask(models.Model):
    """A contact to correct: Notify could not deliver a message to this carer. One open task per
    carer; it closes when the contact is corrected or a coordinator closes it."""

    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="tasks")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="tasks")
    reason = models.CharField(max_length=20, choices=TaskReason.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_note = models.CharField(max_length=200, blank=True)

    objects = ContactTaskQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carer"], condition=Q(closed_at__isnull=True), name="contact_task_one_open"
            ),
        ]

    def __str__(self):
        return f"Contact to check: {self.get_reason_display()}"

    @property
    def is_open(self):
        return self.closed_at is None
