"""Letters to a child's registered GP practice: an MDT outcome, a clinic letter after an
attended appointment, an advice answer. Each is a row of this outbox, written in the transaction
that finished the outcome, and sent once, over MESH or by secure email (letters/relay.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cc4c import formatting


class Kind(models.TextChoices):
    MDT_OUTCOME = "mdt_outcome", "MDT outcome letter"
    CLINIC = "clinic_outcome", "Clinic letter"
    ADVICE = "advice_answer", "Advice answer"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the practice"
    FAILED = "failed", "Not sent"
    WITHDRAWN = "withdrawn", "Replaced before it was sent"


class Route(models.TextChoices):
    MESH = "mesh", "MESH (GP Connect Send Document)"
    EMAIL = "email", "Secure email"


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user, action="letters.view"):
        from hubs.access import hub_ids

        return self.filter(hub_id__in=hub_ids(user, action))

    def about(self, source_type, source_id):
        return self.filter(source_type=source_type, source_id=source_id)


class Letter(models.Model):
    """One letter to one practice, from one outcome. ``html`` is the letter as it was written
    when the outcome was recorded; ``pdf`` is rendered from it once, before the first send, so
    every attempt sends the same document."""

    hub = models.ForeignKey("hubs.Hub", on_delete=models.PROTECT, related_name="letters")
    practice = models.ForeignKey("hubs.Practice", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("population.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the letter tells of, as "<app>.<model>" and its id: a case, an appointment, a reply.
    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    title = models.CharField(max_length=200)
    version = models.PositiveSmallIntegerField(
        default=1, help_text="1, then 2 for a letter that replaces the first, and so on."
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Our id of the letter: the MESH local id and the document's identifier.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who signed it and the people and places it names, as they were when it was written.
    parties = models.JSONField(default=dict)
    html = models.TextField()
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    recipient = models.CharField(
        max_length=254, blank=True, help_text="The MESH mailbox or email address it went to."
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    mesh_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When MESH was last asked whether it was acknowledged."
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["hub", "status"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="letter_queued_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="letter_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sent", "acknowledged"])
                | (Q(sent_at__isnull=False) & ~Q(route="")),
                name="letter_sent_has_time_and_route",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | Q(failed_at__isnull=False),
                name="letter_failed_has_time",
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind", "version"],
                name="letter_one_per_version",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self):
        """The letter's reference as the letter and the practice see it."""
        return str(self.local_id).upper()[:8]

    @property
    def state_text(self):
        """What a person sees of where the letter is."""
        if self.status == Status.QUEUED:
            if self.attempts:
                return f"Queued: not sent yet, trying again {formatting.when(self.next_attempt_at)}"
            return "Queued to send"
        if self.status == Status.SENT:
            to = f" to {self.recipient}" if self.recipient else ""
            return f"Sent by {self.get_route_display()}{to} {formatting.when(self.sent_at)}"
        if self.status == Status.ACKNOWLEDGED:
            return f"Received by the practice {formatting.when(self.acknowledged_at)}"
        if self.status == Status.WITHDRAWN:
            return "Not sent: a later version replaced it before it went"
        return f"Not sent: {self.last_error}"
