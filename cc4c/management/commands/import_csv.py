from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cc4c.imports import ImportFailed, registered_kinds, run_import, template_csv


class Command(BaseCommand):
    help = (
        "Import a CSV file of one kind (docs/import-formats.md): every row is checked "
        "first, and nothing is written unless all of them are valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(registered_kinds()))
        parser.add_argument("file", nargs="?", help="path of the CSV file (UTF-8)")
        parser.add_argument("--by", help="email address of the person the import is recorded for")
        parser.add_argument(
            "--template", action="store_true", help="print the kind's template (its header row)"
        )

    def handle(self, *args, kind, file, by=None, template=False, **options):
        if kind not in registered_kinds():
            kinds = ", ".join(registered_kinds())
            raise CommandError(f"Unknown kind {kind!r}; choose from {kinds}")
        if template:
            self.stdout.write(template_csv(kind), ending="")
            return
        if file is None:
            raise CommandError("Give the FILE to import (or --template for the kind's template).")
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
