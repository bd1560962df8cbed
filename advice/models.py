"""Advice line: GP questions to the hub's paediatricians, their replies, the rota and reminders."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cc4c import formatting
from hubs.access import hub_ids, people_in


class Channel(models.TextChoices):
    WEB = "web", "Web form"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"


class RequestType(models.TextChoices):
    CAUSE_INVESTIGATION = "cause_investigation", "Cause or investigation"
    MANAGEMENT = "management", "Management"
    WHETHER_TO_REFER = "whether_to_refer", "Whether to refer"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Being answered"
    AWAITING_INFO = "awaiting_info", "Waiting for more information"
    FOLLOW_UP = "follow_up", "Follow-up question to answer"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


# Requests still waiting for a paediatrician's answer: the queue and the reminder sweep.
WAITING_STATUSES = (Status.OPEN, Status.CLAIMED, Status.AWAITING_INFO, Status.FOLLOW_UP)
# Requests on which the GP who asked may reply to the answer with a follow-up question.
FOLLOW_UP_STATUSES = (Status.ANSWERED, Status.CLOSED)

DEFAULT_URGENT_TARGET_HOURS = 4


class Outcome(models.TextChoices):
    PRIMARY_CARE_ADVICE = "primary_care_advice", "Advice to primary care"
    OUTREACH_CLINIC = "outreach_clinic", "Outreach clinic"
    MDT_DISCUSSION = "mdt_discussion", "MDT discussion"
    HOSPITAL_REFERRAL = "hospital_referral", "Hospital referral"
    OTHER = "other", "Other"


class AdviceLineSettings(models.Model):
    """A hub's advice line settings beyond the response target (which lives on Hub)."""

    hub = models.OneToOneField("hubs.Hub", on_delete=models.CASCADE, related_name="advice_settings")
    pause_clock_when_awaiting_info = models.BooleanField(
        default=True,
        help_text="Stop the response clock while the hub waits for the GP's further information.",
    )
    urgent_target_hours = models.PositiveSmallIntegerField(
        "urgent response target (hours)",
        default=DEFAULT_URGENT_TARGET_HOURS,
        help_text="Hours from receipt to the first answer of an urgent request, counted as the "
        "hub counts its response target: working hours (09:00 to 17:00, Monday to Friday, bank "
        "holidays in England excluded) for a target in working days, every hour for a target in "
        "hours. An urgent request is never given longer than the routine target.",
    )

    class Meta:
        verbose_name = "advice line settings"
        verbose_name_plural = "advice line settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(urgent_target_hours__gte=1, urgent_target_hours__lte=40),
                name="advice_urgent_target_range",
            ),
        ]

    def __str__(self):
        return f"Advice line settings, {self.hub.code}"

    @classmethod
    def for_hub(cls, hub):
        """The hub's settings, or the defaults when the coordinator has set none. Read through
        the hub, so a list that selects ``hub__advice_settings`` asks the database nothing."""
        try:
            return hub.advice_settings
        except cls.DoesNotExist:
            return cls(hub=hub)


class AdviceRequestQuerySet(models.QuerySet):
    def visible_to(self, user, action="advice.view"):
        """The advice requests ``user`` may open: those of the hubs where they may ``action``."""
        return self.filter(hub_id__in=hub_ids(user, action))

    def waiting(self):
        return self.filter(status__in=WAITING_STATUSES)


def new_reference(channel):
    return f"{channel[0].upper()}{timezone.localdate():%y%m%d}-{secrets.token_hex(3).upper()}"


class AdviceRequest(models.Model):
    """One question to the advice line, from its receipt to its outcome."""

    hub = models.ForeignKey("hubs.Hub", on_delete=models.PROTECT, related_name="advice_requests")
    reference = models.CharField(max_length=40)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    asked_by = models.ForeignKey(
        "hubs.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests_asked",
        help_text="Empty for requests brought in from an earlier advice log.",
    )
    practice = models.ForeignKey(
        "hubs.Practice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "population.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    question = models.TextField(blank=True)
    request_type = models.CharField(
        "type of question", max_length=30, choices=RequestType.choices, default=RequestType.OTHER
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(
        "hubs.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests_claimed",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    # Response clock pauses while the hub waits for the GP (advice/clock.py): time already
    # paused, in the clock's own seconds (clock or working), and the start of a running pause.
    paused_seconds = models.PositiveIntegerField(default=0)
    paused_since = models.DateTimeField(null=True, blank=True)
    # When the GP asked the follow-up question still waiting for its answer: its own clock.
    follow_up_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "reference"], name="advice_reference_per_hub"),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=models.F("received_at")),
                name="advice_response_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="advice_outcome_known"
            ),
        ]
        indexes = [models.Index(fields=["hub", "status"])]

    def __str__(self):
        return f"Advice request {self.reference}"

    def clean(self):
        if self.child_id and self.hub_id and self.child.practice.hub_id != self.hub_id:
            raise ValidationError(
                {"child": "Choose a child registered at one of this hub's practices."}
            )

    @property
    def is_waiting(self):
        return self.status in WAITING_STATUSES

    @property
    def is_urgent(self):
        return self.urgency == Urgency.URGENT


