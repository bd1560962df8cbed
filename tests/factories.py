"""Factories shared by every app's tests: hubs, practices, people, memberships, children."""

import datetime

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from cc4c.validators import SYNTHETIC_NHS_NUMBERS, synthetic_nhs_number
from hubs.models import Hub, Membership, Person, Practice, Role
from population.models import Child

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


def nhs_number(seed):
    return synthetic_nhs_number(seed % SYNTHETIC_NHS_NUMBERS)


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"HUB-{n}")
    name = factory.Sequence(lambda n: f"Test Hub {n}")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    ods_code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Test Practice {n}")
    hub = factory.SubFactory(HubFactory)
    postcode = "W2 1NY"
    list_size = 8000

    class Params:
        # A practice outside every hub, kept as the evaluation's comparison.
        comparison_practice = factory.Trait(hub=None, comparison=True)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nhs.uk")
    first_name = factory.Sequence(lambda n: f"Given{n}")
    last_name = factory.Sequence(lambda n: f"Family{n}")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        # Most tests act as someone with a second factor; mfa=False makes one without.
        if create and extracted is not False:
            TOTP.activate(obj, TEST_TOTP_SECRET)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    hub = factory.SubFactory(HubFactory)
    role = Role.GP
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    nhs_number = factory.Sequence(nhs_number)
    given_name = factory.Sequence(lambda n: f"Childgiven{n}")
    family_name = factory.Sequence(lambda n: f"Childfamily{n}")
    date_of_birth = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=6 * 365)
    )
    sex = "female"
    practice = factory.SubFactory(PracticeFactory)
    registered_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=5 * 365)
    )


def member(role, hub, practice=None, **person_kwargs):
    """A person with one active membership: ``member(Role.GP, hub)``."""
    person = PersonFactory(**person_kwargs)
    MembershipFactory(person=person, hub=hub, role=role, practice=practice)
    return person


def has_totp(person):
    return Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


def one_use_token():
    """The hidden one-use token a form that creates something carries (cc4c.submissions), as
    POST data: ``client.post(url, {..., **one_use_token()})``."""
    from cc4c.submissions import FIELD, new_token

    return {FIELD: new_token()}
