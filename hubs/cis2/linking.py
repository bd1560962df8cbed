"""Who a CIS2 identity is: the invited person with its verified email, then its CIS2 UUID."""

from django.db.models import Q
from django.utils import timezone

from hubs.cis2.config import PROVIDER_ID
from hubs.models import Person


def _claims(sociallogin):
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or {}, data.get("id_token") or {}


def email_of(sociallogin):
    userinfo, id_token = _claims(sociallogin)
    return (userinfo.get("email") or id_token.get("email") or "").strip().lower()


def _email_verified(sociallogin):
    userinfo, id_token = _claims(sociallogin)
    # CIS2's addresses are set by the registration authority that issued the identity; an
    # explicit "email_verified": false is the provider saying otherwise.
    for claims in (userinfo, id_token):
        if "email_verified" in claims:
            return claims["email_verified"] in (True, "true")
    return True


def invited_person(sociallogin):
    """(person, "") for the invited person this first CIS2 sign-in belongs to, or (None, why)."""
    email = email_of(sociallogin)
    if not email:
        return None, "CIS2 gave no email address for this identity."
    if not _email_verified(sociallogin):
        return None, "CIS2 says this identity's email address is not verified."
    today = timezone.localdate()
    person = (
        Person.objects.filter(email__iexact=email, is_active=True)
        .filter(Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today))
        .distinct()
        .first()
    )
    if person is None:
        return None, "No hub has invited this email address."
    if person.socialaccount_set.filter(provider=PROVIDER_ID).exists():
        return None, "A different CIS2 identity is already linked to this email address."
    return person, ""
