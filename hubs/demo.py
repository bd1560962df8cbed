"""Demo hubs, practices and one person for every role in each hub."""

import random

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.utils import timezone

from hubs.models import Hub, Membership, Person, Practice, Role

DEMO_PASSWORD = "demo-hub-password-2016"  # noqa: S105 - demo accounts only
# One shared authenticator secret for the demo accounts, so a tester can add it to an app once.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

HUBS = [
    {
        "code": "NWL-PAD",
        "name": "Paddington Child Health Hub",
        "practices": [
            ("E99001", "Westbourne Green Surgery", "W2 5QT", 9800),
            ("E99002", "Harrow Road Health Centre", "W9 3RS", 7400),
            ("E99003", "Little Venice Medical Practice", "W9 2DS", 6100),
            ("E99004", "Queens Park Family Practice", "W10 4LB", 8200),
        ],
    },
    {
        "code": "NWL-HAM",
        "name": "Hammersmith Child Health Hub",
        "practices": [
            ("E99011", "Brook Green Medical Centre", "W6 7BE", 8700),
            ("E99012", "Ravenscourt Surgery", "W6 0UA", 6900),
            ("E99013", "Shepherds Bush Practice", "W12 8QP", 10400),
        ],
    },
]

PEOPLE = [
    # (local part, first, last, profession, role, at practice index or None)
    ("gp", "Amira", "Hassan", "GP", Role.GP, 0),
    ("paed", "Tom", "Okafor", "Consultant paediatrician", Role.PAEDIATRICIAN, None),
    ("hv", "Grace", "Mensah", "Health visitor", Role.MDT_MEMBER, None),
    ("coord", "Priya", "Shah", "Hub coordinator", Role.COORDINATOR, None),
    ("commissioner", "David", "Clarke", "Commissioner", Role.COMMISSIONER, None),
    ("champion", "Sofia", "Rossi", "Practice champion", Role.CHAMPION, 1),
]


class DemoContext(dict):
    """Shared between the apps' loaders (each app's ``demo.load(ctx)``): the random source and
    what earlier apps made."""

    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.rng = random.Random(seed)


# Every demo account's address ends @DEMO_DOMAIN (hubs/checks.py refuses them in production).
DEMO_DOMAIN = "demo.cc4c.nhs.example"


def demo_email(local, hub_code):
    return f"{local}.{hub_code.split('-')[-1].lower()}@{DEMO_DOMAIN}"


def demo_logins():
    return [
        (demo_email(local, hub["code"]), f"{role.label}, {hub['name']}")
        for hub in HUBS
        for local, *_rest, role, _practice in PEOPLE
    ]


def totp_secret_of(person):
    auth = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    return decrypt(auth.data["secret"])


def load(ctx):
    today = timezone.localdate()
    ctx["hubs"] = []
    for spec in HUBS:
        hub, _ = Hub.objects.update_or_create(code=spec["code"], defaults={"name": spec["name"]})
        practices = []
        for ods, name, postcode, list_size in spec["practices"]:
            practice, _ = Practice.objects.update_or_create(
                ods_code=ods,
                defaults={"name": name, "hub": hub, "postcode": postcode, "list_size": list_size},
            )
            practices.append(practice)
        for local, first, last, profession, role, practice_index in PEOPLE:
            person, created = Person.objects.get_or_create(
                email=demo_email(local, hub.code),
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "profession": profession,
                    "is_staff": role == Role.COORDINATOR,
                },
            )
            if created:
                person.set_password(DEMO_PASSWORD)
                person.save()
            Membership.objects.get_or_create(
                person=person,
                hub=hub,
                role=role,
                defaults={
                    "practice": practices[practice_index] if practice_index is not None else None,
                    "start_date": today.replace(year=today.year - 1),
                },
            )
            if (
                role not in (Role.CHAMPION,)
                and not Authenticator.objects.filter(
                    user=person, type=Authenticator.Type.TOTP
                ).exists()
            ):
                TOTP.activate(person, DEMO_TOTP_SECRET)
            if role == Role.PAEDIATRICIAN and hub.lead_id is None:
                hub.lead = person
                hub.save(update_fields=["lead"])
        ctx["hubs"].append({"hub": hub, "practices": practices})
