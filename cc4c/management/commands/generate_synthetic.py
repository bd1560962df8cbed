from django.core.management.base import BaseCommand, CommandError

from cc4c.synthetic import generate
from cc4c.validators import SYNTHETIC_NHS_NUMBERS


class Command(BaseCommand):
    help = "Write synthetic hub data as the seven CSV import formats (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=4000)
        parser.add_argument("--hubs", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument(
            "--comparison", type=int, default=0, help="comparison practices outside every hub"
        )
        parser.add_argument("--out", default="var/synthetic")

    def handle(self, *args, children, hubs, seed, out, comparison, **options):
        if children < 1 or hubs < 1:
            raise CommandError("--children and --hubs must be at least 1.")
        if children > SYNTHETIC_NHS_NUMBERS:
            raise CommandError(
                f"The synthetic NHS numbers run to {SYNTHETIC_NHS_NUMBERS:,} children at most."
            )
        counts = generate(out, children=children, hubs=hubs, seed=seed, comparison=comparison)
        for kind, rows in counts.items():
            self.stdout.write(f"{kind:<22} {rows:>8} rows  {out}/{kind}.csv")
