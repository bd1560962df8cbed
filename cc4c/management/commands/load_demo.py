"""Loads demo data: each app contributes through its ``demo.py`` with ``load(ctx)``, lowest floor
first, so each app finds what the apps below it made.

Idempotent: running it again leaves the demo data as it was.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from advice import demo as advice_demo
from champions import demo as champions_demo
from clinics import demo as clinics_demo
from evaluation import demo as evaluation_demo
from families import demo as families_demo
from feedback import demo as feedback_demo
from hubs import demo as hubs_demo
from hubs.demo import DEMO_PASSWORD, DemoContext, demo_logins
from learning import demo as learning_demo
from mdt import demo as mdt_demo
from population import demo as population_demo

# (what the line printed says, the app's demo module), in loading order.
LOADERS = [
    ("Hubs, practices and people", hubs_demo),
    ("Population", population_demo),
    ("MDT meetings", mdt_demo),
    ("Outreach clinics", clinics_demo),
    ("Advice line", advice_demo),
    ("Practice champions", champions_demo),
    ("Learning library and CPD", learning_demo),
    ("Feedback", feedback_demo),
    ("Family contacts and messages", families_demo),
    ("Evaluation reports", evaluation_demo),
]


class Command(BaseCommand):
    help = "Load demo hubs, practices, people and clinical records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--children", type=int, default=3000)
        parser.add_argument("--print-password", action="store_true")
        parser.add_argument("--list-logins", action="store_true")

    def handle(self, *args, seed, children, print_password, list_logins, **options):
        if print_password:
            self.stdout.write(DEMO_PASSWORD)
            return
        if list_logins:
            for email, role in demo_logins():
                self.stdout.write(f"{email:<40} {role}")
            return
        ctx = DemoContext(seed, children=children)
        with transaction.atomic():
            for name, module in LOADERS:
                module.load(ctx)
                self.stdout.write(f"demo data: {name}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
