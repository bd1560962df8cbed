from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cc4c import formatting


class ImportRunQuerySet(models.QuerySet):
    def within(self, hub_ids, *, started_by=None):
        """Runs ``started_by`` started, and runs touching only the hubs ``hub_ids`` (the hubs
        where a person may manage imports, as the caller's access rules give them); nothing
        when ``hub_ids`` is empty."""
        hub_ids = set(hub_ids)
        if not hub_ids:
            return self.none()
        theirs = models.Q(by=started_by) if getattr(started_by, "pk", None) else models.Q(pk__in=[])
        elsewhere = ImportRun.hubs.through.objects.exclude(hub_id__in=hub_ids)
        in_scope = self.filter(hubs__in=hub_ids).exclude(pk__in=elsewhere.values("importrun_id"))
        return self.filter(theirs | models.Q(pk__in=in_scope.values("pk")))


class ImportRun(models.Model):
    """One attempt to import a CSV file: who, when, what it wrote, or why it was refused."""

    kind = models.CharField(max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
        help_text="Empty for imports run from the command line.",
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text="Data rows read from the file.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    hubs = models.ManyToManyField("hubs.Hub", blank=True, related_name="import_runs")
    succeeded = models.BooleanField(default=False)
    errors = ArrayField(models.TextField(), default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        outcome = "imported" if self.succeeded else "refused"
        return f"{self.kind} {self.file_name} {outcome} {formatting.when(self.started_at)}"

    @property
    def unchanged(self):
        return self.rows - self.created - self.updated if self.succeeded else 0


class OutboxEmail(models.Model):
    """One email to send, written in the same transaction as the change it tells people about.

    A relay task queued on commit sends it; a sweep every minute sends anything the task did
    not (Redis down, worker lost). A row is claimed with a row lock while it is sent and marked
    sent in that transaction, so each email goes once.
    """

    kind = models.CharField(max_length=60, help_text="What the email is about, for the logs.")
    subject = models.CharField(max_length=255)
    body = models.TextField()
    from_email = models.CharField(max_length=255, blank=True)
    to = ArrayField(models.CharField(max_length=254))
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    secret = models.BooleanField(
        default=False, help_text="The body holds a sign-in link, so it is wiped once sent."
    )
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text="Text files sent with it (a calendar invitation): filename, content_type, "
        "params of the content type, content.",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_due",
            )
        ]

    def __str__(self):
        state = f"sent {formatting.when(self.sent_at)}" if self.sent_at else "waiting"
        return f"{self.kind or 'email'} to {len(self.to)} ({state})"


class RateCount(models.Model):
    """How often one address (or sender) has done one thing in the current fixed window: the
    rate limits of the public feedback form and the advice email receiver (cc4c.throttle)."""

    key = models.CharField(max_length=100, primary_key=True)
    window = models.BigIntegerField(help_text="The window's number: seconds since 1970 / length.")
    count = models.PositiveIntegerField(default=0)
    ends = models.BigIntegerField(help_text="When the window ends, in seconds since 1970.")

    def __str__(self):
        return f"{self.key}: {self.count} in window {self.window}"


class BackupRun(models.Model):
    """One backup of the database and the uploaded files (cc4c.backups): when, where, how it
    went. Shown to the operator in the admin site and on /healthz."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    succeeded = models.BooleanField(default=False)
    file_name = models.CharField(max_length=255, blank=True, help_text="In BACKUP_DIR.")
    size = models.BigIntegerField(default=0, help_text="Bytes.")
    tables = models.PositiveIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    files = models.PositiveIntegerField(default=0, help_text="Uploaded files in the archive.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self):
        outcome = "succeeded" if self.succeeded else "failed"
        return f"Backup {self.started_at:%Y-%m-%d %H:%M} {outcome}"


class NotificationStatus(models.TextChoices):
    """Where one GOV.UK Notify text or email is: waiting here, with Notify, or done."""

    QUEUED = "queued", "Waiting to be sent"
    KEPT = "kept", "Not sent: no Notify key (shown on the outbox page)"
    WITHDRAWN = "withdrawn", "Not sent: no longer wanted"
    SENDING = "sending", "Sent to Notify"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Not delivered: the number or address is wrong"
    TEMPORARY_FAILURE = "temporary-failure", "Not delivered: the phone or inbox was unavailable"
    TECHNICAL_FAILURE = "technical-failure", "Not delivered: a fault at Notify"
    REFUSED = "refused", "Not sent: Notify refused the request (a template or key to fix)"


# Nothing more will happen to a message in these states.
FINAL_NOTIFICATION_STATUSES = (
    NotificationStatus.KEPT,
    NotificationStatus.WITHDRAWN,
    NotificationStatus.DELIVERED,
    NotificationStatus.PERMANENT_FAILURE,
    NotificationStatus.TEMPORARY_FAILURE,
    NotificationStatus.TECHNICAL_FAILURE,
    NotificationStatus.REFUSED,
)


class OutboxNotification(models.Model):
    """One text message or email to send through GOV.UK Notify (cc4c.govuk_notify), written in
    the same transaction as the change it tells a family about.

    A relay task queued on commit sends it; a sweep every minute sends anything the task did
    not (Redis down, worker lost, Notify down). A row is claimed with a row lock while it is
    sent and marked sent in that transaction, so each message goes once. Notify's notification
    id is kept, and its delivery receipts update ``status``.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    kind = models.CharField(max_length=60, help_text="What the message is about, for the logs.")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254, help_text="A mobile number or an email address.")
    template_id = models.CharField(max_length=36, blank=True)
    personalisation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    status_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notify_id = models.CharField("Notify's notification id", max_length=36, blank=True)
    earlier_notify_ids = ArrayField(
        models.CharField(max_length=36),
        default=list,
        blank=True,
        help_text="Notify's ids of earlier sends that failed for a while and were sent again.",
    )
    resends = models.PositiveSmallIntegerField(default=0)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When Notify was last asked for the status."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="notification_queued_due",
            ),
            models.Index(
                fields=["sent_at"],
                condition=models.Q(status="sending"),
                name="notification_awaiting_receipt",
            ),
            models.Index(fields=["notify_id"], name="notification_notify_id"),
        ]

    def __str__(self):
        return f"{self.kind or 'message'} by {self.get_channel_display().lower()} ({self.status})"

    @property
    def reference(self):
        """Our reference, sent to Notify with the message and given back in its receipts."""
        return f"cc4c-{self.pk}"


class Submission(models.Model):
    """The one-use token of a form that created something, and what it created
    (cc4c.submissions): the same form sent twice makes one record."""

    token = models.CharField(max_length=64, primary_key=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=40, blank=True)

    def __str__(self):
        return f"Form sent {self.claimed_at:%Y-%m-%d %H:%M}"


class CalendarEvent(models.Model):
    """One meeting or session people hold in their calendars (cc4c.invitations): its UID, the
    SEQUENCE its last invitation carried, and who was sent it."""

    uid = models.CharField(max_length=200, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(
        max_length=32, blank=True, help_text="Of its time, place and title when last sent."
    )
    invited = ArrayField(models.CharField(max_length=254), default=list, blank=True)
    cancelled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.uid} (sequence {self.sequence})"
