"""Demo practice champions: a few per practice, their checks and training, a year of activity.

The demo champion sign-in of each hub (hubs/demo.py) is linked to one of them.
"""

import datetime
import random
from decimal import Decimal

from champions.models import Activity, ActivityType, Champion, Check, CheckKind, Status, Training
from hubs.demo import demo_email
from hubs.models import Person

NAMES = [
    ("Sofia", "Rossi"),
    ("Fatima", "Begum"),
    ("Chloe", "Williams"),
    ("Kwame", "Asante"),
    ("Maria", "Silva"),
    ("Joanna", "Nowak"),
    ("Aisha", "Mohamed"),
    ("Emma", "Clarke"),
]
COURSES = ["Safeguarding children level 1", "Making every contact count"]


def load(ctx):
    from django.utils import timezone

    today = timezone.localdate()
    for entry in ctx["hubs"]:
        hub, practices = entry["hub"], entry["practices"]
        # A generator of its own, so the demo is the same whatever other apps drew before.
        rng = random.Random(f"champions-{hub.code}")
        number = 0
        for practice_index, practice in enumerate(practices):
            for _ in range(2):
                given, family = NAMES[number % len(NAMES)]
                number += 1
                status = Status.PAUSED if number == 4 else Status.ACTIVE
                champion, created = Champion.objects.get_or_create(
                    hub=hub,
                    champion_ref=f"{hub.code.split('-')[-1]}-CH{number:03d}",
                    defaults={
                        "given_name": given,
                        "family_name": family,
                        "practice": practice,
                        "email": f"{given.lower()}.{number}@example.org",
                        "phone": f"07700 900{number:03d}",
                        "start_date": today - datetime.timedelta(days=400 + 30 * number),
                        "status": status,
                        "emergency_contact_name": f"{NAMES[(number + 3) % len(NAMES)][0]} {family}",
                        "emergency_contact_phone": f"07700 901{number:03d}",
                        "consent_to_contact": True,
                    },
                )
                if practice_index == 1 and number % 2 == 1:
                    _link_demo_sign_in(champion, hub)
                if not created:
                    continue
                # The first champion's DBS check runs out in three weeks: the alert shows.
                dbs_done = today - datetime.timedelta(days=3 * 365 - (21 if number == 1 else 200))
                Check.objects.create(
                    champion=champion,
                    kind=CheckKind.DBS,
                    date=dbs_done,
                    expires_on=dbs_done + datetime.timedelta(days=3 * 365),
                )
                for course in COURSES:
                    done = today - datetime.timedelta(days=rng.randint(30, 300))
                    Training.objects.create(
                        champion=champion,
                        course=course,
                        date=done,
                        expires_on=done + datetime.timedelta(days=2 * 365),
                    )
                _activities(champion, today, rng)


def _link_demo_sign_in(champion, hub):
    person = Person.objects.filter(email=demo_email("champion", hub.code)).first()
    if person is None or Champion.objects.filter(person=person).exists():
        return
    champion.person = person
    champion.given_name, champion.family_name = person.first_name, person.last_name
    champion.save()


def _activities(champion, today, rng):
    rows = {}
    for _ in range(rng.randint(8, 20)):
        date = today - datetime.timedelta(days=rng.randint(1, 360))
        kind = rng.choice(ActivityType.values)
        rows[(date, kind)] = Activity(
            champion=champion,
            date=date,
            type=kind,
            hours=Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "4"])),
            people_reached=rng.randint(0, 40),
            notes="",
            # A champion with a sign-in logs their own: they may correct this month's.
            recorded_by=champion.person,
        )
    Activity.objects.bulk_create(rows.values(), ignore_conflicts=True)
