from django.core.management.base import BaseCommand, CommandError

from cc4c.synthetic import generate


class Command(BaseCommand):
    help = "Write synthetic hub data as the seven CSV import formats (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=4000)
        parser.add_argument("--hubs", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--out", default="var/synthetic")

    def handle(self, *args, children, hubs, seed, out, **options):
        if children < 1 or hubs < 1:
            raise CommandError("--children and --hubs must be at least 1.")
        if children > 900_000:
            raise CommandError("The 999 test range holds 900,000 NHS numbers at most.")
        counts = generate(out, children=children, hubs=hubs, seed=seed)
        for kind, rows in counts.items():
            self.stdout.write(f"{kind:<22} {rows:>8} rows  {out}/{kind}.csv")
