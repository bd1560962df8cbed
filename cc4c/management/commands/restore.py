"""``manage.py restore FILE``: restore a backup into a fresh database (make restore FILE=...)."""

from django.core.management.base import BaseCommand, CommandError

from cc4c import backups


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the database DATABASE_URL names (created when it does "
        "not exist; refused when it holds tables, unless --replace) and its files into "
        "MEDIA_ROOT. Stop the site, the worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a cc4c-backup-....tar archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="drop everything in the database first (it is not empty)",
        )

    def handle(self, *args, file, replace, **options):
        try:
            summary = backups.restore(file, replace=replace)
        except backups.BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}") from exc
        self.stdout.write(
            f"Restored the backup taken {summary['taken_at']} into {summary['database']}: "
            f"{summary['tables']} tables, {summary['rows']} rows, {summary['files']} files, "
            "each checked against the backup."
        )
        if summary["missing"]:
            self.stdout.write(
                f"The backup lacked {len(summary['missing'])} file(s) the database names: "
                + ", ".join(summary["missing"][:10])
            )
        self.stdout.write(
            f"{summary['waiting_emails']} email(s) were waiting to be sent when the backup was "
            "taken; the worker sends them when it starts (any of them that went out after the "
            "backup goes again). Emails already sent and reminders already given are not sent "
            "again."
        )
        self.stdout.write(
            f"{summary['waiting_messages']} text(s) or email(s) to families were waiting to be "
            "sent through GOV.UK Notify when the backup was taken; they go when the worker "
            "starts (any of them that went out after the backup goes again)."
        )
