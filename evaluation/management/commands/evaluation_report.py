import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from evaluation import render
from evaluation.compose import compute
from evaluation.periods import Period
from hubs.models import Hub


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Compute the evaluation measures for hubs and a period (docs/evaluation-measures.md)."

    def add_arguments(self, parser):
        parser.add_argument("--hub", action="append", required=True, dest="hubs")
        parser.add_argument("--from", required=True, dest="date_from", type=_date)
        parser.add_argument("--to", required=True, dest="date_to", type=_date)
        parser.add_argument("--baseline-from", dest="baseline_from", type=_date)
        parser.add_argument("--baseline-to", dest="baseline_to", type=_date)
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf"], default="csv")
        parser.add_argument("--suppress", action="store_true")
        parser.add_argument("--output", help="File to write; standard output when omitted.")

    def handle(self, *args, hubs, date_from, date_to, baseline_from, baseline_to, **options):
        codes = [code.upper() for code in hubs]
        found = {hub.code: hub for hub in Hub.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"No hub with code {', '.join(unknown)}.")
        try:
            period = Period.of(date_from, date_to, baseline_from, baseline_to)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = compute([found[code] for code in dict.fromkeys(codes)], period)
        fmt, suppressed = options["format"], options["suppress"]
        if fmt == "csv":
            body = render.to_csv(result, suppressed).encode()
        elif fmt == "xlsx":
            body = render.to_xlsx(result, suppressed)
        else:
            body = render.to_pdf(result, suppressed)
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.write(body)
        elif fmt == "csv":
            sys.stdout.write(body.decode())
        else:
            raise CommandError(f"Give --output for {fmt.upper()}.")
