import re

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cc4c import formatting
from cc4c.validators import (
    MESH_MAILBOX_RE,
    normalise_postcode,
    validate_mesh_mailbox,
    validate_ods_code,
)

HUB_CODE_RE = r"^[A-Z0-9-]{2,20}$"


class Role(models.TextChoices):
    GP = "gp", "GP or practice clinician"
    PAEDIATRICIAN = "paediatrician", "Paediatrician"
    MDT_MEMBER = "mdt_member", "MDT member"
    COORDINATOR = "coordinator", "Hub coordinator"
    COMMISSIONER = "commissioner", "Commissioner"
    CHAMPION = "champion", "Practice champion"


class TargetUnit(models.TextChoices):
    HOURS = "hours", "clock hours"
    WORKING_DAYS = "working_days", "working days"


class Hub(models.Model):
    code = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(HUB_CODE_RE, "Use 2 to 20 capital letters, digits or hyphens.")],
    )
    name = models.CharField(max_length=200)
    response_target = models.PositiveSmallIntegerField(
        default=24, help_text="The advice line's response target, in the unit below."
    )
    response_target_unit = models.CharField(
        max_length=20, choices=TargetUnit.choices, default=TargetUnit.HOURS
    )
    mdt_cadence_weeks = models.PositiveSmallIntegerField(
        default=5, help_text="Weeks between MDT meetings when a series is scheduled."
    )
    mdt_case_cap = models.PositiveSmallIntegerField(
        default=15, help_text="Most cases discussed at one MDT meeting."
    )
    agenda_notice_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours before a meeting that its agenda is sent."
    )
    clinic_wait_target_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Referral to appointment target for outreach clinics."
    )
    lead = models.ForeignKey(
        "hubs.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The hub's clinical lead: escalations go to them.",
    )
    advice_email = models.EmailField(
        blank=True, help_text="The address GPs send advice questions to."
    )
    cis2_required_for_clinical = models.BooleanField(
        "clinical staff sign in with NHS CIS2",
        default=False,
        help_text="GPs and paediatricians see this hub's children only when they signed in with "
        "NHS CIS2, not with email and password.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=HUB_CODE_RE), name="hub_code_format"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class PracticeQuerySet(models.QuerySet):
    def in_hubs(self):
        """Practices of a hub: every practice but the comparison ones."""
        return self.filter(hub__isnull=False)


class Practice(models.Model):
    """A GP practice of a hub; or, with ``comparison``, a practice outside every hub whose
    children and hospital activity are kept only as the evaluation's comparison."""

    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[validate_ods_code]
    )
    name = models.CharField(max_length=200)
    hub = models.ForeignKey(
        Hub,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practices",
        help_text="Empty only for a comparison practice.",
    )
    comparison = models.BooleanField(
        "comparison practice",
        default=False,
        help_text="Outside every hub: its children and hospital activity are only the "
        "evaluation's comparison, never a hub's.",
    )
    postcode = models.CharField(max_length=8, blank=True)
    list_size = models.PositiveIntegerField(null=True, blank=True)
    mesh_mailbox = models.CharField(
        "MESH mailbox id",
        max_length=20,
        blank=True,
        db_default="",
        validators=[validate_mesh_mailbox],
        help_text="The practice's MESH mailbox: letters are sent there as GP Connect Send "
        "Document messages (docs/messages-and-letters.md).",
    )
    secure_email = models.EmailField(
        "secure email address",
        blank=True,
        db_default="",
        help_text="The practice's secure (NHSmail) address: letters go there, as a PDF "
        "attachment, when the practice has no MESH mailbox.",
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ods_code__regex=r"^[A-Z][0-9]{5}$"), name="practice_ods_format"
            ),
            models.CheckConstraint(
                condition=Q(comparison=True, hub__isnull=True)
                | Q(comparison=False, hub__isnull=False),
                name="practice_in_a_hub_unless_comparison",
                violation_error_message="A practice belongs to a hub, unless it is a comparison "
                "practice, which belongs to none.",
            ),
            models.CheckConstraint(
                condition=Q(mesh_mailbox="") | Q(mesh_mailbox__regex=MESH_MAILBOX_RE),
                name="practice_mesh_mailbox_format",
            ),
        ]

    def __str__(self):
        if self.comparison:
            return f"{self.name} ({self.ods_code}, comparison)"
        return f"{self.name} ({self.ods_code})"

    def clean(self):
        if self.comparison and self.hub_id:
            raise ValidationError({"hub": "A comparison practice belongs to no hub."})
        if not self.comparison and not self.hub_id:
            raise ValidationError({"hub": "Choose the practice's hub (or mark it a comparison)."})
        self.ods_code = (self.ods_code or "").strip().upper()
        self.mesh_mailbox = (self.mesh_mailbox or "").strip().upper()
        if self.postcode:
            try:
                self.postcode = normalise_postcode(self.postcode)
            except ValueError as exc:
                raise ValidationError({"postcode": str(exc)}) from exc


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class Person(AbstractUser):
    """A person who signs in: their email address is their login."""

    username = None
    email = models.EmailField("email address", unique=True)
    profession = models.CharField(
        max_length=100, blank=True, help_text="e.g. GP, health visitor, consultant paediatrician"
    )
    registration_number = models.CharField(
        max_length=20, blank=True, help_text="GMC, NMC or HCPC number, if any."
    )
    # Moved on by every change to what the person may reach (their memberships, their hubs'
    # sign-in rule, their authenticators): a session keeps what it read of those with the
    # stamp it was read at, and reads them again once the stamp has moved (hubs.signin).
    access_stamp = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = PersonManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        # A person saved whole never writes back the stamp it was read with: a change to their
        # access made meanwhile would be undone and the sessions that kept the old one trusted.
        whole = kwargs.get("update_fields") is None and not kwargs.get("force_insert")
        if not self._state.adding and whole:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "access_stamp"
            ]
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.get_full_name() or self.email


