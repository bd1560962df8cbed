"""``manage.py backup``: back up the database and the uploaded files now (make backup)."""

from django.core.management.base import BaseCommand, CommandError

from cc4c import backups
from cc4c.uploads import megabytes


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive in BACKUP_DIR."

    def handle(self, *args, **options):
        run = backups.create()
        if not run.succeeded:
            raise CommandError(f"The backup failed: {run.error}")
        self.stdout.write(
            f"Backed up {run.tables} tables ({run.rows} rows) and {run.files} files to "
            f"{backups.backup_dir() / run.file_name} ({megabytes(run.size)})."
        )
