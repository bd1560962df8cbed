from django.core.management.base import BaseCommand, CommandError

from cc4c.synthetic import TooManyChildren, generate


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
        try:
            counts = generate(out, children=children, hubs=hubs, seed=seed, comparison=comparison)
        except TooManyChildren as exc:
            raise CommandError(str(exc)) from None
        for kind, rows in counts.items():
            self.stdout.write(f"{kind:<22} {rows:>8} rows  {out}/{kind}.csv")