def attachment_path(instance, filename):
    # Stored under a random name: what the sender called the file never reaches the disk path.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"advice/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Attachment(models.Model):
    """An image or PDF sent with a request; served only through the request's scoped view."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        "hubs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ReplyKind(models.TextChoices):
    ANSWER = "answer", "Answer"
    INFO_REQUEST = "info_request", "Request for more information"
    INFORMATION = "information", "Further information"
    FOLLOW_UP = "follow_up", "Follow-up question"


class Reply(models.Model):
    """A signed message on a request: every reply shows who wrote it and when."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey("hubs.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ReplyKind.choices, default=ReplyKind.ANSWER)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"{self.get_kind_display()} by {self.author} at {formatting.when(self.created_at)}"


class RotaEntry(models.Model):
    """Which paediatrician covers a hub's advice line on a day."""

    hub = models.ForeignKey("hubs.Hub", on_delete=models.CASCADE, related_name="advice_rota")
    date = models.DateField()
    paediatrician = models.ForeignKey("hubs.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date"]
        verbose_name = "rota entry"
        verbose_name_plural = "advice rota"
        constraints = [
            models.UniqueConstraint(fields=["hub", "date"], name="advice_rota_one_per_day"),
        ]

    def __str__(self):
        return f"{formatting.weekday(self.date)}: {self.paediatrician}"

    def clean(self):
        if (
            self.hub_id
            and self.paediatrician_id
            and not people_in(self.hub_id, "advice.answer", on=self.date)
            .filter(pk=self.paediatrician_id)
            .exists()
        ):
            raise ValidationError(
                {"paediatrician": "Choose a paediatrician of this hub on that day."}
            )


class ReminderKind(models.TextChoices):
    REMINDER_75 = "reminder_75", "Reminder at 75% of the target"
    ESCALATION_100 = "escalation_100", "Escalation when the target is missed"


class Reminder(models.Model):
    """A reminder or escalation for a request: the unique row that makes each one go once."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="advice_reminder_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.request}"


class InboundStatus(models.TextChoices):
    STORED = "stored", "Stored, not yet made into a request"
    PROCESSED = "processed", "Made into a request"
    FAILED = "failed", "Stored; could not be made into a request"
    HELD = "held", "Held: waiting for the sender to confirm it"
    REFUSED = "refused", "Refused"


# Kept once, whoever sends them again: every message but a refused one, which is looked at
# afresh when it comes again (the sender may have been added to the hub meanwhile).
KEPT_ONCE = ~Q(status=InboundStatus.REFUSED)


class InboundEmail(models.Model):
    """A message to a hub's advice address, kept as received: committed before the receiver
    answers 250, so a crash afterwards loses nothing, and made into a request once
    (advice/email_intake.py). Refused messages are kept too, for the coordinator to read."""

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    hub = models.ForeignKey("hubs.Hub", on_delete=models.PROTECT, related_name="+")
    mail_from = models.CharField("envelope sender", max_length=320)
    rcpt_to = models.CharField(max_length=320)
    peer = models.CharField("sending server", max_length=100, blank=True)
    sender = models.CharField("From address", max_length=320, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    raw = models.BinaryField()
    status = models.CharField(
        max_length=20, choices=InboundStatus.choices, default=InboundStatus.STORED
    )
    proof = models.CharField(
        max_length=120,
        blank=True,
        help_text="How the From address was proven: dkim:<domain>, relay:<authserv-id>, or "
        "confirmed by the sender through the link emailed to them.",
    )
    person = models.ForeignKey(
        "hubs.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose question it is, once proven or confirmed.",
    )
    held_for = models.ForeignKey(
        "hubs.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The registered person asked to confirm a message whose origin was unproven.",
    )
    confirm_digest = models.CharField(max_length=64, blank=True)
    confirm_by = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="What the sender was told when refused.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    advice_request = models.OneToOneField(
        AdviceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "inbound email"
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "message_id"],
                condition=KEPT_ONCE & ~Q(message_id=""),
                name="inbound_email_once_by_message_id",
            ),
            models.UniqueConstraint(
                fields=["hub", "content_hash"],
                condition=KEPT_ONCE & ~Q(content_hash=""),
                name="inbound_email_once_by_content",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"Email from {self.sender or self.mail_from} at {formatting.when(self.received_at)}"
