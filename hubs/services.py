"""Writes about hubs, people and memberships: inviting people and giving them roles."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cc4c import outbox
from cc4c.errors import ServiceError
from hubs import access
from hubs.models import Hub, Membership, Person, Practice, Role


class HubsError(ServiceError):
    """A refusal with a message a coordinator can act on."""


def sync_staff(person: Person) -> Person:
    """Give the admin site's door (``is_staff``) to exactly the people with a coordinator role.

    The door alone opens nothing: what they reach is decided by their memberships.
    """
    today = timezone.localdate()
    coordinator = (
        Membership.objects.filter(person=person, role=Role.COORDINATOR)
        .exclude(end_date__lt=today)
        .exists()
    )
    should_be_staff = coordinator or person.is_superuser
    if person.is_staff != should_be_staff:
        person.is_staff = should_be_staff
        person.save(update_fields=["is_staff"])
    access.forget(person)
    return person


def add_membership(
    *,
    person: Person,
    hub: Hub,
    role: str,
    by: Person,
    practice: Practice | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Membership:
    """Give ``person`` a role in ``hub`` (at one of its practices), checked before it is saved."""
    membership = Membership(
        person=person,
        hub=hub,
        role=role,
        practice=practice,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    try:
        membership.full_clean()
    except ValidationError as exc:
        message = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise HubsError(message) from exc
    with transaction.atomic():
        membership.save()
        sync_staff(person)
    return membership


def invitation_link(person: Person) -> str:
    """A link where ``person`` chooses their password (allauth's password reset key)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    return settings.SITE_URL + path


def send_invitation(*, person: Person, by: Person) -> None:
    """Email ``person`` a link to set their password and sign in: no patient detail."""
    context = {
        "person": person,
        "by": by,
        "link": invitation_link(person),
        "sign_in": settings.SITE_URL + reverse("account_login"),
        "hubs": sorted({m.hub.name for m in person.memberships.select_related("hub")}),
    }
    outbox.enqueue(
        kind="hubs.invitation",
        subject="You have been invited to CC4C hubs",
        body=render_to_string("hubs/email/invitation.txt", context),
        to=[person.email],
        secret=True,
    )


def invite_person(
    *,
    email: str,
    first_name: str,
    last_name: str,
    hub: Hub,
    role: str,
    by: Person,
    profession: str = "",
    registration_number: str = "",
    practice: Practice | None = None,
    start_date: datetime.date | None = None,
) -> Person:
    """Create a login for a new person with a role in ``hub`` and email them an invitation."""
    email = Person.objects.normalize_email(email).strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise HubsError(f"email: {email} already has a login.")
    with transaction.atomic():
        person = Person(
            email=email,
            first_name=first_name,
            last_name=last_name,
            profession=profession,
            registration_number=registration_number,
        )
        person.set_unusable_password()
        person.save()
        add_membership(
            person=person, hub=hub, role=role, practice=practice, start_date=start_date, by=by
        )
        # Written to the outbox in the same transaction: no login without its invitation.
        send_invitation(person=person, by=by)
    return person