def access_changed(person_ids):
    """Move on the access stamp of these people: each of their sessions reads their roles and
    second factor again on its next request. Called after the change is written, in its
    transaction when there is one."""
    ids = {i for i in person_ids if i is not None}
    if ids:
        Person.objects.filter(pk__in=ids).update(access_stamp=models.F("access_stamp") + 1)


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))

    # Saving or deleting one membership moves its person's stamp (hubs.signals); the writes of
    # many at once do it here.
    def update(self, **kwargs):
        people = set(self.values_list("person_id", flat=True))
        count = super().update(**kwargs)
        access_changed(people | {_pk(kwargs.get("person"))})
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        access_changed(m.person_id for m in created)
        return created


def _pk(value):
    return getattr(value, "pk", value)


class Membership(models.Model):
    """A person's role in a hub, optionally at one of its practices, between two dates."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["hub__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()}, {self.hub.code}"

    def clean(self):
        if self.practice_id and self.hub_id and self.practice.hub_id != self.hub_id:
            raise ValidationError({"practice": "Choose one of this hub's practices."})
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must not be before the start date."})


class AuditEventQuerySet(models.QuerySet):
    """The trail is only ever added to; the database refuses the rest too (migration 0002)."""

    def update(self, **kwargs):
        raise ValidationError("Audit entries cannot be changed.")

    def delete(self):
        raise ValidationError("Audit entries cannot be deleted.")

    def naming(self, child_id):
        """Entries that name the child: a look at their record, or a list or export with them."""
        return self.filter(Q(child_id=child_id) | Q(child_ids__contains=[child_id]))


class AuditEvent(models.Model):
    """Append-only: who looked at or exported which child's data, when, and from where."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    person = models.ForeignKey(
        Person, null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    hub = models.ForeignKey(Hub, null=True, on_delete=models.PROTECT, related_name="+")
    # A plain id rather than a foreign key: hubs sits below population in the app layers.
    child_id = models.BigIntegerField(null=True, db_index=True)
    # Every child a list page showed or an export contained (up to hubs.audit.MAX_CHILD_IDS),
    # and how many there were; ``path`` keeps the query that chose them.
    child_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    child_count = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["hub", "-at"]),
            GinIndex(fields=["child_ids"], name="auditevent_child_ids"),
        ]

    def __str__(self):
        return f"{formatting.when(self.at)} {self.person} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit entries cannot be deleted.")


def is_valid_hub_code(code):
    return bool(re.fullmatch(HUB_CODE_RE, code or ""))
