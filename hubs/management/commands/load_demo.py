"""Loads demo data: each app contributes through a ``demo.py`` with ``load(ctx)``, in app order.

Idempotent: running it again leaves the demo data as it was.
"""

import random
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from hubs.demo import DEMO_PASSWORD, demo_logins


class DemoContext(dict):
    """Shared between the apps' loaders: the random source and what earlier apps made."""

    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.rng = random.Random(seed)


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
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise  # a demo module that is there but broken must not be skipped
                    continue
                module.load(ctx)
                self.stdout.write(f"demo data: {config.verbose_name}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
