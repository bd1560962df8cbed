from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cc4c.imports import ImportFailed, registered_kinds, run_import


class Command(BaseCommand):
    help = (
        "Import a CSV file of one kind (import-formats.md): every row is checked "
        "first, and nothing is written unless all of them are valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(registered_kinds()))
        parser.add_argument("file", help="path of the CSV file (UTF-8)")
        parser.add_argument("--by", help="email address of the person the import is recorded for")

    def handle(self, *args, kind, file, by=None, **options):
        if kind not in registered_kinds():
            kinds = ", ".join(registered_kinds())
            raise CommandError(f"Unknown kind {kind!r}; choose from {kinds}")
        person = None
        if by:
            person = get_user_model().objects.filter(email__iexact=by).first()
            if person is None:
                raise CommandError(f"No person has the email address {by}.")
        try:
            result = run_import(kind, file, by=person)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{file} was refused ({len(failure.errors)} problem(s)); nothing was imported."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
